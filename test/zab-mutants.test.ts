// Proof that the checks bite: every named ZAB mutant is killed by the property
// suite (fast-check exploration, seed 1, as `zoocheck check zab --mutant NAME
// --seed 1` runs it) within a stated number of runs, and every invariant is
// tripped by some mutant when it is the only property checked. The bounds leave
// room for an unrelated change to move the first failing run; what matters is
// that the kill happens, by the named property. Mutants whose precondition is
// rare under random schedules are shown by a directed scenario through the real
// scheduler, and by their committed trace (test/traces.test.ts).
import { describe, expect, it } from 'vitest';
import { zabProtocol } from '../properties/zab.ts';
import { runCheck } from '../src/explore/check.ts';
import type { CheckStrategy } from '../src/explore/swarm.ts';
import { epochFirst, toNewLeader } from './helpers/zab-scenarios.ts';

const p = zabProtocol();

/**
 * mutant -> [killed within this many runs with seed 1, by this property, and
 * the strategy when not the swarm default] (first failing run measured in the
 * comment). Under the uniform adversary (before swarm testing became check's
 * default, issue 12) ackld-before-persist was found only at run 203,961 and
 * epoch-before-history not within 60,000 runs; the directed scenarios below
 * still show each step by step.
 */
const KILLED: Record<string, [number, string, CheckStrategy?]> = {
  'propose-to-ackld-only': [100, 'ShouldNotBeTriggered'], // run 7
  'commitld-echoes-ackld': [200, 'MajorityCommit'], // run 18
  'diff-instead-of-trunc': [12_000, 'MajorityCommit'], // run 8,715
  'ack-before-ackld': [50, 'ShouldNotBeTriggered'], // run 14
  'drop-queue-on-leave': [200, 'MajorityCommit'], // run 55
  'log-after-shutdown': [600, 'MajorityCommit'], // run 337
  'sync-point-from-applied': [4000, 'ShouldNotBeTriggered'], // run 2,674
  'diff-advances-lastzxid': [600, 'PrefixConsistency'], // run 271
  // Epochs are not written at all, so EpochOnDisk sees the first LEADERINFO; Leadership alone: TRIPS.
  'epoch-from-last-zxid': [50, 'EpochOnDisk'], // run 0
  'non-total-vote-order': [1000, 'VoteMonotonic'], // run 548
  'decide-without-quorum': [50, 'LeadingNeedsQuorum'], // run 0
  'election-sid-before-zxid': [100, 'VoteMonotonic'], // run 9
  'commit-before-quorum': [100, 'MajorityCommit'], // run 17
  'local-write': [50, 'MajorityCommit'], // run 0
  'count-observer-ack': [100, 'MajorityCommit'], // run 18
  'epoch-before-history': [1000, 'MajorityCommit'], // run 464
  'ackld-before-persist': [200, 'MajorityCommit'], // run 40
  'ackepoch-before-accepted-write': [50, 'EpochOnDisk'], // run 0
  'higher-round-adopts-vote': [50, 'VoteAtLeastOwn'], // run 2
  'current-epoch-from-accepted': [100, 'EpochsFromDisk'], // run 5
};

/** invariant -> [mutant, tripped within this many runs when checked alone, seed (default 1), strategy (default swarm)] */
const TRIPS: Record<string, [string, number, number?, CheckStrategy?]> = {
  ShouldNotBeTriggered: ['ack-before-ackld', 50], // run 14
  // Not within 40,000 swarm runs with seed 1 (nor 15,000 with seeds 2-6); the
  // uniform adversary's run moved from 9,731 when ZAB's draw changed to 1-7 voters.
  TotalOrder: ['log-after-shutdown', 40_000, 1, 'uniform'], // run 29,255: an observer delivers 1:1 after 1:2
  Leadership: ['epoch-from-last-zxid', 50], // run 1
  MajorityCommit: ['commit-before-quorum', 100], // run 17
  PrefixConsistency: ['propose-to-ackld-only', 100], // run 7
  Agreement: ['propose-to-ackld-only', 100], // run 14
  Integrity: ['local-write', 50], // run 0
  PrimaryIntegrity: ['local-write', 50], // run 0
  LocalPrimaryOrder: ['propose-to-ackld-only', 100], // run 7
  CommittedLogDurability: ['local-write', 100], // run 16
  LeadingNeedsQuorum: ['decide-without-quorum', 50], // run 0
  VoteMonotonic: ['non-total-vote-order', 1000], // run 548
  EpochOnDisk: ['ackepoch-before-accepted-write', 50], // run 0
  VoteAtLeastOwn: ['higher-round-adopts-vote', 50], // run 2
  EpochsFromDisk: ['current-epoch-from-accepted', 100], // run 5
  Progress: ['propose-to-ackld-only', 100], // run 7
};

