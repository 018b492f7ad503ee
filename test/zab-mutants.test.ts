// Proof that the checks bite: every named ZAB mutant is found by the property
// suite (fast-check exploration, seed 1, as `zoocheck check zab --mutant NAME
// --seed 1` runs it), and every invariant is tripped by some mutant when it is
// the only property checked. Runs are deterministic: the run index that fails
// first is pinned, so a change in the model or the explorer shows up here.
import { describe, expect, it } from 'vitest';
import { zabProtocol } from '../properties/zab.ts';
import { runCheck } from '../src/explore/check.ts';

const p = zabProtocol();

/** mutant -> [first failing run with seed 1, the property it breaks] */
const FOUND: Record<string, [number, string]> = {
  'propose-to-ackld-only': [0, 'PrefixConsistency'],
  'commitld-echoes-ackld': [680, 'Progress'],
  // Its precondition (a server holding an uncommitted txn of an old epoch rejoins
  // a leader whose log runs past it) needs a crash right after a proposal and a
  // second election: reached once warm starts put the whole fault budget after
  // the first election (about 1 run in 50,000 before, 1 in a few hundred now).
  'diff-instead-of-trunc': [1267, 'MajorityCommit'],
  'epoch-before-history': [19561, 'CommittedLogDurability'],
  'ackld-before-persist': [20, 'MajorityCommit'],
  'epoch-from-last-zxid': [21, 'Leadership'],
  'non-total-vote-order': [134, 'VoteMonotonic'],
  'decide-without-quorum': [1, 'LeadingNeedsQuorum'],
  'election-sid-before-zxid': [26, 'VoteMonotonic'],
  'commit-before-quorum': [12, 'MajorityCommit'],
  'count-observer-ack': [17, 'MajorityCommit'],
  'log-after-shutdown': [1, 'Progress'],
  'local-write': [1, 'MajorityCommit'],
};

/** invariant -> [mutant, first failing run when checked alone, seed (default 1)] */
const TRIPS: Record<string, [string, number, number?]> = {
  Leadership: ['epoch-from-last-zxid', 21],
  MajorityCommit: ['propose-to-ackld-only', 1501],
  TotalOrder: ['log-after-shutdown', 215],
  PrefixConsistency: ['propose-to-ackld-only', 0],
  Agreement: ['propose-to-ackld-only', 0],
  Integrity: ['local-write', 1],
  PrimaryIntegrity: ['local-write', 1],
  LocalPrimaryOrder: ['propose-to-ackld-only', 0],
  CommittedLogDurability: ['ackld-before-persist', 1058],
  LeadingNeedsQuorum: ['decide-without-quorum', 1],
  VoteMonotonic: ['non-total-vote-order', 134],
  Progress: ['propose-to-ackld-only', 0],
  // B7 (ZOOKEEPER-4712): the queued txn of epoch 1 is logged after the server
  // synced with the epoch-2 leader, behind 2:x, and delivered there. Rare: seeds
  // 1 and 3 do not reach it within 100,000 runs (seed 2 not within 50,000), seed 4 does.
  GlobalPrimaryOrder: ['log-after-shutdown', 13600, 4],
};

describe('ZAB mutants', () => {
  it('every mutant is listed here', () => {
    expect(Object.keys(FOUND).sort()).toEqual(p.mutants.map((m) => m.name).sort());
  });

  for (const [mutant, [run, property]] of Object.entries(FOUND)) {
    it(`${mutant} is found at run ${run} (seed 1) by ${property}`, () => {
      const r = runCheck(p, { runs: run + 1, seed: 1, mutant, noShrink: true });
      expect(r.failure?.run).toBe(run);
      expect(r.failure?.violation.invariant).toBe(property);
    });
  }

  it('every invariant and the liveness property are tripped by some mutant', () => {
    const names = p.invariants(p.defaultConfig(null)).map((i) => i.name);
    for (const n of names) expect(Object.keys(TRIPS)).toContain(n);
  });

  for (const [inv, [mutant, run, seed = 1]] of Object.entries(TRIPS)) {
    it(`${inv} is tripped by ${mutant} at run ${run} (seed ${seed}) when checked alone`, () => {
      const r = runCheck(p, { runs: run + 1, seed, mutant, only: [inv], noShrink: true });
      expect(r.failure?.run).toBe(run);
      expect(r.failure?.violation.invariant).toBe(inv);
    });
  }
});

/**
 * GlobalPrimaryOrder on a crafted delivery order, besides the rare mutant run
 * above. With zxid = epoch:counter it is implied by TotalOrder, so a mutant that
 * breaks it breaks TotalOrder at the same step.
 */
describe('GlobalPrimaryOrder, driven directly', () => {
  it('fires when a server delivers an older epoch after a newer one in one life', () => {
    const cfg = p.defaultConfig(null);
    const inv = p.invariants(cfg).find((i) => i.name === 'GlobalPrimaryOrder')!;
    const g0 = p.ghost.init(cfg);
    const t = (e: number, c: number, v: number) => ({ z: e * 2 ** 32 + c, v });
    const prev = { nodes: [], ghost: { ...g0, deliv: [[t(1, 1, 0), t(2, 1, 1)], [], [], []] } } as never;
    const bad = { nodes: [], ghost: { ...g0, deliv: [[t(1, 1, 0), t(2, 1, 1), t(1, 2, 2)], [], [], []] } } as never;
    const good = { nodes: [], ghost: { ...g0, deliv: [[t(1, 1, 0), t(2, 1, 1), t(2, 2, 2)], [], [], []] } } as never;
    expect(inv.check(bad, prev)).toMatch(/delivered 1:2=w2 \(epoch 1\) after 2:1=w1 \(epoch 2\)/);
    expect(inv.check(good, prev)).toBeNull();
  });
});
