// The correct ZAB model under the adversarial scheduler: every safety invariant
// after every step and liveness at the end of the fair suffix, over thousands of
// generated runs across 1 to 7 voters with observers, crashes, connection
// breaks and partitions; plus the vacuity guard (how often runs reach the
// states the invariants are about).
import { describe, expect, it } from 'vitest';
import { zabProtocol } from '../properties/zab.ts';
import { runCheck } from '../src/explore/check.ts';
import { generateRun, runArb } from '../src/explore/arbitrary.ts';

const p = zabProtocol();

describe('ZAB, correct model', () => {
  it('the configurations explored cover 1 to 7 voters, observers, crashes, torn writes, connection breaks and partitions', () => {
    const arb = runArb(p, null);
    const voters = new Map<number, number>();
    const seen = { observers: 0, crashes: 0, torn: 0, drops: 0, partitions: 0 };
    for (let i = 0; i < 5000; i++) {
      const c = generateRun(arb, 1, i).value.cfg;
      voters.set(c.voters, (voters.get(c.voters) ?? 0) + 1);
      if (c.observers > 0) seen.observers++;
      if (c.budget.crashes > 0) seen.crashes++;
      if ((c.budget.torn ?? 0) > 0) seen.torn++;
      if (c.budget.drops > 0) seen.drops++;
      if (c.budget.partitions > 0) seen.partitions++;
      expect(c.budget.duplicates).toBe(0);
    }
    // Measured (seed 1): 2 voters 1,932 runs, 3 1,809, 4-7 273-344 each; swarm
    // leaves each fault kind out of half the runs: partitions 845, torn 839.
    expect([...voters.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const n of voters.values()) expect(n).toBeGreaterThan(150);
    for (const v of Object.values(seen)) expect(v).toBeGreaterThan(400);
  });

  // Swarm's held-back disk flushes once broke the correct model
  // (CommittedLogDurability, seed 1 run 3,087, and MajorityCommit, seed 2 run
  // 5,699): a learner that had left its leader took the flush of its earlier
  // NEWLEADER write for the flush of the current one. Both adversaries hold now.
  it('holds every invariant and liveness over 5,000 runs (seed 1)', () => {
    const r = runCheck(p, { runs: 5000, seed: 1, mutant: null, noShrink: true });
    expect(r.failure?.violation ?? null).toBeNull();
    expect(r.runs).toBe(5000);
  });

  it('holds over 1,000 more runs with another seed, and under the uniform adversary', () => {
    for (const strategy of ['swarm', 'uniform'] as const) {
      const r = runCheck(p, { runs: 1000, seed: 7, mutant: null, noShrink: true, strategy });
      expect(r.failure?.violation ?? null).toBeNull();
    }
  });

  it('reaches the interesting states (vacuity guard, 2,000 runs)', () => {
    const runs = 2000;
    const r = runCheck(p, { runs, seed: 3, mutant: null, noShrink: true });
    expect(r.failure).toBeNull();
    const rate = (name: string) => r.reach[name] / runs;
    // Measured rates (seed 3, these 2,000 runs, swarm default, 1-7 voters):
    // leader 100%, commit 91%, DIFF 86.5% (a lone voter without observers
    // syncs nobody), SNAP 12.4%, observer INFORM 34%, crash during sync 2.1%
    // (12.5% under the uniform adversary: it needs a crash and a resync in one
    // run, and swarm leaves crashes out of half the runs), a crash losing
    // unflushed writes 12.7%, torn write 1.4%, epoch change 22%, TRUNC 0.8%.
    expect(rate('leader established')).toBeGreaterThan(0.95);
    expect(rate('commit')).toBeGreaterThan(0.8);
    expect(rate('DIFF sent')).toBeGreaterThan(0.75);
    expect(rate('SNAP sent')).toBeGreaterThan(0.06);
    expect(rate('observer received INFORM')).toBeGreaterThan(0.2);
    expect(rate('crash during sync')).toBeGreaterThan(0.005);
    expect(rate('crash between a write and its flush')).toBeGreaterThan(0.06);
    expect(rate('torn write')).toBeGreaterThan(0.007);
    expect(r.reach['epoch change']).toBeGreaterThan(5);
    expect(r.reach['TRUNC sent']).toBeGreaterThan(0);
  });
});
