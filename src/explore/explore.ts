// `explore`: breadth-first search over canonical world states. Where `check`
// samples schedules, this enumerates them: from the initial world, every enabled
// action of every state (benign and fault alike), each distinct state once
// (Fingerprinter), inside the bounds the model declares. Because states are
// taken in depth order, the first counterexample found is a shortest one, in
// the same measure (choices) as `check`'s shrunk traces, and it is handed back
// as choices that runSchedule replays to the same violation.
import { StepError, type BaseConfig } from '../model.ts';
import type { Invariant, Liveness, Protocol } from '../protocol.ts';
import { encodeChoice, fairSuffix, type Violation } from '../run.ts';
import { Scheduler } from '../scheduler.ts';
import type { World } from '../world.ts';
import { Fingerprinter } from './fingerprint.ts';
import { FingerprintMap, FingerprintSet } from './fingerprint-set.ts';

export interface ExploreOptions {
  /** Longest path expanded, in choices: states this deep are checked, not expanded. */
  depth: number;
  /** Stop once this many distinct states were seen. */
  maxStates: number;
  /** Identify states that differ only by a renaming of interchangeable nodes. */
  symmetry: boolean;
  /** Run the fair suffix (and liveness) from every new state. */
  suffix: boolean;
  /** The model's bounds (Protocol.explore); states outside them are not expanded. */
  bounds?: Record<string, number>;
  only?: readonly string[];
  onProgress?: (p: ExploreProgress) => void;
  /** Hand back the visited fingerprint set (tests compare it with random runs). */
  keepVisited?: boolean;
  /**
   * Search from this world instead of the initial one (the shrinker seeds
   * searches from the states on a trace); `prefix` are the choices that reach
   * it, and counterexamples start with them.
   */
  from?: { world: World; prefix: readonly number[] };
  /** Stop once this many transitions were taken (a bound on work, so the same everywhere). */
  maxGenerated?: number;
  /**
   * Report only violations of this invariant: a state that breaks another one
   * is a dead end (a run through it stops there), one whose suffix breaks
   * another one is still expanded. Every invariant is checked, as a replay does.
   */
  target?: string;
}

export interface ExploreProgress {
  distinct: number;
  generated: number;
  depth: number;
  queued: number;
  elapsedMs: number;
}

export interface ExploreResult {
  /** Distinct states seen (fingerprints), those outside the bounds included. */
  distinct: number;
  /** Transitions taken (every child of every expanded state, duplicates included), plus the initial state. */
  generated: number;
  /** Of the distinct states, how many were outside the bounds (seen, checked, not expanded). */
  outOfBounds: number;
  /** Deepest state seen, in choices from the initial world. */
  depth: number;
  /** True iff every reachable state within the bounds was expanded (no depth or maxStates cut, no violation). */
  exhausted: boolean;
  /** Distinct states per second. */
  statesPerSec: number;
  elapsedMs: number;
  counterexample: { choices: number[]; violation: Violation } | null;
  visited?: FingerprintSet;
}

/**
 * The deterministic fair suffix from world w (the one runSchedule runs after
 * its prefix): the first violation in it, safety or liveness, or null. `sch`
 * must not be a scheduler whose listing the caller still needs. With a memo,
 * the suffix stops at the first world whose own suffix is known to end
 * quiescent and clean within the steps left (the rest of the run would repeat
 * it exactly), and every world it passed is added to the memo.
 */
export function suffixViolation<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  cfg: Cfg,
  sch: Scheduler,
  w: World,
  invariants: readonly Invariant<World>[],
  liveness: readonly Liveness<World>[],
  memo?: SuffixMemo,
  /** w's exact fingerprint, when the caller has it already. */
  exact?: Uint32Array,
): Violation | null {
  if (memo === undefined) return fairSuffix(p, cfg, sch, w, invariants, liveness).violation;
  return memo.run(w, (until) => fairSuffix(p, cfg, sch, w, invariants, liveness, undefined, until), exact);
}

const MEMO_LIMIT = 4_000_000;

/**
 * What is known about fair suffixes: for a world (by its order-sensitive
 * fingerprint, Fingerprinter.exact), how many steps its suffix takes to reach
 * quiescence with no violation and liveness holding there. Only clean,
 * quiescent suffixes are remembered: one that was cut by its step bound says
 * nothing about a run with more steps left.
 */
export class SuffixMemo {
  private known = new FingerprintMap();
  private readonly fp = new Uint32Array(2);

  constructor(private readonly fper: Fingerprinter) {}

  run(w: World, suffix: (until: (x: World, bound: number) => boolean) => ReturnType<typeof fairSuffix>, exact?: Uint32Array): Violation | null {
    const trailA: number[] = [];
    const trailB: number[] = [];
    const trailStep: number[] = [];
    const fp = this.fp;
    let end = -1;
    const r = suffix((x, bound) => {
      if (x === w && exact !== undefined) {
        fp[0] = exact[0];
        fp[1] = exact[1];
      } else this.fper.exact(x, fp);
      const k = this.known.get(fp[0], fp[1]);
      if (k >= 0 && x.step + k <= bound) {
        end = x.step + k;
        return true;
      }
      trailA.push(fp[0]);
      trailB.push(fp[1]);
      trailStep.push(x.step);
      return false;
    });
    if (r.violation !== null) return r.violation;
    if (!r.stopped) {
      if (r.final.step >= r.bound) return null;
      end = r.final.step;
    }
    // Forgetting only costs speed: start over rather than grow past ~100 MB.
    if (this.known.size > MEMO_LIMIT) this.known = new FingerprintMap();
    for (let i = 0; i < trailStep.length; i++) this.known.set(trailA[i], trailB[i], end - trailStep[i]);
    return null;
  }
}