describe('ZAB mutants', () => {
  it('every mutant is listed here', () => {
    expect(Object.keys(KILLED).sort()).toEqual(p.mutants.map((m) => m.name).sort());
  });

  for (const [mutant, [within, property, strategy]] of Object.entries(KILLED)) {
    it(`${mutant} is killed within ${within} runs (seed 1${strategy ? `, ${strategy}` : ''}) by ${property}`, () => {
      const r = runCheck(p, { runs: within, seed: 1, mutant, noShrink: true, strategy });
      expect(r.failure).not.toBeNull();
      expect(r.failure?.violation.invariant).toBe(property);
    });
  }

  it('every invariant and the liveness property are tripped by some mutant', () => {
    const names = [...p.invariants(p.defaultConfig(null)).map((i) => i.name), ...p.liveness.map((l) => l.name)];
    for (const n of names) expect([...Object.keys(TRIPS), 'GlobalPrimaryOrder']).toContain(n);
  });

  for (const [inv, [mutant, within, seed = 1, strategy]] of Object.entries(TRIPS)) {
    it(`${inv} is tripped by ${mutant} within ${within} runs (seed ${seed}${strategy ? `, ${strategy}` : ''}) when checked alone`, () => {
      const r = runCheck(p, { runs: within, seed, mutant, only: [inv], noShrink: true, strategy });
      expect(r.failure?.violation.invariant).toBe(inv);
    });
  }
});

describe('the disk bugs, directed through the real scheduler', () => {
  it('ackld-before-persist (ZOOKEEPER-4646): the NEWLEADER ACK counted before b logged w0 lets w0 be delivered from one disk (MajorityCommit)', () => {
    const { d, a, b, seen } = toNewLeader('ackld-before-persist');
    expect(seen).toEqual([]);
    // b's epoch file is written first; its ACK reaches a before b's log flush.
    seen.push(...d.act('flush', (x) => x.node === b && (x.arg & 3) === 1));
    seen.push(...d.act('deliver', (x) => x.from === b && x.to === a && (x.msg as { t: string }).t === 'ACK'));
    expect(seen.join('\n')).toMatch(/^MajorityCommit: 1:1=w0 delivered while on the disk of only s\d \(quorum 2 of 3\)/);
  });

  it('epoch-before-history (ZOOKEEPER-4643): b restarts with the new epoch and no w0, wins the election and truncates a delivered txn (CommittedLogDurability)', () => {
    const { seen } = epochFirst('epoch-before-history');
    expect(seen.join('\n')).toMatch(/^CommittedLogDurability: s\d's disk lost committed 1:1=w0 at position 1/);
  });

  it('correct: the same schedule crashes b before its epoch write, so the old leader wins and nothing is lost', () => {
    expect(epochFirst(null).seen).toEqual([]);
  });

  it('correct: b ACKs NEWLEADER only after its log flush, and the same schedule holds everywhere', () => {
    const { d, b, seen } = toNewLeader(null);
    expect(d.w.io[b].map((x) => x.ch)).toEqual([0]);
    seen.push(...d.fair(() => false, 400));
    expect(seen).toEqual([]);
  });
});

/**
 * TotalOrder and GlobalPrimaryOrder on crafted delivery orders. With zxid =
 * epoch:counter GlobalPrimaryOrder is implied by TotalOrder; log-after-shutdown
 * (txns of an old epoch logged behind a newer sync) trips TotalOrder within an
 * epoch (above), but its cross-epoch case needs a restart after it to deliver
 * them, which seeds 1-4 do not reach within 40,000 runs each.
 */
describe('TotalOrder and GlobalPrimaryOrder, driven directly', () => {
  const cfg = p.defaultConfig(null);
  const g0 = p.ghost.init(cfg);
  const t = (e: number, c: number, v: number) => ({ z: e * 2 ** 32 + c, v });
  const world = (d: ReturnType<typeof t>[]) => ({ nodes: [], ghost: { ...g0, deliv: [d, [], [], []] } }) as never;
  const prev = world([t(1, 1, 0), t(2, 1, 1)]);
  it('GlobalPrimaryOrder fires when a server delivers an older epoch after a newer one in one life', () => {
    const inv = p.invariants(cfg).find((i) => i.name === 'GlobalPrimaryOrder')!;
    expect(inv.check(world([t(1, 1, 0), t(2, 1, 1), t(1, 2, 2)]), prev)).toMatch(/delivered 1:2=w2 \(epoch 1\) after 2:1=w1 \(epoch 2\)/);
    expect(inv.check(world([t(1, 1, 0), t(2, 1, 1), t(2, 2, 2)]), prev)).toBeNull();
  });
  it('TotalOrder fires when a server delivers a lower zxid after a higher one', () => {
    const inv = p.invariants(cfg).find((i) => i.name === 'TotalOrder')!;
    expect(inv.check(world([t(1, 1, 0), t(2, 1, 1), t(2, 1, 2)]), prev)).toMatch(/delivered 2:1=w2 after 2:1=w1/);
    expect(inv.check(world([t(1, 1, 0), t(2, 1, 1), t(2, 2, 2)]), prev)).toBeNull();
  });
});
