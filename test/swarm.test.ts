// check's search (issue 12 item 5): swarm testing as the default adversary
// (src/explore/swarm.ts, the scheduler's budget.hold and budget.rate) and the
// bounded exhaustive pass before sampling (src/explore/exhaustive.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paxosProtocol } from '../properties/paxos.ts';
import { zabProtocol } from '../properties/zab.ts';
import { generateRun, runArb } from '../src/explore/arbitrary.ts';
import { combineDigests, runCheck } from '../src/explore/check.ts';
import { EXHAUSTIVE_RUN, smallestConfig } from '../src/explore/exhaustive.ts';
import { explore } from '../src/explore/explore.ts';
import { SWARM_FEATURES, swarmConfig } from '../src/explore/swarm.ts';
import { runSchedule } from '../src/run.ts';
import { DELIVER, FIRE, FLUSH, HEAL, RESTART, Scheduler } from '../src/scheduler.ts';
import type { World } from '../src/world.ts';
import { zoocheck } from './helpers/cli.ts';

const p = paxosProtocol();
const zab = zabProtocol();

/** The world once every node has started (before any step). */
function startedWorld(cfg: ReturnType<typeof p.defaultConfig>): World {
  const sch = new Scheduler(p, cfg);
  let w = sch.initial();
  for (let i = 0; i < sch.n; i++) w = sch.start(w, i);
  return w;
}

describe('swarm', () => {
  it('a feature left out zeroes its fault budget or holds its kind back; the rate is kept', () => {
    const cfg = { ...p.defaultConfig(null), budget: { crashes: 2, drops: 3, duplicates: 1, partitions: 1 } };
    const none = swarmConfig(cfg, new Array(SWARM_FEATURES).fill(false), 1);
    expect(none.budget).toEqual(cfg.budget);
    const all = swarmConfig(cfg, new Array(SWARM_FEATURES).fill(true), 3);
    expect(all.budget).toEqual({ crashes: 0, drops: 0, duplicates: 0, partitions: 0, hold: (1 << FIRE) | (1 << FLUSH) | (1 << RESTART) | (1 << HEAL), rate: 3 });
    // A kind the model has no budget for (torn: no disk) stays absent.
    expect('torn' in all.budget).toBe(false);
  });

  it('check draws a different subset per run, each feature left out of about half of them', () => {
    const arb = runArb(zab, null);
    let crashesOff = 0;
    let flushHeld = 0;
    const rates = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const b = generateRun(arb, 1, i).value.cfg.budget;
      if (b.crashes === 0) crashesOff++;
      if (((b.hold ?? 0) & (1 << FLUSH)) !== 0) flushHeld++;
      rates.add(b.rate ?? 1);
    }
    // ZAB's own draw has no crash in about 1/8 of its runs; swarm leaves crashes out of half.
    expect(crashesOff).toBeGreaterThan(900);
    expect(crashesOff).toBeLessThan(1400);
    expect(flushHeld).toBeGreaterThan(800);
    expect(flushHeld).toBeLessThan(1200);
    expect([...rates].sort()).toEqual([1, 2, 3, 4]);
  });

  it('the prefix does not list a held kind while anything else can go, and lists it when nothing else can', () => {
    const cfg = { ...p.defaultConfig(null), budget: { crashes: 0, drops: 0, duplicates: 0, partitions: 0 } };
    const plain = new Scheduler(p, cfg);
    const held = new Scheduler(p, { ...cfg, budget: { ...cfg.budget, hold: 1 << FIRE } });
    const kinds = (s: Scheduler) => Array.from(s.kinds.slice(0, s.count));
    // Fair steps until a timer can fire while messages are in flight, then
    // deliveries only until a timer is all that can go.
    let w = startedWorld(cfg);
    for (let k = 0; k < 100 && !(plain.enumerate(w, true) && kinds(plain).includes(DELIVER) && kinds(plain).includes(FIRE)); k++) {
      plain.enumerate(w, false);
      w = plain.apply(w, plain.fairPick());
    }
    expect(kinds(plain)).toContain(DELIVER);
    expect(kinds(plain)).toContain(FIRE);
    held.enumerate(w, true);
    expect(kinds(held)).toContain(DELIVER);
    expect(kinds(held)).not.toContain(FIRE);
    // The fair suffix holds nothing back.
    held.enumerate(w, false);
    expect(kinds(held)).toContain(FIRE);
    // The same world with nothing in flight and no request left: only timers can go.
    const quiet = { ...w, net: [], pending: 0 };
    plain.enumerate(quiet, true);
    expect(plain.count).toBeGreaterThan(0);
    expect(kinds(plain).every((x) => x === FIRE)).toBe(true);
    held.enumerate(quiet, true);
    expect(kinds(held)).toEqual(kinds(plain));
  });

  it('budget.rate r makes the choice values 8-r..7 faults', () => {
    const cfg = { ...p.defaultConfig(null), budget: { crashes: 1, drops: 0, duplicates: 0, partitions: 0 } };
    const w = startedWorld(cfg);
    for (const [rate, low, fault] of [
      [1, 4, false],
      [1, 7, true],
      [4, 3, false],
      [4, 4, true],
    ] as const) {
      const sch = new Scheduler(p, { ...cfg, budget: { ...cfg.budget, rate } });
      sch.prepare(w);
      expect(sch.pick(low) >= sch.benign, `rate ${rate}, value ${low}`).toBe(fault);
    }
  });

  it('a run replays from its configuration alone: the swarm is part of it', () => {
    const arb = runArb(zab, 'ackld-before-persist');
    const { cfg, choices } = generateRun(arb, 1, 40).value;
    const a = runSchedule(zab, cfg, choices);
    const b = runSchedule(zab, JSON.parse(JSON.stringify(cfg)), choices);
    expect(b.h1).toBe(a.h1);
    expect(b.violation).toEqual(a.violation);
  });
});