function checkAll(invariants: readonly Invariant<World>[], w: World, prev: World): Violation | null {
  for (let k = 0; k < invariants.length; k++) {
    const m = invariants[k].check(w, prev);
    if (m !== null) return { invariant: invariants[k].name, kind: 'safety', step: w.step, message: m };
  }
  return null;
}

export function explore<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg, opts: ExploreOptions): ExploreResult {
  const t0 = performance.now();
  const only = opts.only;
  const invariants = only ? p.invariants(cfg).filter((i) => only.includes(i.name)) : p.invariants(cfg);
  const liveness = only ? p.liveness.filter((l) => only.includes(l.name)) : p.liveness;
  const bounds = opts.bounds;
  const within = bounds && p.explore ? (w: World) => p.explore!.within(w, bounds) : () => true;
  const sch = new Scheduler(p, cfg);
  // The suffix enumerates too: its own scheduler keeps the parent's listing intact.
  const suffixSch = new Scheduler(p, cfg);
  const fper = new Fingerprinter(p, cfg, opts.symmetry);
  // Suffixes of neighbouring states soon walk through the same worlds: stop there.
  const memo = new SuffixMemo(fper);
  const efp = new Uint32Array(2);
  const seen = new FingerprintSet();
  const fp = new Uint32Array(2);

  // Discovered states in BFS order. Paths are parent links plus the choice that
  // led there, so a state costs two numbers once it has been expanded.
  const worlds: (World | null)[] = [];
  const parent: number[] = [];
  const choice: number[] = [];
  const depthOf: number[] = [];
  const prefix = opts.from?.prefix ?? [];
  const pathTo = (idx: number, last?: number): number[] => {
    const out: number[] = last === undefined ? [] : [last];
    for (let i = idx; i > 0; i = parent[i]) out.push(choice[i]);
    return prefix.concat(out.reverse());
  };
  const maxGenerated = opts.maxGenerated ?? Number.POSITIVE_INFINITY;

  let generated = 1;
  let outOfBounds = 0;
  let maxDepth = 0;
  let cut = false;
  let counterexample: ExploreResult['counterexample'] = null;

  const finish = (): ExploreResult => {
    const elapsedMs = performance.now() - t0;
    return {
      distinct: seen.size,
      generated,
      outOfBounds,
      depth: maxDepth,
      exhausted: counterexample === null && !cut,
      statesPerSec: Math.round(seen.size / Math.max(1e-3, elapsedMs / 1000)),
      elapsedMs,
      counterexample,
      visited: opts.keepVisited ? seen : undefined,
    };
  };

  let w0: World;
  if (opts.from) w0 = opts.from.world;
  else {
    w0 = sch.initial();
    for (let i = 0; i < sch.n; i++) w0 = sch.start(w0, i);
  }
  fper.fingerprint(w0, fp, efp);
  seen.add(fp[0], fp[1]);
  const target = opts.target;
  const other = (v: Violation | null) => v !== null && target !== undefined && v.invariant !== target;
  const v0 = checkAll(invariants, w0, w0) ?? (opts.suffix ? suffixViolation(p, cfg, suffixSch, w0, invariants, liveness, memo, efp) : null);
  if (v0 !== null && !other(v0)) {
    counterexample = { choices: prefix.slice(), violation: v0 };
    return finish();
  }
  worlds.push(w0);
  parent.push(-1);
  choice.push(0);
  depthOf.push(0);
  if (!within(w0)) {
    outOfBounds++;
    worlds[0] = null;
  }

  let lastReport = 0;
  for (let head = 0; head < worlds.length; head++) {
    const w = worlds[head];
    if (w === null) continue;
    worlds[head] = null;
    const d = depthOf[head];
    if (d >= opts.depth) {
      cut = true;
      continue;
    }
    const count = sch.enumerate(w, true);
    for (let i = 0; i < count; i++) {
      const c = encodeChoice(sch, i);
      let child: World;
      try {
        child = sch.apply(w, i);
      } catch (e) {
        // An external implementation refusing a step is a violation, as in runSchedule.
        if (!(e instanceof StepError)) throw e;
        if (target !== undefined && e.invariant !== target) continue;
        counterexample = { choices: pathTo(head, c), violation: { invariant: e.invariant, kind: 'safety', step: w.step + 1, message: e.message } };
        maxDepth = Math.max(maxDepth, d + 1);
        return finish();
      }
      generated++;
      const bad = checkAll(invariants, child, w);
      if (other(bad)) continue;
      if (bad !== null) {
        counterexample = { choices: pathTo(head, c), violation: bad };
        maxDepth = Math.max(maxDepth, d + 1);
        return finish();
      }
      fper.fingerprint(child, fp, efp);
      if (!seen.add(fp[0], fp[1])) continue;
      const idx = worlds.length;
      worlds.push(child);
      parent.push(head);
      choice.push(c);
      depthOf.push(d + 1);
      if (d + 1 > maxDepth) maxDepth = d + 1;
      if (opts.suffix) {
        const sv = suffixViolation(p, cfg, suffixSch, child, invariants, liveness, memo, efp);
        if (sv !== null && !other(sv)) {
          counterexample = { choices: pathTo(idx), violation: sv };
          return finish();
        }
      }
      if (!within(child)) {
        outOfBounds++;
        worlds[idx] = null;
      }
      if (seen.size >= opts.maxStates || generated >= maxGenerated) {
        cut = true;
        return finish();
      }
    }
    if (opts.onProgress && seen.size - lastReport >= 20000) {
      lastReport = seen.size;
      opts.onProgress({ distinct: seen.size, generated, depth: maxDepth, queued: worlds.length - head - 1, elapsedMs: performance.now() - t0 });
    }
  }
  return finish();
}
