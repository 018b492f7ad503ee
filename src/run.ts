// One run: an adversarial prefix driven by a list of choices, then the
// deterministic fair suffix, with every invariant checked after every step and
// liveness checked at the end of the suffix. A run is a pure function of
// (protocol, config, choices); its digest summarises every step it took.
import { StepError, type BaseConfig } from './model.ts';
import type { Invariant, Liveness, Protocol } from './protocol.ts';
import { DELIVER, DROP, DUPLICATE, FIRE, Scheduler } from './scheduler.ts';
import { fairChoice } from './explore/fair.ts';
import type { World } from './world.ts';
import { Recorder, type TraceEvent } from './trace/events.ts';
import type { Coverage } from './coverage.ts';

export interface Violation {
  invariant: string;
  kind: 'safety' | 'liveness';
  step: number;
  message: string;
}

export interface RunResult {
  /** Steps taken, prefix and suffix. */
  steps: number;
  /** Choices the prefix actually used (the rest were never read). */
  consumed: number;
  violation: Violation | null;
  /** Two 32-bit lanes of the run's digest. */
  h1: number;
  h2: number;
  /** The last world; null only when a node could not even start (an implementation failed at init). */
  final: World | null;
  events: TraceEvent[] | null;
}

export interface RunOptions {
  record?: boolean;
  /** Check only the invariants and liveness properties with these names (default: all). */
  only?: readonly string[];
  /** Skip the fair suffix (and liveness). */
  noSuffix?: boolean;
  coverage?: Coverage;
  /**
   * Instead of reading `choices`, ask this strategy for each prefix step (it gets
   * the fully listed enabled actions and returns an index, or -1 to stop). The
   * equivalent choices are appended to `choices`, which must then be a mutable
   * array, so the run replays like any other.
   */
  chooser?: (sch: Scheduler, w: World, step: number) => number;
  /** With a chooser: the most prefix steps to take. */
  depth?: number;
  /** Sees every step of the run right after it is applied (warm start, prefix and suffix), with the scheduler's StepInfo. */
  onStep?: (sch: Scheduler, prev: World, w: World) => void;
}

export function runSchedule<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg, choices: readonly number[], opts: RunOptions = {}): RunResult {
  const sch = new Scheduler(p, cfg);
  const only = opts.only;
  const invariants = only ? p.invariants(cfg).filter((i) => only.includes(i.name)) : p.invariants(cfg);
  const liveness = only ? p.liveness.filter((l) => only.includes(l.name)) : p.liveness;
  const rec = opts.record ? new Recorder(p, cfg, sch) : null;
  const cov = opts.coverage;
  let h1 = 0x811c9dc5 ^ choices.length;
  let h2 = 0x3c6ef372;
  let w: World;
  try {
    w = sch.initial();
    for (let i = 0; i < sch.n; i++) {
      w = sch.start(w, i);
      rec?.start(w, i);
    }
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    // An implementation that cannot even start: a violation at step 0.
    const violation: Violation = { invariant: e.invariant, kind: 'safety', step: 0, message: e.message };
    return { steps: 0, consumed: 0, violation, h1: 0, h2: 0, final: null, events: rec ? rec.events : null };
  }
  let violation: Violation | null = checkAll(invariants, w, w);
  let consumed = 0;
  // A step the fair policy took (warm start or suffix): into the digest, coverage and trace.
  const fairStep = (phase: 'warmup' | 'suffix') => (prev: World, next: World) => {
    const a = mixStep(sch, next);
    h1 = Math.imul(h1 ^ a, 0x01000193);
    h2 = Math.imul((h2 ^ a) + 0x9e3779b9, 0x85ebca6b) ^ (h2 >>> 15);
    cov?.count(sch, p, prev, next);
    rec?.step(next, phase, null);
    opts.onStep?.(sch, prev, next);
  };
  const warm = violation === null ? p.warmUntil?.(cfg) : null;
  if (warm) {
    const s = fairSuffix(p, cfg, sch, w, invariants, [], fairStep('warmup'), warm, false);
    w = s.final;
    violation = s.violation;
  }
  // Adversarial prefix: each choice picks an enabled action (Scheduler.pick).
  const chooser = opts.chooser;
  const limit = chooser ? (opts.depth ?? 0) : choices.length;
  while (violation === null && consumed < limit) {
    let i: number;
    if (chooser) {
      if (sch.enumerate(w, true) === 0) break;
      i = chooser(sch, w, consumed);
      if (i < 0) break;
      (choices as number[]).push(encodeChoice(sch, i));
      consumed++;
    } else {
      if (sch.prepare(w) === 0) break;
      i = sch.pick(choices[consumed++]);
    }
    const prev = w;
    const next = applyStep(sch, w, i);
    if ('invariant' in next) {
      violation = next;
      break;
    }
    w = next;
    const a = mixStep(sch, w);
    h1 = Math.imul(h1 ^ a, 0x01000193);
    h2 = Math.imul((h2 ^ a) + 0x9e3779b9, 0x85ebca6b) ^ (h2 >>> 15);
    cov?.count(sch, p, prev, w);
    rec?.step(w, 'adversary', choices[consumed - 1]);
    opts.onStep?.(sch, prev, w);
    violation = checkAll(invariants, w, prev);
  }
  if (violation === null && !opts.noSuffix) {
    const s = fairSuffix(p, cfg, sch, w, invariants, liveness, fairStep('suffix'));
    w = s.final;
    violation = s.violation;
  }
  if (violation !== null) {
    h1 = Math.imul(h1 ^ violation.step ^ 0x5bd1e995, 0x01000193);
    h2 = Math.imul(h2 ^ (violation.kind === 'safety' ? 1 : 2), 0xc2b2ae35);
  }
  return { steps: w.step, consumed, violation, h1: h1 >>> 0, h2: h2 >>> 0, final: w, events: rec ? rec.events : null };
}