describe('the exhaustive pass before sampling', () => {
  it('finds a shallow bug breadth-first in the smallest configuration, at its shortest there, before any sampled run', () => {
    const mutant = 'minority-quorum';
    const r = runCheck(p, { runs: 2000, seed: 1, mutant, exhaustiveShare: 0.1 });
    expect(r.failure?.run).toBe(EXHAUSTIVE_RUN);
    expect(r.runs).toBe(0);
    const cfg = smallestConfig(p, mutant);
    expect(r.failure?.input.cfg).toEqual(cfg);
    const bounds = { ...p.explore!.defaults, crashes: 1, drops: 1, duplicates: 1, partitions: 1 };
    const bfs = explore(p, cfg, { depth: 50, maxStates: Number.POSITIVE_INFINITY, symmetry: true, suffix: true, bounds });
    expect(r.failure?.input.choices.length).toBe(bfs.counterexample?.choices.length);
    expect(runSchedule(p, cfg, r.failure!.input.choices).violation?.invariant).toBe(r.failure?.violation.invariant);
    expect(r.exhaustive?.generated).toBeLessThanOrEqual(r.exhaustive!.maxGenerated);
  });

  it('is capped in states, so its result and digest are the same on every call; sampling follows when it finds nothing', () => {
    const a = runCheck(p, { runs: 300, seed: 5, mutant: null, exhaustiveShare: 0.1 });
    const b = runCheck(p, { runs: 300, seed: 5, mutant: null, exhaustiveShare: 0.1 });
    expect(a.exhaustive?.maxGenerated).toBe(300);
    expect(a.exhaustive?.generated).toBe(b.exhaustive?.generated);
    expect(a.runs).toBe(300);
    expect(a.digests[0].run).toBe(EXHAUSTIVE_RUN);
    expect(combineDigests(a.digests, null)).toBe(combineDigests(b.digests, null));
    const none = runCheck(p, { runs: 300, seed: 5, mutant: null });
    expect(none.exhaustive).toBeNull();
    expect(combineDigests(none.digests, null)).not.toBe(combineDigests(a.digests, null));
  });

  it('the smallest configuration is the documented topology, else the least value of the generator, with one fault of each kind', () => {
    const one = { crashes: 1, drops: 1, duplicates: 1, partitions: 1 };
    expect(smallestConfig(p, null)).toEqual(p.explore!.config({ ...p.explore!.defaults, ...one }, null));
    expect(smallestConfig(zab, null)).toMatchObject({ voters: 1, observers: 0, writes: 2, budget: { ...one, torn: 1 } });
  });
});

describe('zoocheck check: --strategy and --exhaustive-share', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-swarm-'));
  const check = (args: string[]) => zoocheck(['check', 'paxos', '--json', '--out', tmp, ...args]);

  it('reports the pass in the JSON and names its trace after it', () => {
    const r = check(['--mutant', 'minority-quorum', '--seed', '1', '--runs', '2000']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.exhaustive).toMatchObject({ share: 0.1, maxGenerated: 2000, found: true });
    expect(j.runs).toBe(0);
    expect(j.trace).toMatch(/paxos-minority-quorum-seed1-exhaustive\.json$/);
    const off = JSON.parse(check(['--mutant', 'minority-quorum', '--seed', '1', '--runs', '2000', '--exhaustive-share', '0']).stdout);
    expect(off.exhaustive).toBeNull();
    expect(off.runs).toBeGreaterThan(0);
  });

  it('--strategy uniform draws another adversary (another digest); a bad share exits 2 with one line', () => {
    const swarm = JSON.parse(check(['--seed', '2', '--runs', '200']).stdout);
    const uniform = JSON.parse(check(['--seed', '2', '--runs', '200', '--strategy', 'uniform']).stdout);
    expect(uniform.digest).not.toBe(swarm.digest);
    const bad = check(['--exhaustive-share', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--exhaustive-share must be a number from 0 to 1/);
  });
});
