// A check spread over worker_threads (and over machines with --shard K/N).
// Run i belongs to worker j of W in shard K of N when i ≡ (K-1) + N·j (mod N·W).
// Workers report unshrunk; the lowest failing run is regenerated from its seed
// and shrunk here, so the result is the same whatever the split.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule } from '../run.ts';
import { Coverage } from '../coverage.ts';
import { generateRun, runArb } from './arbitrary.ts';
import { runCheck, type CheckOptions, type CheckResult, type Failure, type Progress, type RunDigest } from './check.ts';
import { shrinkFailure } from './shrink.ts';
import type { WorkerTask } from './worker.ts';
import type { ImplSpec } from '../oracle/adapters/external.ts';

/**
 * All cores, but no more workers than there are ten thousands of runs: starting
 * a worker costs a module load (about a second under tsx), which a small check
 * does not win back (`npm run bench`, 8,000 runs on two workers against one:
 * Paxos 0.83x the speed, zk 1.33x).
 */
export function autoWorkers(runs: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(runs / 10_000)));
}

export interface ParallelOptions extends CheckOptions {
  workers: number;
  /** An external implementation the workers must plug in too. */
  impl?: ImplSpec;
}

export async function runCheckParallel<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: ParallelOptions): Promise<CheckResult<Cfg>> {
  const shardIndex = opts.shardIndex ?? 0;
  const shardCount = opts.shardCount ?? 1;
  const workers = Math.max(1, Math.min(opts.workers, Math.ceil(opts.runs / shardCount)));
  if (workers === 1) return runCheck(p, opts);
  const t0 = performance.now();
  const best = new SharedArrayBuffer(4);
  new Int32Array(best)[0] = 0x7fffffff;
  const progress: Progress[] = [];
  const results = await Promise.all(
    Array.from({ length: workers }, (_, j) => {
      const task: WorkerTask = {
        model: p.name,
        runs: opts.runs,
        seed: opts.seed,
        mutant: opts.mutant,
        only: opts.only ? [...opts.only] : undefined,
        shardIndex: shardIndex + shardCount * j,
        shardCount: shardCount * workers,
        coverage: opts.coverage ?? false,
        impl: opts.impl,
        best,
      };
      return new Promise<WorkerDone>((resolve, reject) => {
        const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: task });
        w.on('message', (m: { type: string } & Progress & WorkerDone) => {
          if (m.type === 'progress') {
            progress[j] = m;
            if (opts.onProgress) {
              const sum = progress.reduce((a, x) => (x ? { done: a.done + x.done, total: a.total + x.total, steps: a.steps + x.steps, violations: a.violations + x.violations } : a), { done: 0, total: 0, steps: 0, violations: 0 });
              opts.onProgress(sum);
            }
          } else if (m.type === 'done') resolve(m);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0) reject(new Error(`worker ${j} exited with code ${code}`));
        });
      });
    }),
  );
  const firstFailure = results.reduce<number | null>((m, r) => (r.failure && (m === null || r.failure.run < m) ? r.failure.run : m), null);
  const digests: RunDigest[] = results.flatMap((r) => r.digests).filter((d) => firstFailure === null || d.run <= firstFailure).sort((a, b) => a.run - b.run);
  const reach: Record<string, number> = Object.fromEntries(p.probes.map((pr) => [pr.name, 0]));
  for (const r of results) for (const [k, v] of Object.entries(r.reach)) reach[k] += v;
  let coverage: Coverage | null = null;
  if (opts.coverage) {
    coverage = new Coverage();
    for (const r of results) if (r.coverage) coverage.merge(r.coverage);
  }
  let failure: Failure<Cfg> | null = null;
  if (firstFailure !== null) failure = shrinkRun(p, opts, firstFailure);
  return {
    model: p.name,
    mutant: opts.mutant,
    seed: opts.seed,
    runs: digests.length,
    steps: digests.reduce((s, d) => s + d.steps, 0),
    failure,
    digests,
    reach,
    coverage,
    elapsedMs: performance.now() - t0,
  };
}

interface WorkerDone {
  runs: number;
  steps: number;
  digests: RunDigest[];
  reach: Record<string, number>;
  coverage: { actions: Record<string, number>; messages: Record<string, number>; phases: Record<string, number> } | null;
  failure: { run: number } | null;
}

/** Regenerate run i from its seed and shrink it, exactly as a single-threaded check would. */
export function shrinkRun<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: CheckOptions, run: number): Failure<Cfg> {
  const arb = runArb(p, opts.mutant);
  const value = generateRun(arb, opts.seed, run);
  const r = runSchedule(p, value.value.cfg, value.value.choices, { only: opts.only });
  if (r.violation === null) throw new Error(`run ${run} did not fail when regenerated`);
  if (opts.noShrink) return { run, violation: r.violation, input: { cfg: value.value.cfg, choices: value.value.choices.slice(0, r.consumed) }, originalChoices: r.consumed, shrinks: 0, shrinkAttempts: 0 };
  const s = shrinkFailure(p, arb, value, r, { only: opts.only });
  return { run, violation: s.result.violation!, input: s.input, originalChoices: r.consumed, shrinks: s.shrinks, shrinkAttempts: s.attempts };
}
