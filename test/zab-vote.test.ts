// The FLE vote order (§4.1, FastLeaderElection.totalOrderPredicate) must be a
// strict total order on votes for voters: for two distinct votes exactly one
// beats the other. ZOOKEEPER-1419's pre-fix formula is not.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { voteGt, type Vote, type ZabConfig } from '../models/zab/index.ts';

const cfg = (mutant: string | null): ZabConfig => ({ mutant, voters: 5, observers: 2, writes: 2, budget: { crashes: 0, drops: 0, duplicates: 0, partitions: 0 } });
// Small ranges so that equal epochs and zxids (the tie-breaks) come up often.
const voteArb: fc.Arbitrary<Vote> = fc.record({ leader: fc.integer({ min: 0, max: 4 }), zxid: fc.integer({ min: 0, max: 3 }), epoch: fc.integer({ min: 0, max: 3 }) });
const distinct = fc.tuple(voteArb, voteArb).filter(([a, b]) => a.leader !== b.leader || a.zxid !== b.zxid || a.epoch !== b.epoch);

function totalOrder(mutant: string | null) {
  const c = cfg(mutant);
  return fc.property(distinct, ([a, b]) => voteGt(a, b, c) !== voteGt(b, a, c));
}

describe('FLE vote order', () => {
  it('is a strict total order: for distinct votes exactly one of gt(a,b), gt(b,a)', () => {
    fc.assert(totalOrder(null), { seed: 1, numRuns: 5000 });
  });

  it('is irreflexive and transitive', () => {
    const c = cfg(null);
    fc.assert(
      fc.property(voteArb, (a) => !voteGt(a, a, c)),
      { seed: 2, numRuns: 1000 },
    );
    fc.assert(
      fc.property(voteArb, voteArb, voteArb, (a, b, d) => !(voteGt(a, b, c) && voteGt(b, d, c)) || voteGt(a, d, c)),
      { seed: 3, numRuns: 5000 },
    );
  });

  it('orders peerEpoch first, then zxid, then server id', () => {
    const c = cfg(null);
    expect(voteGt({ leader: 0, zxid: 0, epoch: 2 }, { leader: 4, zxid: 9, epoch: 1 }, c)).toBe(true);
    expect(voteGt({ leader: 0, zxid: 5, epoch: 1 }, { leader: 4, zxid: 4, epoch: 1 }, c)).toBe(true);
    expect(voteGt({ leader: 4, zxid: 5, epoch: 1 }, { leader: 3, zxid: 5, epoch: 1 }, c)).toBe(true);
  });

  it('never lets an observer (or nobody) win', () => {
    const c = cfg(null);
    expect(voteGt({ leader: 5, zxid: 9, epoch: 9 }, { leader: 0, zxid: 0, epoch: 0 }, c)).toBe(false);
    expect(voteGt({ leader: -1, zxid: 9, epoch: 9 }, { leader: 0, zxid: 0, epoch: 0 }, c)).toBe(false);
    expect(voteGt({ leader: 0, zxid: 0, epoch: 0 }, { leader: -1, zxid: -1, epoch: -1 }, c)).toBe(true);
  });

  it('catches ZOOKEEPER-1419 (non-total-vote-order) directly', () => {
    const r = fc.check(totalOrder('non-total-vote-order'), { seed: 1, numRuns: 5000 });
    expect(r.failed).toBe(true);
    // The catalogue's scenario: X (epoch 2, zxid z) and Y (epoch 1, same zxid, higher id) beat each other.
    const c = cfg('non-total-vote-order');
    const x = { leader: 1, zxid: 5, epoch: 2 };
    const y = { leader: 2, zxid: 5, epoch: 1 };
    expect(voteGt(x, y, c) && voteGt(y, x, c)).toBe(true);
  });

  it('election-sid-before-zxid is still total but prefers the higher id over the longer log', () => {
    fc.assert(totalOrder('election-sid-before-zxid'), { seed: 4, numRuns: 2000 });
    expect(voteGt({ leader: 2, zxid: 1, epoch: 1 }, { leader: 1, zxid: 9, epoch: 1 }, cfg('election-sid-before-zxid'))).toBe(true);
  });
});
