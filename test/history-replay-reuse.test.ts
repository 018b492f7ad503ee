// The replay's reuse of earlier runs (replay.ts): a run resumes from the snapshot
// before the first zxid where its placement differs from the last run's, and goes on
// from an earlier run's furthest snapshot once it reaches the state that run had
// (refSame) with the same hidden events ahead. Neither may change an outcome: every
// placement, replayed after a series of others on one Replay, fails where a fresh
// Replay fails with it, with the same finding.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { valid, type Hidden, type Placement } from '../src/oracle/history/hidden.ts';
import { readHistoryFile } from '../src/oracle/history/parse.ts';
import { prepare } from '../src/oracle/history/prepare.ts';
import { Replay } from '../src/oracle/history/replay.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The accepted placement; each hidden event dropped or moved to the free zxids
 * nearest either end of its window; and, from a fixed seed, pairs of events moved to
 * free zxids anywhere in their windows (so that runs differ early and fail late).
 */
function placements(r: Replay, P: Placement): Placement[] {
  const out: Placement[] = [P];
  const last = r.cps[r.cps.length - 1].z;
  const free = (hd: Hidden, from: number, step: number) => {
    for (let g = from, n = 0; g > hd.lo && g < Math.min(hd.hi, last) && n < 100_000; g += step, n++) if (!r.knownZ.has(g) && g % 2 ** 32 !== 0) return g;
    return undefined;
  };
  const offer = (Q: Map<number, number>) => {
    if (valid(r, Q)) out.push(Q);
  };
  for (const hd of r.hidden) {
    for (const g of [null, free(hd, Math.min(hd.hi, last) - 1, -1), free(hd, hd.lo + 1, 1)]) {
      if (g === undefined) continue;
      const Q = new Map(P);
      if (g === null) {
        if (!Q.delete(hd.hid)) continue;
      } else Q.set(hd.hid, g);
      offer(Q);
    }
  }
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 0; k < 60; k++) {
    const Q = new Map(P);
    for (let j = 0; j < 2; j++) {
      const hd = r.hidden[next(r.hidden.length)];
      const top = Math.min(hd.hi, last) - 1;
      if (!Number.isFinite(top) || top <= hd.lo) continue;
      const g = free(hd, hd.lo + 1 + next(Math.max(1, Math.min(top - hd.lo, 2 ** 31 - 1))), 1);
      if (g !== undefined) Q.set(hd.hid, g);
    }
    offer(Q);
  }
  return out;
}

describe('replaying from earlier runs', () => {
  for (const fixture of ['zk-3node-lost-run.jsonl.gz', 'zk-3node-divergent-follower.jsonl.gz']) {
    it(`${fixture}: every placement fails where a fresh replay fails, with the same finding`, () => {
      const h = prepare(readHistoryFile(join(HERE, 'fixtures', fixture)));
      const P = new Replay(h).check(1).placement;
      const shared = new Replay(h);
      const Qs = placements(shared, P);
      expect(Qs.length).toBeGreaterThan(10);
      let fresh = 0;
      for (const Q of Qs) {
        const got = shared.run(Q);
        const alone = new Replay(h);
        const want = alone.run(Q);
        fresh += alone.steps;
        expect(got?.idx).toBe(want?.idx);
        expect(got?.mismatch).toEqual(want?.mismatch);
      }
      // Not vacuous: the shared replay did reuse what earlier runs left.
      expect(shared.steps).toBeLessThan(fresh / 2);
    });
  }
});