/**
 * Fair suffix from w: heal, restart, deliver, inject, fire (fairChoice says which
 * message and timer: one the explorer's canonical state fixes), with
 * invariants after every step and liveness at the end. A function of its own so
 * that the exhaustive explorer can run it from any world it reaches without
 * replaying the prefix. `onStep` sees each step right after it is applied;
 * `until` may end the suffix at the start world or after any checked step
 * (`stopped`, and no liveness verdict): the explorer stops at worlds whose
 * suffix it has already run. `bound` is the step the suffix may not pass.
 */
export function fairSuffix<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  cfg: Cfg,
  sch: Scheduler,
  w: World,
  invariants: readonly Invariant<World>[],
  liveness: readonly Liveness<World>[],
  onStep?: (prev: World, w: World) => void,
  until?: (w: World, bound: number) => boolean,
  clients = true,
): { final: World; violation: Violation | null; bound: number; stopped: boolean } {
  let violation: Violation | null = null;
  // The bound grows with the backlog: every message still in flight may be
  // delivered and answered before the protocol's own recovery gets its turn.
  const bound = w.step + p.suffixBound(cfg) + 3 * w.net.length;
  if (until?.(w, bound)) return { final: w, violation: null, bound, stopped: true };
  while (w.step < bound) {
    sch.enumerate(w, false);
    const i = fairChoice(sch, w, clients);
    if (i < 0) break;
    const prev = w;
    const next = applyStep(sch, w, i);
    if ('invariant' in next) {
      violation = next;
      break;
    }
    w = next;
    onStep?.(prev, w);
    violation = checkAll(invariants, w, prev);
    if (violation !== null) break;
    if (until?.(w, bound)) return { final: w, violation: null, bound, stopped: true };
  }
  if (violation === null) {
    for (const l of liveness) {
      const m = l.check(w);
      if (m !== null) {
        violation = { invariant: l.name, kind: 'liveness', step: w.step, message: m };
        break;
      }
    }
  }
  return { final: w, violation, bound, stopped: false };
}

/** Apply listed action i; a node that cannot step (StepError) ends the run as a violation of its invariant. */
function applyStep(sch: Scheduler, w: World, i: number): World | Violation {
  try {
    return sch.apply(w, i);
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    return { invariant: e.invariant, kind: 'safety', step: w.step + 1, message: e.message };
  }
}

/** The choice value that Scheduler.pick maps to listed action i. */
export function encodeChoice(sch: Scheduler, i: number): number {
  return i < sch.benign ? i << 3 : ((i - sch.benign) << 3) | 7;
}

function checkAll(invariants: readonly Invariant<World>[], w: World, prev: World): Violation | null {
  for (let k = 0; k < invariants.length; k++) {
    const m = invariants[k].check(w, prev);
    if (m !== null) return { invariant: invariants[k].name, kind: 'safety', step: w.step, message: m };
  }
  return null;
}

/** A 32-bit summary of the step just taken: which action, on what, and what it produced. */
function mixStep(sch: Scheduler, w: World): number {
  const info = sch.info;
  let ident = info.arg;
  if (info.packet !== null && (info.kind === DELIVER || info.kind === DROP || info.kind === DUPLICATE)) ident = info.packet.id;
  else if (info.kind === FIRE && info.timer !== null) ident = info.timer.node * 131 + info.timer.name.length;
  let x = Math.imul(info.kind + 1, 0x27d4eb2d) ^ Math.imul(ident + 7, 0x165667b1);
  x ^= Math.imul(w.nextId, 0x9e3779b1) ^ (w.timers.length << 8) ^ (w.net.length << 16);
  return x | 0;
}

export function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}
