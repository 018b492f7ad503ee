// A check spread over threads (and over machines with --shard K/N). Shard K
// of N owns the run indices ≡ K-1 (mod N); within a shard the main thread and
// the worker threads claim chunks of them from a shared counter
// (src/explore/share.ts). Threads report unshrunk; the lowest failing run is
// regenerated from its seed and shrunk here, so the result is the same
// whatever the split.
import { availableParallelism, loadavg } from 'node:os';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule } from '../run.ts';
import { Coverage } from '../coverage.ts';
import { generateRun, runArb } from './arbitrary.ts';
import { failureOf, firstPass, runCheck, type CheckOptions, type CheckResult, type Failure, type RunDigest } from './check.ts';
import { cancelWorker, emptyShare, failureFound, runNextChunk, shardRuns, shareCells, unpackDigests, type ShareResult, type ShareSpec } from './share.ts';
import type { WorkerTask } from './worker.ts';
import { startWorker, takePrestarted } from './prestart.ts';

/**
 * The cores not already busy: every core less the 1-minute load average, at
 * least one. On a machine others keep busy a second thread only competes with
 * the first (`npm run bench` on a shared 2-core machine at load 9: 2,000 Paxos
 * runs took 4.7 s on 2 threads, 2.4 s on 1). The main thread starts on the
 * runs at once and a worker that loads after the work is gone is cancelled, so
 * a small check is not slowed by the workers it asked for either.
 */
export function autoWorkers(): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, cores - Math.floor(loadavg()[0])));
}

/**
 * Where a worker thread gets its protocol: `module` (a URL) exports
 * `workerProtocol(arg)` (sync or async), which must return the same protocol the caller passed
 * (external implementation included). The engine imports no model; the layer
 * above names the module (src/cli/protocols.ts).
 */
export interface ProtocolSource {
  module: string;
  arg: unknown;
}

export interface ParallelOptions extends CheckOptions {
  /** Threads, the main thread included. */
  workers: number;
  /**
   * Start the workers only once the main thread's own pace says the runs left
   * would take longer than starting a worker costs (the default `--workers`:
   * never slower than one thread). Which thread runs what does not change the
   * result, so neither does when they start.
   */
  lazy?: boolean;
  /** Needed when more than one thread runs. */
  source?: ProtocolSource;
}

/** Chunks small enough to balance the threads' shares at the end, large enough to cost nothing. */
function chunkSize(runs: number, threads: number): number {
  return Math.max(1, Math.min(256, Math.ceil(runs / (threads * 32))));
}

