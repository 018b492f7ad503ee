// Shrinking a failing run. First fast-check's own shrinker on (config, choices),
// greedily taking the first smaller candidate that still fails in the same
// invariant, as fast-check's runner walks its shrink tree. Then passes of our
// own that know what a schedule is: over choices (drop what the run never read,
// delete chunks as in delta debugging, lower each choice toward the benign
// first action, smaller fault budgets and topologies), then over actions
// (actions.ts: delete single actions and pairs with what only they caused,
// swap neighbours so that one of them can go, put a benign step where a fault
// was), and last, where the model declares exploration bounds, breadth-first
// searches seeded from the states on the shrunk trace, within the trace's own
// bounds, for anything shorter (issue 12). Every candidate must still violate
// the same invariant.
//
// The cap is on work, not on the clock: `timeMs` is turned into a number of
// model steps (WORK_PER_MS) so that the same arguments shrink to the same trace
// on any machine and any number of workers.
import type * as fc from 'fast-check';
import type { BaseConfig, FaultBudget } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type RunResult } from '../run.ts';
import type { World } from '../world.ts';
import { type Action, actionsOf, isFault, runActions } from './actions.ts';
import type { RunInput } from './arbitrary.ts';
import { explore } from './explore.ts';

export interface ShrinkResult<Cfg extends BaseConfig> {
  input: RunInput<Cfg>;
  result: RunResult;
  shrinks: number;
  attempts: number;
  /** Passes over the schedule that made progress, the searches included. */
  passes: number;
  /** Model steps the shrinker spent (what the cap counts). */
  work: number;
}

export interface ShrinkOptions {
  only?: readonly string[];
  /** Of the work, how many candidates fast-check's own shrinker may try. */
  fastCheckAttempts?: number;
  /** The shrinker's allowance, in milliseconds of a reference machine (default DEFAULT_SHRINK_MS). */
  timeMs?: number;
}

/** Default shrink allowance: a few seconds. */
export const DEFAULT_SHRINK_MS = 3000;
/** Model steps counted as one millisecond of shrinking (about what a shared core does with Paxos shrink candidates). */
export const WORK_PER_MS = 150;
/** A state a search generates costs about this many run steps (the fair suffix it checks). */
const STATE_COST = 20;

const BUDGET_KEYS: (keyof FaultBudget)[] = ['crashes', 'drops', 'duplicates', 'partitions', 'torn'];

