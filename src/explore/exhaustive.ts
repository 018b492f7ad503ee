// A bounded exhaustive pass before sampling (issue 12 item 5): `check` first
// searches breadth-first (explore.ts) through the model's smallest
// configuration, within a share of the check's work, and samples only after.
// A bug that shows in the smallest topology with a short schedule is then
// found by enumeration, at its shortest, whatever the seed; sampling spends
// its runs on everything larger. The cap counts generated states, not
// milliseconds, so the pass ends at the same state everywhere and its result
// and digest do not depend on the machine or on --workers.
import * as fc from 'fast-check';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import type { Failure, RunDigest } from './check.ts';
import { runSchedule } from '../run.ts';
import { explore } from './explore.ts';
import { FAULT_KINDS } from './swarm.ts';

/** Default share of a check's work the pass may take (`--exhaustive-share`). */
export const DEFAULT_EXHAUSTIVE_SHARE = 0.1;
/**
 * Generated states per sampled run the share counts (a state costs a fair
 * suffix). With the default share a check of N runs gives the pass N states:
 * measured at each model's default run count, the correct models' pass took
 * 12-33% of the check's time here (Paxos 564 of 1,726 ms, znode 833 / 4,699,
 * ZAB 743 / 6,026, zk 2,713 / 9,496: a state with faults in play costs 0.3-2.7
 * ms, a run 0.9-9 ms).
 */
export const STATES_PER_RUN = 10;

/** What the pass did, for the report. */
export interface ExhaustiveSummary {
  /** The configuration searched, as JSON. */
  config: string;
  share: number;
  /** The cap, in generated states. */
  maxGenerated: number;
  generated: number;
  distinct: number;
  /** Every reachable state within the model's bounds was expanded (no cap reached). */
  exhausted: boolean;
  /** The digest entry of the pass: it folds in before the sampled runs (run index -1). */
  digest: RunDigest;
  ms: number;
}

/** Where the pass sits in the digest: before every sampled run. */
export const EXHAUSTIVE_RUN = -1;

/**
 * The smallest configuration: the topology the model documents for
 * exploration (its bounds' defaults) when it declares bounds, else the least
 * value of its configuration arbitrary (drawn from a source that always gives
 * its lowest number: every integer at its minimum, the first alternative of
 * each choice, the shortest arrays: the fewest members), with one fault of
 * each kind its budget names, so that a bug one fault away is found at its
 * shortest too.
 */
export function smallestConfig<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, mutant: string | null): Cfg {
  const base = p.explore ? p.explore.config(p.explore.defaults, mutant) : p.configArb(mutant).generate(new fc.Random(lowest), undefined).value;
  const budget = { ...base.budget };
  for (const k of FAULT_KINDS) if (budget[k] !== undefined) budget[k] = 1;
  return { ...base, budget };
}

/** The bounds the pass explores within: the model's defaults, with the smallest configuration's fault budget. */
function passBounds<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg): Record<string, number> | undefined {
  if (!p.explore) return undefined;
  const b = { ...p.explore.defaults };
  for (const k of FAULT_KINDS) if (k in b && cfg.budget[k] !== undefined) b[k] = cfg.budget[k]!;
  return b;
}

/** A random source whose every draw is its lowest value. */
const lowest = {
  clone: () => lowest,
  next: () => -0x80000000,
  getState: () => [],
};

export function exhaustivePass<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  opts: { runs: number; mutant: string | null; only?: readonly string[]; share: number },
): { summary: ExhaustiveSummary; failure: Failure<Cfg> | null } {
  const t0 = performance.now();
  const cfg = smallestConfig(p, opts.mutant);
  const maxGenerated = Math.max(1, Math.floor(opts.runs * opts.share * STATES_PER_RUN));
  // A model that starts warm (Protocol.warmUntil) is searched from the warm
  // world, as every run starts from it: the choices then replay as they are.
  const warm = p.warmUntil?.(cfg) ? runSchedule(p, cfg, [], { noSuffix: true, only: opts.only }).final : null;
  const r = explore(p, cfg, {
    depth: p.maxChoices,
    maxStates: Number.POSITIVE_INFINITY,
    maxGenerated,
    symmetry: p.symmetry !== undefined,
    suffix: true,
    bounds: passBounds(p, cfg),
    only: opts.only,
    from: warm !== null ? { world: warm, prefix: [] } : undefined,
  });
  const cx = r.counterexample;
  let h1 = Math.imul(r.generated ^ 0x2545f491, 0x9e3779b1) ^ r.distinct;
  let h2 = Math.imul(r.distinct + 0x6d2b79f5, 0x85ebca6b) ^ (r.exhausted ? 1 : 0);
  if (cx !== null) {
    for (const c of cx.choices) h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ cx.violation.step, 0xc2b2ae35);
  }
  // Steps count sampled runs only; the pass reports its states itself.
  const digest: RunDigest = { run: EXHAUSTIVE_RUN, h1: h1 >>> 0, h2: h2 >>> 0, steps: 0 };
  const summary: ExhaustiveSummary = {
    config: JSON.stringify(cfg),
    share: opts.share,
    maxGenerated,
    generated: r.generated,
    distinct: r.distinct,
    exhausted: r.exhausted,
    digest,
    ms: Math.round(performance.now() - t0),
  };
  // Breadth-first: the counterexample is already a shortest one in this configuration.
  const failure: Failure<Cfg> | null =
    cx === null
      ? null
      : { run: EXHAUSTIVE_RUN, violation: cx.violation, input: { cfg, choices: cx.choices }, originalChoices: cx.choices.length, shrinks: 0, shrinkAttempts: 0, shrinkPasses: 0, shrinkMs: 0 };
  return { summary, failure };
}
