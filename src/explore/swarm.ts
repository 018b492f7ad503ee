// Swarm testing (Groce, Zhang, Eide, Chen, Regehr: "Swarm Testing", ISSTA
// 2012): instead of every run offering the adversary every kind of action,
// each run leaves a random half of them out. A run with only crashes and torn
// writes spends its whole fault budget on them, so a bug that needs three
// crashes in a row, or a torn log tail, is no longer drowned by drops and
// partitions; a run whose prefix never flushes a disk or fires a timer leaves
// writes queued and timeouts pending for as long as the adversary likes. The
// features are the engine's, not a model's: every fault kind of the budget,
// the benign and recovery kinds that can wait for the fair suffix (timer fire,
// disk flush, restart, heal), and how often a step is a fault at all.
import * as fc from 'fast-check';
import type { BaseConfig, FaultBudget } from '../model.ts';
import { FIRE, FLUSH, HEAL, RESTART } from '../scheduler.ts';

/** How `check` draws its adversary: `swarm` (the default) or every feature in every run (`uniform`, the default before swarm). */
export type CheckStrategy = 'swarm' | 'uniform';
export const CHECK_STRATEGIES: readonly CheckStrategy[] = ['swarm', 'uniform'];

/** The fault kinds a run may leave out: its budget for that kind becomes 0. */
export const FAULT_KINDS: readonly (keyof FaultBudget)[] = ['crashes', 'drops', 'duplicates', 'partitions', 'torn'];
/** The kinds a run may hold back for the fair suffix. */
const HELD_KINDS: readonly number[] = [FIRE, FLUSH, RESTART, HEAL];
/** Features a swarm draws: one coin per fault kind and per held kind. */
export const SWARM_FEATURES = FAULT_KINDS.length + HELD_KINDS.length;
/** Fault steps per eight choices a swarm run may use: 1 (the uniform rate) to 4. */
const MAX_RATE = 4;

/**
 * The configuration a swarm draw describes: `off[k]` leaves feature k out
 * (fault kinds first, then held kinds), `rate` is the fault rate. A feature
 * left out that the model never had (duplicates over FIFO links, a disk the
 * model does not keep) changes nothing.
 */
export function swarmConfig<Cfg extends BaseConfig>(cfg: Cfg, off: readonly boolean[], rate: number): Cfg {
  const budget: FaultBudget = { ...cfg.budget };
  FAULT_KINDS.forEach((k, i) => {
    if (off[i] && budget[k] !== undefined) budget[k] = 0;
  });
  let hold = 0;
  HELD_KINDS.forEach((kind, i) => {
    if (off[FAULT_KINDS.length + i]) hold |= 1 << kind;
  });
  if (hold !== 0) budget.hold = hold;
  if (rate > 1) budget.rate = rate;
  return { ...cfg, budget };
}

/**
 * The model's configurations with a swarm drawn per run. Each feature is left
 * out with probability one half; the rate is uniform over 1..4. Shrinking
 * puts features back (false) and the rate down, toward the uniform adversary.
 */
export function swarmArb<Cfg extends BaseConfig>(cfgArb: fc.Arbitrary<Cfg>): fc.Arbitrary<Cfg> {
  return fc
    .tuple(cfgArb, fc.array(fc.boolean(), { minLength: SWARM_FEATURES, maxLength: SWARM_FEATURES }), fc.integer({ min: 1, max: MAX_RATE }))
    .map(([cfg, off, rate]) => swarmConfig(cfg, off, rate));
}

/** A swarm from a plain random source (`simulate`): the same features with the same odds. */
export function swarmFrom<Cfg extends BaseConfig>(cfg: Cfg, rng: () => number): Cfg {
  const off: boolean[] = [];
  for (let k = 0; k < SWARM_FEATURES; k++) off.push(rng() < 0.5);
  return swarmConfig(cfg, off, 1 + Math.floor(rng() * MAX_RATE));
}