export async function runCheckParallel<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: ParallelOptions): Promise<CheckResult<Cfg>> {
  const t0 = performance.now();
  const spec0 = { runs: opts.runs, shardIndex: opts.shardIndex ?? 0, shardCount: opts.shardCount ?? 1, chunk: 1 };
  const total = shardRuns(spec0);
  const threads = Math.max(1, Math.min(opts.workers, total));
  if (threads === 1) return runCheck(p, opts);
  const source = opts.source;
  if (source === undefined) throw new Error(`runCheckParallel: ${threads} threads need opts.source (where a worker loads protocol ${p.name})`);
  const spec: ShareSpec = { ...spec0, chunk: chunkSize(total, threads) };
  const cells = shareCells(threads - 1);
  const check: WorkerTask['check'] = { runs: opts.runs, seed: opts.seed, mutant: opts.mutant, strategy: opts.strategy, only: opts.only ? [...opts.only] : undefined, coverage: opts.coverage ?? false };
  const progress = Array.from({ length: threads }, () => ({ done: 0, steps: 0 }));
  const report = () => {
    if (!opts.onProgress) return;
    const sum = progress.reduce((a, x) => ({ done: a.done + x.done, steps: a.steps + x.steps }), { done: 0, steps: 0 });
    opts.onProgress({ done: sum.done, total, steps: sum.steps, violations: failureFound(cells) ? 1 : 0 });
  };
  const spawn = (j: number) => {
    const task: WorkerTask = { source, check, spec, cells, worker: j };
    const early = takePrestarted(source.module);
    const w = early?.worker ?? startWorker(source.module);
    w.postMessage(task);
    let cancelled = false;
    const done = new Promise<WorkerDone | null>((resolve, reject) => {
      if (early?.error) reject(early.error);
      else if (early !== null && early.exit !== null) reject(new Error(`worker ${j} exited with code ${early.exit} before its task`));
      w.on('message', (m: { type: 'progress'; done: number; steps: number } | ({ type: 'done' } & WorkerPosted)) => {
        if (m.type === 'progress') {
          progress[j + 1] = { done: m.done, steps: m.steps };
          report();
        } else resolve({ ...m, digests: unpackDigests(m.digests) });
      });
      w.on('error', reject);
      w.on('exit', (code) => {
        if (cancelled) resolve(null);
        else if (code !== 0) reject(new Error(`worker ${j} exited with code ${code}`));
      });
    });
    return {
      done,
      cancel() {
        cancelled = true;
        void w.terminate();
      },
    };
  };
  const workers: ReturnType<typeof spawn>[] = [];
  const spawnAll = () => {
    for (let j = 0; j < threads - 1; j++) workers.push(spawn(j));
  };
  if (!opts.lazy) spawnAll();
  // The exhaustive pass comes first on this thread, as in runCheck, while the
  // workers already sample; a failure there ends the check and their runs are
  // not looked at.
  const pass = firstPass(p, opts);
  if (pass?.failure) {
    for (const w of workers) w.cancel();
    await Promise.all(workers.map((w) => w.done));
    const r = runCheck(p, { ...opts, runs: 0, exhaustiveShare: 0 });
    return { ...r, failure: pass.failure, digests: [pass.summary.digest], exhaustive: pass.summary, elapsedMs: performance.now() - t0 };
  }
  // The main thread's share, yielding between chunks so worker messages arrive.
  const mine = emptyShare(opts.coverage ?? false);
  while (runNextChunk(p, opts, cells, spec, mine)) {
    progress[0] = { done: mine.runs, steps: mine.steps };
    report();
    if (workers.length === 0 && worthSpawning(performance.now() - t0, mine.runs, total)) spawnAll();
    await new Promise((r) => setImmediate(r));
  }
  workers.forEach((w, j) => {
    if (cancelWorker(cells, j)) w.cancel();
  });
  const shares: (ShareResult | WorkerDone)[] = [mine, ...(await Promise.all(workers.map((w) => w.done))).filter((x) => x !== null)];
  const firstFailure = shares.reduce<number | null>((m, r) => (r.failure !== null && (m === null || r.failure < m) ? r.failure : m), null);
  const digests: RunDigest[] = [...(pass ? [pass.summary.digest] : []), ...shares.flatMap((r) => r.digests)]
    .filter((d) => firstFailure === null || d.run <= firstFailure)
    .sort((a, b) => a.run - b.run);
  const reach: Record<string, number> = Object.fromEntries(p.probes.map((pr) => [pr.name, 0]));
  for (const r of shares) for (const [k, v] of Object.entries(r.reach)) reach[k] += v;
  let coverage: Coverage | null = null;
  if (opts.coverage) {
    coverage = new Coverage();
    for (const r of shares) if (r.coverage) coverage.merge(r.coverage instanceof Coverage ? r.coverage.toJSON() : r.coverage);
  }
  let failure: Failure<Cfg> | null = null;
  if (firstFailure !== null) failure = shrinkRun(p, opts, firstFailure);
  return {
    model: p.name,
    mutant: opts.mutant,
    seed: opts.seed,
    runs: digests.length - (pass ? 1 : 0),
    steps: digests.reduce((s, d) => s + d.steps, 0),
    failure,
    digests,
    reach,
    coverage,
    exhaustive: pass?.summary ?? null,
    elapsedMs: performance.now() - t0,
  };
}

/** What starting a worker thread costs on this machine class (compiled modules; `npm run bench`, workers). */
const WORKER_START_MS = 150;

/**
 * After a first look at the main thread's pace (WORKER_START_MS of work), are
 * the runs left worth a worker: would they take this thread at least twice
 * as long as a worker takes to start?
 */
function worthSpawning(elapsedMs: number, done: number, total: number): boolean {
  if (elapsedMs < WORKER_START_MS || done === 0) return false;
  return (elapsedMs / done) * (total - done) > 2 * WORKER_START_MS;
}

/** A worker's share as posted (its coverage as plain counts). */
interface WorkerDone extends Omit<ShareResult, 'coverage'> {
  coverage: ReturnType<Coverage['toJSON']> | null;
}

/** What a worker posts: its digests packed (share.ts, packDigests). */
interface WorkerPosted extends Omit<WorkerDone, 'digests'> {
  digests: Float64Array;
}

/** Regenerate run i from its seed and shrink it, exactly as a single-threaded check would. */
export function shrinkRun<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: CheckOptions, run: number): Failure<Cfg> {
  const arb = runArb(p, opts.mutant, opts.strategy);
  const value = generateRun(arb, opts.seed, run);
  const r = runSchedule(p, value.value.cfg, value.value.choices, { only: opts.only });
  if (r.violation === null) throw new Error(`run ${run} did not fail when regenerated`);
  return failureOf(p, arb, value, r, run, opts);
}