export function shrinkFailure<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  arb: fc.Arbitrary<RunInput<Cfg>>,
  start: fc.Value<RunInput<Cfg>>,
  first: RunResult,
  opts: ShrinkOptions = {},
): ShrinkResult<Cfg> {
  const target = first.violation!.invariant;
  const only = opts.only;
  let budget = Math.max(1, (opts.timeMs ?? DEFAULT_SHRINK_MS) * WORK_PER_MS);
  const fcAttempts = opts.fastCheckAttempts ?? 1000;
  let attempts = 0;
  let shrinks = 0;
  let passes = 0;
  let work = 0;
  const left = () => work < budget;
  const fails = (input: RunInput<Cfg>): RunResult | null => {
    attempts++;
    const r = runSchedule(p, input.cfg, input.choices, { only });
    work += r.steps + 1;
    return r.violation !== null && r.violation.invariant === target ? r : null;
  };

  let cur = start;
  let best: RunResult = first;
  let progress = true;
  while (progress && attempts < fcAttempts && left()) {
    progress = false;
    for (const cand of arb.shrink(cur.value, cur.context)) {
      if (attempts >= fcAttempts || !left()) break;
      const r = fails(cand.value);
      if (r !== null) {
        cur = cand;
        best = r;
        shrinks++;
        progress = true;
        break;
      }
    }
  }

  // Choices past `consumed` were never read: dropping them changes nothing.
  let input: RunInput<Cfg> = { cfg: cur.value.cfg, choices: cur.value.choices.slice(0, best.consumed) };
  const accept = (cand: RunInput<Cfg>): boolean => {
    if (!left()) return false;
    const r = fails(cand);
    if (r === null) return false;
    input = { cfg: cand.cfg, choices: cand.choices.slice(0, r.consumed) };
    best = r;
    shrinks++;
    return true;
  };

  const choicePasses = (): boolean => {
    let any = false;
    let changed = true;
    while (changed && left()) {
      changed = false;
      for (const cfg of simplerConfigs(p, input.cfg)) if (accept({ cfg, choices: input.choices })) changed = true;
      for (let size = input.choices.length >> 1; size >= 1; size >>= 1) {
        for (let i = input.choices.length - size; i >= 0; i -= size) {
          const choices = input.choices.slice(0, i).concat(input.choices.slice(i + size));
          if (accept({ cfg: input.cfg, choices })) changed = true;
        }
      }
      for (let i = 0; i < input.choices.length; i++) {
        const c = input.choices[i];
        // Toward the benign region first, then toward earlier actions of the same region.
        const candidates = [0];
        for (let t = 0; t < Math.min(c >>> 3, 8); t++) candidates.push((t << 3) | (c & 7));
        for (const lower of candidates) {
          if (lower >= c) continue;
          const choices = input.choices.slice();
          choices[i] = lower;
          if (accept({ cfg: input.cfg, choices })) {
            changed = true;
            break;
          }
        }
      }
      if (changed) {
        any = true;
        passes++;
      }
    }
    return any;
  };

  // A candidate list of actions: kept when it still fails and is shorter, or as
  // long but with fewer faults.
  const tryActions = (acts: readonly Action[]): boolean => {
    if (!left()) return false;
    attempts++;
    const { result, choices } = runActions(p, input.cfg, acts, only);
    work += result.steps + 1;
    if (result.violation === null || result.violation.invariant !== target) return false;
    const next = choices.slice(0, result.consumed);
    if (next.length > input.choices.length) return false;
    if (next.length === input.choices.length && faults(actionsOf(p, input.cfg, next, only)) >= faults(actionsOf(p, input.cfg, input.choices, only))) return false;
    input = { cfg: input.cfg, choices: next };
    best = result;
    shrinks++;
    return true;
  };

  const actionPasses = (): boolean => {
    let any = false;
    let changed = true;
    while (changed && left()) {
      changed = false;
      let acts = actionsOf(p, input.cfg, input.choices, only);
      // Single actions, last first (a late action is the likeliest to be spare).
      for (let i = acts.length - 1; i >= 0 && left(); i--) {
        if (i >= acts.length) continue;
        if (tryActions(acts.slice(0, i).concat(acts.slice(i + 1)))) {
          changed = true;
          acts = actionsOf(p, input.cfg, input.choices, only);
        }
      }
      // Pairs: a message and its reply, a crash and its restart.
      for (let i = acts.length - 1; i >= 1 && left(); i--) {
        for (let j = i - 1; j >= 0 && left(); j--) {
          if (i >= acts.length) break;
          const cand = acts.filter((_, k) => k !== i && k !== j);
          if (tryActions(cand)) {
            changed = true;
            acts = actionsOf(p, input.cfg, input.choices, only);
            break;
          }
        }
      }
      // A benign step where a fault was.
      for (let i = 0; i < acts.length && left(); i++) {
        if (!isFault(acts[i].kind)) continue;
        const cand = acts.slice();
        cand[i] = { kind: 'fair', key: '' };
        if (tryActions(cand)) {
          changed = true;
          acts = actionsOf(p, input.cfg, input.choices, only);
        }
      }
      // Neighbours swapped, so that one of them can then go.
      for (let i = 0; i + 1 < acts.length && left(); i++) {
        const swapped = acts.slice();
        swapped[i] = acts[i + 1];
        swapped[i + 1] = acts[i];
        let done = false;
        for (let k = swapped.length - 1; k >= 0 && !done && left(); k--) {
          if (tryActions(swapped.slice(0, k).concat(swapped.slice(k + 1)))) done = true;
        }
        if (done) {
          changed = true;
          acts = actionsOf(p, input.cfg, input.choices, only);
        }
      }
      if (changed) {
        any = true;
        passes++;
      }
    }
    return any;
  };

  // The documented configuration first: breadth-first search finds a short
  // run there after the levels above it, whatever depth it is allowed, and the
  // passes below then work on that short run rather than on the long one (seed
  // 1's first-accepted-value: 58 choices; passes first, 18; search first, 14
  // there and 10 after the passes).
  if (p.explore && left() && searchDocumented()) passes++;
  choicePasses();
  while (left() && actionPasses()) if (!choicePasses()) break;
  if (p.explore && left() && searchShorter()) passes++;
  // A last pass over choices with an allowance of its own, so that what is
  // handed back is 1-minimal (no single choice can go or turn benign) unless
  // even that runs out.
  budget = work + budget / 4;
  choicePasses();
  return { input, result: best, shrinks, attempts, passes, work };

  /**
   * A breadth-first search in the model's documented configuration (its
   * exploration defaults: a small topology, no faults), within half of what is
   * left: a run that failed in a larger or smaller topology may have a shorter
   * twin there, and shrinking the topology step by step can lengthen a run
   * (one acceptor needs more steps than three to break the same invariant).
   */
  function searchDocumented(): boolean {
    const spec = p.explore!;
    const cfg = spec.config(spec.defaults, input.cfg.mutant);
    if (input.choices.length === 0) return false;
    const r = explore(p, cfg, {
      depth: input.choices.length - 1,
      maxStates: Number.POSITIVE_INFINITY,
      maxGenerated: Math.max(1, Math.floor((budget - work) / 2 / STATE_COST)),
      symmetry: p.symmetry !== undefined,
      suffix: true,
      bounds: spec.defaults,
      only,
      target,
    });
    work += r.generated * STATE_COST;
    const cx = r.counterexample;
    if (cx === null || cx.choices.length >= input.choices.length) return false;
    const again = fails({ cfg, choices: cx.choices });
    if (again === null) return false;
    input = { cfg, choices: cx.choices.slice(0, again.consumed) };
    best = again;
    shrinks++;
    return true;
  }

  /**
   * Breadth-first searches for a shorter run within the bounds of the shrunk
   * one. First from the run's first state, within half of what is left: when
   * it completes, nothing shorter exists within those bounds, whatever the
   * shrunk run's own steps were (it need not share a prefix with them). Then
   * seeded from the states on the run, last first (a search from state k needs
   * only the depth left after it): each one that finds something shorter keeps
   * the prefix and takes the shorter ending.
   */
  function searchShorter(): boolean {
    let found = searchFrom([0], 2);
    if (!left()) return found;
    const ks: number[] = [];
    for (let k = input.choices.length - 1; k >= 1; k--) ks.push(k);
    if (searchFrom(ks, 1)) found = true;
    return found;
  }

  /** Searches from the states before choices ks of the current run (in that order), each within 1/share of what is left. */
  function searchFrom(ks: readonly number[], share: number): boolean {
    const spec = p.explore!;
    const worlds = statesOn(p, input.cfg, input.choices, only);
    const bounds = traceBounds(spec.defaults, input.cfg, worlds.slice(0, -1), (w, b) => spec.within(w, b));
    const length = input.choices.length;
    let found = false;
    for (const k of ks) {
      if (!left()) break;
      // Depth from state k for a run shorter than the one searched from.
      const depth = Math.min(input.choices.length, length) - k - 1;
      if (depth <= 0) continue;
      const r = explore(p, input.cfg, {
        depth,
        maxStates: Number.POSITIVE_INFINITY,
        maxGenerated: Math.max(1, Math.floor((budget - work) / share / STATE_COST)),
        // Mirror images are one state here: any shorter run will do, it is replayed below.
        symmetry: p.symmetry !== undefined,
        suffix: true,
        bounds,
        only,
        target,
        from: { world: worlds[k], prefix: input.choices.slice(0, k) },
      });
      work += r.generated * STATE_COST;
      const cx = r.counterexample;
      if (cx === null || cx.choices.length >= input.choices.length) continue;
      const again = fails({ cfg: input.cfg, choices: cx.choices });
      if (again === null) continue;
      input = { cfg: input.cfg, choices: cx.choices.slice(0, again.consumed) };
      best = again;
      shrinks++;
      found = true;
    }
    return found;
  }
}

