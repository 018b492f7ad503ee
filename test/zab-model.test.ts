// The correct ZAB model under the adversarial scheduler: every safety invariant
// after every step and liveness at the end of the fair suffix, over thousands of
// generated runs across 3 and 5 voters with observers, crashes, connection
// breaks and partitions; plus the vacuity guard (how often runs reach the
// states the invariants are about).
import { describe, expect, it } from 'vitest';
import { zabProtocol } from '../properties/zab.ts';
import { runCheck } from '../src/explore/check.ts';
import { generateRun, runArb } from '../src/explore/arbitrary.ts';

const p = zabProtocol();

describe('ZAB, correct model', () => {
  it('the configurations explored cover 3 and 5 voters, observers, crashes and connection breaks', () => {
    const arb = runArb(p, null);
    const seen = { three: 0, five: 0, observers: 0, crashes: 0, drops: 0, partitions: 0 };
    for (let i = 0; i < 5000; i++) {
      const c = generateRun(arb, 1, i).value.cfg;
      if (c.voters === 3) seen.three++;
      if (c.voters === 5) seen.five++;
      if (c.observers > 0) seen.observers++;
      if (c.budget.crashes > 0) seen.crashes++;
      if (c.budget.drops > 0) seen.drops++;
      if (c.budget.partitions > 0) seen.partitions++;
      expect(c.budget.duplicates).toBe(0);
    }
    for (const v of Object.values(seen)) expect(v).toBeGreaterThan(1000);
  });

  it('holds every invariant and liveness over 5,000 runs (seed 1)', () => {
    const r = runCheck(p, { runs: 5000, seed: 1, mutant: null, noShrink: true });
    expect(r.failure?.violation ?? null).toBeNull();
    expect(r.runs).toBe(5000);
  });

  it('holds over 1,000 more runs with another seed', () => {
    const r = runCheck(p, { runs: 1000, seed: 7, mutant: null, noShrink: true });
    expect(r.failure?.violation ?? null).toBeNull();
  });

  it('reaches the interesting states (vacuity guard, 2,000 runs)', () => {
    const runs = 2000;
    const r = runCheck(p, { runs, seed: 3, mutant: null, noShrink: true });
    expect(r.failure).toBeNull();
    const rate = (name: string) => r.reach[name] / runs;
    // Measured rates (seed 1, 30,000 runs): leader ~100%, commit ~94%, DIFF ~100%,
    // SNAP ~19%, observer INFORM ~30%, crash during sync ~14%, a crash losing
    // unflushed writes ~20%, torn write ~5%, epoch change ~36%, TRUNC ~1%.
    expect(rate('leader established')).toBeGreaterThan(0.95);
    expect(rate('commit')).toBeGreaterThan(0.8);
    expect(rate('DIFF sent')).toBeGreaterThan(0.9);
    expect(rate('SNAP sent')).toBeGreaterThan(0.1);
    expect(rate('observer received INFORM')).toBeGreaterThan(0.2);
    expect(rate('crash during sync')).toBeGreaterThan(0.08);
    expect(rate('crash between a write and its flush')).toBeGreaterThan(0.1);
    expect(rate('torn write')).toBeGreaterThan(0.02);
    expect(r.reach['epoch change']).toBeGreaterThan(5);
    expect(r.reach['TRUNC sent']).toBeGreaterThan(0);
  });
});
