// Write the committed traces of the ZAB mutants whose preconditions random
// schedules reach only rarely, from their directed scenarios
// (test/helpers/zab-scenarios.ts): the scenario's choices, shrunk by check's
// own shrinker (action passes, then the bounded search), replay as any run.
import { join } from 'node:path';
import * as fc from 'fast-check';
import { runArb } from '../src/explore/arbitrary.ts';
import { shrinkFailure } from '../src/explore/shrink.ts';
import { runSchedule } from '../src/run.ts';
import { writeAtomic } from '../src/cli/io.ts';
import { traceJson } from '../src/trace/format.ts';
import { buildTrace } from '../src/trace/replay.ts';
import { zabProtocol } from '../properties/zab.ts';
import { epochFirst, toNewLeader } from '../test/helpers/zab-scenarios.ts';
import { lostWriteScenario } from '../test/helpers/zk-scenarios.ts';

const p = zabProtocol();
const scenarios = {
  'epoch-before-history': () => epochFirst('epoch-before-history'),
  'ackld-before-persist': () => {
    const s = toNewLeader('ackld-before-persist');
    s.seen.push(...s.d.act('flush', (x) => x.node === s.b && (x.arg & 3) === 1));
    s.seen.push(...s.d.act('deliver', (x) => x.from === s.b && x.to === s.a && (x.msg as { t: string }).t === 'ACK'));
    return s;
  },
};
/**
 * ZOOKEEPER-4712/4785 in the ensemble, judged as its clients see it: random
 * search meets the divergence between replicas first (ReplicasAgree), so this
 * trace checks the client-visible properties only (recorded in it as `only`)
 * and ends where a client reads from the restarted follower that lost a write.
 */
const CLIENT_VISIBLE = ['LinearizableWrites', 'SessionFIFO', 'MonotonicReads', 'ReadsCommitted', 'WatchBeforeData'];
{
  const mutant = 'drop-queue-on-leave';
  const s = lostWriteScenario('3.9', mutant);
  const zk = s.p as typeof p;
  const input = { cfg: s.cfg as never, choices: s.choices };
  const first = runSchedule(zk, input.cfg, input.choices, { only: CLIENT_VISIBLE });
  if (first.violation === null) throw new Error(`zk/${mutant}: the scenario breaks no client-visible property`);
  const sh = shrinkFailure(zk, runArb(zk, mutant), new fc.Value(input, undefined), first, { timeMs: 30_000, only: CLIENT_VISIBLE });
  const t = buildTrace(zk, sh.input.cfg, sh.input.choices, { seed: 0, run: 0, only: CLIENT_VISIBLE, stats: { originalChoices: s.choices.length, shrinks: sh.shrinks } });
  if (t.violation === null) throw new Error(`zk/${mutant}: the trace does not reproduce`);
  writeAtomic(join('traces', 'zk', `${mutant}.json`), traceJson(t));
  console.log(`zk/${mutant}: ${t.violation.invariant}, directed scenario of ${s.choices.length} choices shrunk to ${sh.input.choices.length} (${sh.shrinks} shrinks)`);
}

for (const [mutant, run] of Object.entries(scenarios)) {
  const s = run();
  if (s.seen.length === 0) throw new Error(`${mutant}: the scenario no longer breaks an invariant`);
  const input = { cfg: s.cfg as never, choices: s.d.choices };
  const first = runSchedule(p, input.cfg, input.choices);
  if (first.violation === null) throw new Error(`${mutant}: the scenario's choices do not reproduce`);
  const sh = shrinkFailure(p, runArb(p, mutant), new fc.Value(input, undefined), first, { timeMs: 30_000 });
  const t = buildTrace(p, sh.input.cfg, sh.input.choices, { seed: 0, run: 0, stats: { originalChoices: s.d.choices.length, shrinks: sh.shrinks } });
  if (t.violation === null) throw new Error(`${mutant}: the trace does not reproduce`);
  writeAtomic(join('traces', 'zab', `${mutant}.json`), traceJson(t));
  console.log(`zab/${mutant}: ${t.violation.invariant}, directed scenario of ${s.d.choices.length} choices shrunk to ${sh.input.choices.length} (${sh.shrinks} shrinks, ${sh.passes} passes)`);
}
