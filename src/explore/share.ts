// How the threads of a parallel check share the run indices. The indices of
// this shard are cut into chunks of consecutive indices, claimed from a shared
// counter in increasing order; a shared cell holds the lowest failing index
// found so far, and a thread stops at a run beyond it. Chunks are claimed in
// order, so every run below the lowest failure is run by some thread: the
// merged result does not depend on timing, only the share of work each thread
// happened to do does.
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { Coverage } from '../coverage.ts';
import { runCheck, type CheckOptions, type RunDigest } from './check.ts';

/**
 * Cells of the shared Int32Array: the next chunk to claim, the lowest failing
 * run, then one cell per worker thread: PENDING until it starts, then STARTED,
 * or CANCELLED by the main thread when no work was left for it.
 */
const NEXT = 0;
const BEST = 1;
const WORKERS = 2;
const NO_FAILURE = 0x7fffffff;
const PENDING = 0;
const STARTED = 1;
const CANCELLED = 2;

export interface ShareSpec {
  runs: number;
  shardIndex: number;
  shardCount: number;
  /** Runs of this shard per chunk. */
  chunk: number;
}

/** What one thread did: its runs, unshrunk. */
export interface ShareResult {
  runs: number;
  steps: number;
  digests: RunDigest[];
  reach: Record<string, number>;
  coverage: Coverage | null;
  failure: number | null;
}

export function shareCells(workers: number): Int32Array {
  const cells = new Int32Array(new SharedArrayBuffer(4 * (WORKERS + workers)));
  cells[BEST] = NO_FAILURE;
  return cells;
}

/** A worker thread, once loaded: false if the main thread already gave up on it. */
export function workerStarts(cells: Int32Array, worker: number): boolean {
  return Atomics.compareExchange(cells, WORKERS + worker, PENDING, STARTED) === PENDING;
}

/** The main thread, out of work: true if the worker had not started (it will do nothing). */
export function cancelWorker(cells: Int32Array, worker: number): boolean {
  return Atomics.compareExchange(cells, WORKERS + worker, PENDING, CANCELLED) === PENDING;
}

export function failureFound(cells: Int32Array): boolean {
  return Atomics.load(cells, BEST) !== NO_FAILURE;
}

/** Runs in this shard. */
export function shardRuns(spec: ShareSpec): number {
  return Math.max(0, Math.ceil((spec.runs - spec.shardIndex) / spec.shardCount));
}

export function emptyShare(coverage: boolean): ShareResult {
  return { runs: 0, steps: 0, digests: [], reach: {}, coverage: coverage ? new Coverage() : null, failure: null };
}

/**
 * Claim the next chunk and run it into `acc`; false when no chunk is left (or
 * every remaining run lies beyond a failure already found).
 */
export function runNextChunk<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: CheckOptions, cells: Int32Array, spec: ShareSpec, acc: ShareResult): boolean {
  const k = Atomics.add(cells, NEXT, 1) * spec.chunk;
  const from = spec.shardIndex + spec.shardCount * k;
  if (k >= shardRuns(spec) || from > Atomics.load(cells, BEST)) return false;
  const to = Math.min(spec.runs, spec.shardIndex + spec.shardCount * (k + spec.chunk));
  const r = runCheck(p, {
    ...opts,
    runs: to,
    shardIndex: from,
    shardCount: spec.shardCount,
    noShrink: true,
    // The pass before sampling is made once, by the caller (pool.ts).
    exhaustiveShare: 0,
    onProgress: undefined,
    stopAfter: () => Atomics.load(cells, BEST),
  });
  acc.runs += r.runs;
  acc.steps += r.steps;
  for (const d of r.digests) acc.digests.push(d);
  for (const [name, n] of Object.entries(r.reach)) acc.reach[name] = (acc.reach[name] ?? 0) + n;
  if (r.coverage && acc.coverage) acc.coverage.merge(r.coverage.toJSON());
  if (r.failure) {
    const run = r.failure.run;
    acc.failure = acc.failure === null ? run : Math.min(acc.failure, run);
    // Publish the lowest failing index (compare-and-swap loop).
    for (;;) {
      const cur = Atomics.load(cells, BEST);
      if (run >= cur || Atomics.compareExchange(cells, BEST, cur, run) === cur) break;
    }
  }
  return true;
}

// A worker's run digests go back to the main thread as one transferred
// buffer, four numbers a run: no structured clone of tens of thousands of
// objects at the end of a parallel check, when both threads wait for it.
export function packDigests(ds: readonly RunDigest[]): Float64Array<ArrayBuffer> {
  const out = new Float64Array(ds.length * 4);
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i];
    out[4 * i] = d.run;
    out[4 * i + 1] = d.h1;
    out[4 * i + 2] = d.h2;
    out[4 * i + 3] = d.steps;
  }
  return out;
}

export function unpackDigests(a: Float64Array): RunDigest[] {
  const out: RunDigest[] = new Array(a.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = { run: a[4 * i], h1: a[4 * i + 1], h2: a[4 * i + 2], steps: a[4 * i + 3] };
  return out;
}
