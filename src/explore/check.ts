// `check`: many independent runs, each drawn by fast-check from its own seed
// (seed, run index), stopping at the first violation, which is shrunk. Runs are
// independent so that workers and shards can split them and still agree on the
// result: the digest folds per-run digests in run order, up to and including the
// first failing run.
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type Violation } from '../run.ts';
import { Coverage } from '../coverage.ts';
import type * as fc from 'fast-check';
import type { RunResult } from '../run.ts';
import { generateRun, runArb, type RunInput } from './arbitrary.ts';
import { shrinkFailure } from './shrink.ts';
import type { CheckStrategy } from './swarm.ts';
import { exhaustivePass, type ExhaustiveSummary } from './exhaustive.ts';

export interface CheckOptions {
  runs: number;
  seed: number;
  mutant: string | null;
  /** Check only these invariants / liveness properties. */
  only?: readonly string[];
  /** Run indices this process owns: i % shardCount === shardIndex. */
  shardIndex?: number;
  shardCount?: number;
  coverage?: boolean;
  /** Called every few runs with progress figures. */
  onProgress?: (p: Progress) => void;
  /** Skip shrinking (report the first failing run as generated). */
  noShrink?: boolean;
  /** The shrinker's allowance in reference milliseconds (shrink.ts: a cap on work, so deterministic). */
  shrinkTimeMs?: number;
  /** How runs draw their adversary (swarm.ts): a random subset of fault kinds per run (default), or all of them. */
  strategy?: CheckStrategy;
  /**
   * Before sampling, a breadth-first pass over the smallest configuration within
   * this share of the check's work (exhaustive.ts; 0 or unset: none). Only the
   * shard that owns run 0 makes it.
   */
  exhaustiveShare?: number;
  /** Stop before any run whose index exceeds this (parallel workers share the lowest failure found). */
  stopAfter?: () => number;
}

export interface Progress {
  done: number;
  total: number;
  steps: number;
  violations: number;
}

export interface Failure<Cfg extends BaseConfig = BaseConfig> {
  run: number;
  violation: Violation;
  /** The shrunk run. */
  input: RunInput<Cfg>;
  originalChoices: number;
  shrinks: number;
  shrinkAttempts: number;
  /** Shrink passes that made progress. */
  shrinkPasses: number;
  /** Wall time spent shrinking (the only part of a report that varies between machines). */
  shrinkMs: number;
}

/** Per-run digests, kept so that shards can be merged exactly. */
export interface RunDigest {
  run: number;
  h1: number;
  h2: number;
  steps: number;
}

export interface CheckResult<Cfg extends BaseConfig = BaseConfig> {
  model: string;
  mutant: string | null;
  seed: number;
  /** Runs executed (stops early at the first violation). */
  runs: number;
  steps: number;
  failure: Failure<Cfg> | null;
  digests: RunDigest[];
  reach: Record<string, number>;
  coverage: Coverage | null;
  /** The exhaustive pass before sampling, when one was made. */
  exhaustive: ExhaustiveSummary | null;
  elapsedMs: number;
}

export function runCheck<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: CheckOptions): CheckResult<Cfg> {
  const t0 = performance.now();
  const arb = runArb(p, opts.mutant, opts.strategy);
  const shardIndex = opts.shardIndex ?? 0;
  const shardCount = opts.shardCount ?? 1;
  const coverage = opts.coverage ? new Coverage() : null;
  const reach: Record<string, number> = Object.fromEntries(p.probes.map((pr) => [pr.name, 0]));
  const digests: RunDigest[] = [];
  let steps = 0;
  let runs = 0;
  let failure: Failure<Cfg> | null = null;
  const pass = firstPass(p, opts);
  if (pass !== null) {
    digests.push(pass.summary.digest);
    failure = pass.failure;
  }
  const total = Math.ceil((opts.runs - shardIndex) / shardCount);
  for (let i = shardIndex; i < opts.runs && failure === null; i += shardCount) {
    if (opts.stopAfter && i > opts.stopAfter()) break;
    const value = generateRun(arb, opts.seed, i);
    const r = runSchedule(p, value.value.cfg, value.value.choices, { only: opts.only, coverage: coverage ?? undefined });
    runs++;
    steps += r.steps;
    digests.push({ run: i, h1: r.h1, h2: r.h2, steps: r.steps });
    if (r.final !== null) for (const pr of p.probes) if (pr.hit(r.final)) reach[pr.name]++;
    if (r.violation !== null) {
      failure = failureOf(p, arb, value, r, i, opts);
      opts.onProgress?.({ done: runs, total, steps, violations: 1 });
      break;
    }
    if (opts.onProgress && (runs & 63) === 0) opts.onProgress({ done: runs, total, steps, violations: 0 });
  }
  if (!failure) opts.onProgress?.({ done: runs, total, steps, violations: 0 });
  return { model: p.name, mutant: opts.mutant, seed: opts.seed, runs, steps, failure, digests, reach, coverage, exhaustive: pass?.summary ?? null, elapsedMs: performance.now() - t0 };
}

/** The exhaustive pass a check makes before sampling: only with a share, and only where run 0 is this process's (one shard makes it). */
export function firstPass<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: CheckOptions): ReturnType<typeof exhaustivePass<Cfg>> | null {
  const share = opts.exhaustiveShare ?? 0;
  if (share <= 0 || (opts.shardIndex ?? 0) !== 0) return null;
  return exhaustivePass(p, { runs: opts.runs, mutant: opts.mutant, only: opts.only, share });
}

/** The failure a failing run reports: shrunk (unless opts.noShrink), with what shrinking did. */
export function failureOf<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  arb: fc.Arbitrary<RunInput<Cfg>>,
  value: fc.Value<RunInput<Cfg>>,
  r: RunResult,
  run: number,
  opts: Pick<CheckOptions, 'noShrink' | 'only' | 'shrinkTimeMs'>,
): Failure<Cfg> {
  const raw = { cfg: value.value.cfg, choices: value.value.choices.slice(0, r.consumed) };
  if (opts.noShrink) return { run, violation: r.violation!, input: raw, originalChoices: r.consumed, shrinks: 0, shrinkAttempts: 0, shrinkPasses: 0, shrinkMs: 0 };
  const t0 = performance.now();
  const s = shrinkFailure(p, arb, value, r, { only: opts.only, timeMs: opts.shrinkTimeMs });
  const shrinkMs = Math.round(performance.now() - t0);
  return { run, violation: s.result.violation!, input: s.input, originalChoices: r.consumed, shrinks: s.shrinks, shrinkAttempts: s.attempts, shrinkPasses: s.passes, shrinkMs };
}

/**
 * The combined digest of a check: per-run digests folded in run order, up to and
 * including the first failing run. Independent of how runs were split.
 */
export function combineDigests(digests: readonly RunDigest[], firstFailure: number | null): string {
  const sorted = digests.filter((d) => firstFailure === null || d.run <= firstFailure).sort((a, b) => a.run - b.run);
  let a = 0x6a09e667;
  let b = 0xbb67ae85;
  for (const d of sorted) {
    a = Math.imul(a ^ d.h1, 0x01000193) ^ (a >>> 13);
    b = Math.imul(b ^ d.h2, 0x5bd1e995) ^ (b >>> 15);
    a = (a + d.run) | 0;
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
