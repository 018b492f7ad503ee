// The committed counterexample corpus: every trace still fails on its mutant
// (same choices, same invariant at the same step, the same event data) and
// passes on the correct model. Replay compares the trace's data, never its
// rendered text (src/trace/data.ts), so a renderer's new wording or a node's
// new label does not invalidate the corpus, and any change to the run does.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace, type TraceFile } from '../src/trace/format.ts';
import { replayTrace } from '../src/trace/replay.ts';
import { getProtocol, protocolNames } from '../properties/index.ts';
import { ROOT } from './helpers/cli.ts';

const dir = join(ROOT, 'traces');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('committed traces', () => {
  it("exist for every mutant of every registered model (a mutant a model takes from another is in that one's corpus)", () => {
    for (const name of protocolNames()) {
      const p = getProtocol(name)!;
      for (const m of p.mutants) expect(files).toContain(join(m.from ?? name, `${m.name}.json`));
    }
  });

  it.each(files)('%s reproduces on its mutant and passes on the correct model', (f) => {
    const t = readTrace(join(dir, f));
    expect(t.mutant).not.toBeNull();
    const again = replayTrace(t, getProtocol);
    expect(again.divergence).toBeNull();
    expect(again.trace.choices).toEqual(t.choices);
    const { invariant, kind, step } = t.violation!;
    expect(again.violation).toMatchObject({ invariant, kind, step });
    const fixed = replayTrace(t, getProtocol, null);
    expect(fixed.violation).toBeNull();
  });
});

/** The trace with every rendered part reworded: texts, observations, violation message, node labels. */
function reworded(t: TraceFile): TraceFile {
  const label = (s: string | undefined) => (s === undefined ? undefined : `node-${t.nodes.indexOf(s)}`);
  const text = (s: string | undefined) => (s === undefined ? undefined : `reworded ${s.length}`);
  return {
    ...t,
    nodes: t.nodes.map((_, i) => `node-${i}`),
    violation: t.violation && { ...t.violation, message: 'reworded' },
    events: t.events.map((e) => ({
      ...e,
      node: label(e.node),
      from: label(e.from),
      to: label(e.to),
      text: text(e.text),
      groups: e.groups?.map((side) => side.map((n) => label(n)!)),
      sends: e.sends?.map((s) => ({ ...s, to: label(s.to)!, text: text(s.text)! })),
      observe: e.observe?.map(() => 'reworded'),
    })),
  };
}

describe('replay compares data, not rendering', () => {
  const t = readTrace(join(dir, 'paxos', 'volatile-accepted.json'));
  const z = readTrace(join(dir, 'znode', 'watch-fires-twice.json'));

  it('a trace with every text, observation and node label reworded still replays', () => {
    for (const x of [t, z]) {
      const r = replayTrace(reworded(x), getProtocol);
      expect(r.divergence).toBeNull();
      expect(r.violation?.invariant).toBe(x.violation?.invariant);
    }
  });

  it('a changed raw message, send, choice or raw state is a divergence at that step', () => {
    const k = t.events.findIndex((e) => e.msg !== undefined && e.phase !== 'start');
    const msg = structuredClone(t);
    (msg.events[k].msg as { b: number }).b += 1;
    expect(replayTrace(msg, getProtocol).divergence?.step).toBe(t.events[k].step);

    const j = t.events.findIndex((e) => e.sends !== undefined && e.sends.length > 0);
    const send = structuredClone(t);
    send.events[j].sends = send.events[j].sends!.slice(1);
    expect(replayTrace(send, getProtocol).divergence?.step).toBe(t.events[j].step);

    const c = t.events.findIndex((e) => e.choice !== undefined);
    const choice = structuredClone(t);
    choice.events[c].choice! += 8;
    expect(replayTrace(choice, getProtocol).divergence?.step).toBe(t.events[c].step);

    // Paxos records its states raw: they are data.
    const s = t.events.findIndex((e) => e.state !== undefined && e.phase !== 'start');
    const state = structuredClone(t);
    state.events[s].state = { ...(state.events[s].state as object), round: 99 };
    expect(replayTrace(state, getProtocol).divergence?.step).toBe(t.events[s].step);
  });
});
