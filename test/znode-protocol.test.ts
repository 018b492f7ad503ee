// The znode protocol under the adversarial scheduler: the correct model holds
// over its default run count and reaches the states that matter; every mutant is
// found by random exploration at seed 1 well inside 50,000 runs, by the
// invariant that states the rule it breaks, and its shrunk counterexample
// replays; every invariant is tripped by some mutant.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/config.ts';
import { combineDigests, runCheck } from '../src/explore/check.ts';
import { runSchedule } from '../src/run.ts';
import { buildTrace, replayTrace } from '../src/trace/replay.ts';
import { znodeProtocol } from '../properties/znode.ts';

const p = znodeProtocol();

/** The invariant each mutant must trip (a few may trip another one first on a different schedule). */
const EXPECTED: Record<string, string[]> = {
  'seq-from-zxid': ['SequentialIncreasing'],
  'seq-from-numchildren': ['SequentialIncreasing'],
  'setdata-ignores-version': ['ConditionalWrites'],
  'version-not-bumped': ['VersionsOnlyGrow', 'StatConsistent'],
  'cversion-counts-creates': ['VersionsOnlyGrow', 'StatConsistent'],
  'pzxid-not-updated': ['StatConsistent'],
  'delete-forgets-parent-event': ['WatchBeforeData'],
  'multi-partial': ['MultiAtomic'],
  'ephemeral-survives-close': ['EphemeralsVanishWithSession'],
  'ephemeral-parent-allowed': ['EphemeralNoChildren'],
  'delete-ignores-children': ['ParentExists'],
  'watch-fires-twice': ['WatchFiresOnce'],
  'data-change-fires-child-watch': ['WatchFiresOnce'],
  'watch-never-fires': ['WatchBeforeData'],
  'reply-before-watch': ['WatchBeforeData'],
};

describe('the correct znode protocol', () => {
  const result = runCheck(p, { runs: p.defaultRuns, seed: 1, mutant: null });

  it(`holds over ${p.defaultRuns} runs at seed 1, well under a minute`, () => {
    expect(result.failure?.violation ?? null).toBeNull();
    expect(result.runs).toBe(p.defaultRuns);
    expect(result.elapsedMs).toBeLessThan(60_000);
  });

  it('reaches the states that matter (vacuity guard)', () => {
    const rate = (name: string) => result.reach[name] / result.runs;
    expect(rate('ephemeral deleted with its session')).toBeGreaterThan(0.03);
    expect(rate('ephemeral deleted by session expiry')).toBeGreaterThan(0.01);
    expect(rate('watch fired')).toBeGreaterThan(0.03);
    expect(rate('sequential node created')).toBeGreaterThan(0.1);
    expect(rate('multi failed atomically')).toBeGreaterThan(0.1);
    expect(rate('BADVERSION returned')).toBeGreaterThan(0.02);
    expect(rate('NOCHILDRENFOREPHEMERALS returned')).toBeGreaterThan(0.01);
    expect(result.reach['empty container swept']).toBeGreaterThan(0);
  });

  it('is deterministic: same digest twice', () => {
    const again = runCheck(p, { runs: 300, seed: 1, mutant: null });
    const first = runCheck(p, { runs: 300, seed: 1, mutant: null });
    expect(combineDigests(again.digests, null)).toBe(combineDigests(first.digests, null));
    expect(combineDigests(first.digests, null)).toBe(
      combineDigests(
        result.digests.filter((d) => d.run < 300),
        null,
      ),
    );
  });

  it('runs its default configuration to quiescence with every client answered', () => {
    const cfg = p.defaultConfig(null);
    const r = runSchedule(p, cfg, []);
    expect(r.violation).toBeNull();
    const w = r.final!;
    for (let i = 1; i <= cfg.clients; i++) expect(w.nodes[i]).toMatchObject({ phase: 'connected', pending: [], queue: [] });
    expect(w.ghost.fired).toBe(true);
    expect(w.ghost.seq).toBe(true);
  });
});

describe('znode mutants', () => {
  it('the list matches the table of expected invariants', () => {
    expect(p.mutants.map((m) => m.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const m of p.mutants) expect(m.description.length).toBeGreaterThan(20);
  });

  const tripped = new Set<string>();
  for (const m of p.mutants) {
    it(`${m.name} is found at seed 1 within 50,000 runs, by ${EXPECTED[m.name].join(' or ')}, and its shrunk trace replays`, () => {
      const r = runCheck(p, { runs: 50_000, seed: 1, mutant: m.name });
      expect(r.failure).not.toBeNull();
      const f = r.failure!;
      expect(r.elapsedMs).toBeLessThan(120_000);
      expect(EXPECTED[m.name]).toContain(f.violation.invariant);
      tripped.add(f.violation.invariant);
      // The shrunk run, through a trace file and back, fails the same way.
      const trace = buildTrace(p, f.input.cfg, f.input.choices, { seed: 1, run: f.run });
      expect(trace.violation?.invariant).toBe(f.violation.invariant);
      const replayed = replayTrace(JSON.parse(JSON.stringify(trace)), (name) => (name === 'znode' ? znodeProtocol() : null));
      expect(replayed.divergence).toBeNull();
      expect(replayed.violation?.invariant).toBe(f.violation.invariant);
      // ... and holds on the correct model.
      expect(replayTrace(JSON.parse(JSON.stringify(trace)), () => znodeProtocol(), null).violation).toBeNull();
    });
  }

  it('every invariant is tripped by some mutant', () => {
    expect([...tripped].sort()).toEqual(
      p
        .invariants(p.defaultConfig(null))
        .map((i) => i.name)
        .sort(),
    );
  });
});

describe('znode configuration', () => {
  it('round-trips through JSON and the parser', () => {
    const cfg = p.defaultConfig('multi-partial');
    expect(p.parseConfig(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
  });

  it('names the bad field', () => {
    const bad = (patch: (c: any) => void) => {
      const c: any = JSON.parse(JSON.stringify(p.defaultConfig(null)));
      patch(c);
      try {
        p.parseConfig(c);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('accepted a bad config');
    };
    expect(bad((c) => (c.ops[1].client = 7))).toMatch(/^config\.ops\.1\.client: /);
    expect(bad((c) => (c.ops[0].op.mode = 'TTL'))).toMatch(/^config\.ops\.0\.op/);
    expect(bad((c) => (c.expire = [0]))).toMatch(/^config\.expire\.0: /);
    expect(bad((c) => delete c.sweep)).toMatch(/^config\.sweep: /);
    expect(bad((c) => (c.budget.crashes = -1))).toMatch(/^config\.budget\.crashes: /);
  });

  it('every generated configuration parses and fits the scheduler (at most 30 workload items)', () => {
    fc.assert(
      fc.property(p.configArb(null), (cfg) => {
        expect(p.parseConfig(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
        expect(p.workload(cfg).length).toBeLessThanOrEqual(30);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
