// One worker of a parallel check: runs its share of the run indices (unshrunk)
// and reports back. A shared cell holds the lowest failing run index found so
// far: a worker stops once its next run lies beyond it, having done every run
// of its share below it, so the merged result does not depend on timing.
import { parentPort, workerData } from 'node:worker_threads';
import { getProtocol } from '../../properties/index.ts';
import { runCheck } from './check.ts';
import { withImplementation, type ImplSpec } from '../oracle/adapters/external.ts';

export interface WorkerTask {
  model: string;
  runs: number;
  seed: number;
  mutant: string | null;
  only?: string[];
  shardIndex: number;
  shardCount: number;
  coverage: boolean;
  impl?: ImplSpec;
  best: SharedArrayBuffer;
}

const task = workerData as WorkerTask;
const base = getProtocol(task.model)!;
const p = task.impl ? withImplementation(base, task.impl) : base;
const best = new Int32Array(task.best);
const r = runCheck(p, {
  runs: task.runs,
  seed: task.seed,
  mutant: task.mutant,
  only: task.only,
  shardIndex: task.shardIndex,
  shardCount: task.shardCount,
  coverage: task.coverage,
  noShrink: true,
  stopAfter: () => Atomics.load(best, 0),
  onProgress: (x) => parentPort!.postMessage({ type: 'progress', ...x }),
});
if (r.failure) {
  // Publish the lowest failing index (compare-and-swap loop).
  for (;;) {
    const cur = Atomics.load(best, 0);
    if (r.failure.run >= cur || Atomics.compareExchange(best, 0, cur, r.failure.run) === cur) break;
  }
}
parentPort!.postMessage({
  type: 'done',
  runs: r.runs,
  steps: r.steps,
  digests: r.digests,
  reach: r.reach,
  coverage: r.coverage ? r.coverage.toJSON() : null,
  failure: r.failure ? { run: r.failure.run } : null,
});
