// The ensemble model's runs as zk-history/1 (src/oracle/model-history.ts):
// check-history must accept the clients' view of every run of the correct
// model, exactly as it judges a recording of a real ensemble.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zkProtocol } from '../properties/zk.ts';
import { runArb } from '../src/explore/arbitrary.ts';
import { checkHistory } from '../src/oracle/history/index.ts';
import { MODEL_ROOT, modelHistory } from '../src/oracle/model-history.ts';
import type { ZkConfig } from '../models/zk/index.ts';

const p = zkProtocol();

describe('model runs as client histories', () => {
  it('a run becomes a well-formed history: meta first, ops under the root, times in order', () => {
    const [run] = fc.sample(runArb(p, null), { numRuns: 1, seed: 7 });
    const h = modelHistory(p as never, run.cfg as ZkConfig, run.choices);
    expect(h[0]).toMatchObject({ kind: 'meta', format: 'zk-history/1', root: MODEL_ROOT });
    expect(h[h.length - 1].kind).toBe('summary');
    let t = -1;
    for (const l of h.slice(1, -1)) {
      const at = l.kind === 'op' ? l.t_invoke : (l as { t: number }).t;
      expect(at).toBeGreaterThanOrEqual(t);
      t = at;
      if (l.kind === 'op' && l.path !== null) expect(l.path.startsWith(`${MODEL_ROOT}/`)).toBe(true);
    }
  });

  // 10,000 runs of the correct model, drawn as `check zk` draws them, in four
  // slices so the file's time shows where it goes.
  //
  // Three runs here were once rejected (seed 100 run 1697, seed 102 run 1178, seed
  // 103 run 965): two indeterminate writes that explain an observation only together
  // (test/history-hidden-pairs.test.ts); the search's exhaustive pass (joint.ts) places them.
  // Listed so that any new one fails this test and so that a fix shows here (a listed
  // run that passes fails too).
  const OPEN: Record<number, number[]> = {};
  for (let slice = 0; slice < 4; slice++) {
    it(`check-history accepts every history of the correct model (runs ${slice * 2500}..${slice * 2500 + 2499})`, () => {
      const runs = fc.sample(runArb(p, null), { numRuns: 2500, seed: 100 + slice });
      let ops = 0;
      const rejected: number[] = [];
      for (const [i, run] of runs.entries()) {
        const h = modelHistory(p as never, run.cfg as ZkConfig, run.choices);
        const r = checkHistory(h);
        if (r.verdict !== 'ok') {
          rejected.push(i);
          if (!(OPEN[100 + slice] ?? []).includes(i)) throw new Error(`seed ${100 + slice} run ${i}: ${JSON.stringify(r.violations[0])}\n${JSON.stringify(run)}`);
        }
        ops += r.ops;
      }
      expect(rejected).toEqual(OPEN[100 + slice] ?? []);
      // Not vacuous: the runs have clients that do things.
      expect(ops).toBeGreaterThan(5000);
    }, 600_000);
  }
});
