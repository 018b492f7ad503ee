// influence.ts: which hidden events can change what a checkpoint observes, the
// exhaustive pass's (joint.ts) reason to skip a replay. Checked on the real fault run
// whose listing of q no placement explains: every event it rules out, moved anywhere
// or dropped, still fails at or before that listing when replayed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { valid } from '../src/oracle/history/hidden.ts';
import { influencers } from '../src/oracle/history/influence.ts';
import { readHistoryFile } from '../src/oracle/history/parse.ts';
import { prepare } from '../src/oracle/history/prepare.ts';
import { Replay } from '../src/oracle/history/replay.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

describe('events that can reach an observation', () => {
  it('lost-run fixture: the ruled-out events, moved or dropped, never get past the failing listing', () => {
    const h = prepare(readHistoryFile(join(HERE, 'fixtures', 'zk-3node-lost-run.jsonl.gz')));
    const outcome = new Replay(h).check(1);
    expect(outcome.violations).toHaveLength(1);
    // A fresh replay: the checked one no longer stops at the violation it reported.
    const r = new Replay(h);
    const P = outcome.placement;
    const base = r.run(P);
    expect(base).not.toBeNull();
    const idx = base!.idx;
    const c = r.cps[idx];
    expect(c.op.id).toBe(outcome.violations[0].ops[0]);
    expect(c.op.type).toBe('children');
    const affects = influencers(r, c);
    const q = c.op.path!;
    const named = (type: string, path: string) => r.hidden.filter((hd) => hd.op?.type === type && hd.op.path === path);
    // The delete of the listed node and the creates under it can change the listing;
    // a create of a sibling of q (it only touches their common parent) cannot.
    for (const hd of named('delete', q)) expect(affects(hd)).toBe(true);
    for (const hd of r.hidden.filter((x) => x.op?.type === 'create' && x.op.path!.startsWith(`${q}/`))) expect(affects(hd)).toBe(true);
    const ruledOut = r.hidden.filter((hd) => !affects(hd));
    expect(ruledOut.map((hd) => hd.op?.path)).toContain(`${q.slice(0, q.lastIndexOf('/'))}/k3`);
    let replays = 0;
    for (const hd of ruledOut) {
      // Dropped, and at the free zxids nearest the top and the bottom of its window below the listing.
      const changes: (number | null)[] = [null];
      const free = (from: number, step: number) => {
        for (let g = from, n = 0; g > hd.lo && g < Math.min(hd.hi, c.z) && n < 100_000; g += step, n++) if (!r.knownZ.has(g) && g % 2 ** 32 !== 0) return g;
        return undefined;
      };
      for (const g of [free(Math.min(hd.hi, c.z) - 1, -1), free(hd.lo + 1, 1)]) if (g !== undefined) changes.push(g);
      for (const g of changes) {
        const Q = new Map(P);
        if (g === null) {
          if (!Q.delete(hd.hid)) continue;
        } else Q.set(hd.hid, g);
        if (!valid(r, Q)) continue;
        const res = r.run(Q);
        replays++;
        expect(res).not.toBeNull();
        expect(res!.idx).toBeLessThanOrEqual(idx);
      }
    }
    expect(replays).toBeGreaterThan(0);
  });
});
