// `explore`: breadth-first search over canonical world states. Where `check`
// samples schedules, this enumerates them: from the initial world, every enabled
// action of every state (benign and fault alike), each distinct state once
// (Fingerprinter), inside the bounds the model declares. Because states are
// taken in depth order, the first counterexample found is a shortest one, in
// the same measure (choices) as `check`'s shrunk traces, and it is handed back
// as choices that runSchedule replays to the same violation.
import type { BaseConfig } from '../model.ts';
import type { Invariant, Liveness, Protocol } from '../protocol.ts';
import { fairSuffix, type Violation } from '../run.ts';
import { Scheduler } from '../scheduler.ts';
import type { World } from '../world.ts';
import { FingerprintSet, Fingerprinter } from './fingerprint.ts';

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

/** A path step as a schedule choice: action i of a listing with `benign` benign actions first. */
export function actionChoice(i: number, benign: number): number {
  return i < benign ? i << 3 : ((i - benign) << 3) | 7;
}

/**
 * The deterministic fair suffix from world w (the one runSchedule runs after
 * its prefix): the first violation in it, safety or liveness, or null. `sch`
 * must not be a scheduler whose listing the caller still needs.
 */
export function suffixViolation<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  cfg: Cfg,
  sch: Scheduler,
  w: World,
  invariants: readonly Invariant<World>[],
  liveness: readonly Liveness<World>[],
): Violation | null {
  return fairSuffix(p, cfg, sch, w, invariants, liveness).violation;
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
  const seen = new FingerprintSet();
  const fp = new Uint32Array(2);

  // Discovered states in BFS order. Paths are parent links plus the choice that
  // led there, so a state costs two numbers once it has been expanded.
  const worlds: (World | null)[] = [];
  const parent: number[] = [];
  const choice: number[] = [];
  const depthOf: number[] = [];
  const pathTo = (idx: number, last?: number): number[] => {
    const out: number[] = last === undefined ? [] : [last];
    for (let i = idx; i > 0; i = parent[i]) out.push(choice[i]);
    return out.reverse();
  };

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

  let w0 = sch.initial();
  for (let i = 0; i < sch.n; i++) w0 = sch.start(w0, i);
  fper.fingerprint(w0, fp);
  seen.add(fp[0], fp[1]);
  const v0 = checkAll(invariants, w0, w0) ?? (opts.suffix ? suffixViolation(p, cfg, suffixSch, w0, invariants, liveness) : null);
  if (v0 !== null) {
    counterexample = { choices: [], violation: v0 };
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
    const benign = sch.benign;
    for (let i = 0; i < count; i++) {
      const child = sch.apply(w, i);
      generated++;
      const c = actionChoice(i, benign);
      const bad = checkAll(invariants, child, w);
      if (bad !== null) {
        counterexample = { choices: pathTo(head, c), violation: bad };
        maxDepth = Math.max(maxDepth, d + 1);
        return finish();
      }
      fper.fingerprint(child, fp);
      if (!seen.add(fp[0], fp[1])) continue;
      const idx = worlds.length;
      worlds.push(child);
      parent.push(head);
      choice.push(c);
      depthOf.push(d + 1);
      if (d + 1 > maxDepth) maxDepth = d + 1;
      if (opts.suffix) {
        const sv = suffixViolation(p, cfg, suffixSch, child, invariants, liveness);
        if (sv !== null) {
          counterexample = { choices: pathTo(idx), violation: sv };
          return finish();
        }
      }
      if (!within(child)) {
        outOfBounds++;
        worlds[idx] = null;
      }
      if (seen.size >= opts.maxStates) {
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