function faults(acts: readonly Action[]): number {
  let n = 0;
  for (const a of acts) if (isFault(a.kind)) n++;
  return n;
}

/** The world before each choice of a run's prefix, and the one after the last. */
function statesOn<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg, choices: readonly number[], only?: readonly string[]): World[] {
  const out: World[] = [];
  let k = 0;
  const r = runSchedule(p, cfg, [], {
    only,
    noSuffix: true,
    depth: choices.length,
    chooser: (sch, w) => {
      out.push(w);
      return sch.pick(choices[k++]);
    },
  });
  if (r.final !== null) out.push(r.final);
  return out;
}

/**
 * Bounds that hold a run: a bound that names a field of the configuration or
 * its fault budget takes that value; each other one (rounds, messages in
 * flight) the smallest value, up to 64, that keeps every expanded world of the
 * run inside (the model's `within` grows with each bound), and at least the
 * model's default (a shorter run may need more in flight than this one did).
 */
export function traceBounds<Cfg extends BaseConfig>(
  defaults: Record<string, number>,
  cfg: Cfg,
  worlds: readonly World[],
  within: (w: World, b: Record<string, number>) => boolean,
): Record<string, number> {
  const b: Record<string, number> = {};
  const free: string[] = [];
  const fields = cfg as unknown as Record<string, unknown>;
  const budget = cfg.budget as unknown as Record<string, number>;
  for (const key of Object.keys(defaults)) {
    if (typeof fields[key] === 'number') b[key] = fields[key] as number;
    else if (typeof budget[key] === 'number') b[key] = budget[key];
    else {
      b[key] = 64;
      free.push(key);
    }
  }
  const holds = () => worlds.every((w) => within(w, b));
  for (const key of free) {
    let v = Math.min(64, defaults[key]);
    b[key] = v;
    while (v < 64 && !holds()) b[key] = ++v;
  }
  return b;
}

/** Smaller fault budgets, the uniform adversary's rules (swarm.ts), then the protocol's own smaller topologies. */
function simplerConfigs<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg): Cfg[] {
  const out: Cfg[] = [];
  for (const k of BUDGET_KEYS) {
    const v = cfg.budget[k] ?? 0;
    if (v > 0) out.push({ ...cfg, budget: { ...cfg.budget, [k]: v - 1 } });
  }
  const { hold, rate, ...uniform } = cfg.budget;
  if (hold !== undefined) out.push({ ...cfg, budget: { ...uniform, ...(rate !== undefined ? { rate } : {}) } });
  if (rate !== undefined) out.push({ ...cfg, budget: { ...uniform, ...(hold !== undefined ? { hold } : {}) } });
  if (p.simplerConfigs) out.push(...p.simplerConfigs(cfg));
  return out;
}
