// One worker thread of a parallel check: claims chunks of run indices until
// none is left (src/explore/share.ts), runs them unshrunk, and reports back.
//
// The engine knows no protocol: the task names a module (chosen by the layer
// above, e.g. the CLI) whose `workerProtocol(arg)` builds the protocol here.
import { parentPort, workerData } from 'node:worker_threads';
import type { Protocol } from '../protocol.ts';
import type { CheckOptions } from './check.ts';
import type { ProtocolSource } from './pool.ts';
import { emptyShare, packDigests, runNextChunk, workerStarts, type ShareSpec } from './share.ts';

export interface WorkerTask {
  source: ProtocolSource;
  check: Pick<CheckOptions, 'runs' | 'seed' | 'mutant' | 'strategy' | 'only' | 'coverage'>;
  spec: ShareSpec;
  cells: Int32Array;
  worker: number;
}

// The thread may start before its check is known (pool.ts, prestartWorkers):
// it loads the protocol module meanwhile, then waits for its task.
const { module } = workerData as { module: string };
const loaded = (await import(module)) as { workerProtocol?: (arg: unknown) => Protocol | Promise<Protocol> };
if (typeof loaded.workerProtocol !== 'function') throw new Error(`${module} does not export workerProtocol(arg)`);
const task = await new Promise<WorkerTask>((resolve) => parentPort!.once('message', resolve));
const p = await loaded.workerProtocol(task.source.arg);
const acc = emptyShare(task.check.coverage ?? false);
if (workerStarts(task.cells, task.worker)) {
  while (runNextChunk(p, task.check, task.cells, task.spec, acc)) parentPort!.postMessage({ type: 'progress', done: acc.runs, steps: acc.steps });
}
const digests = packDigests(acc.digests);
parentPort!.postMessage({ type: 'done', ...acc, digests, coverage: acc.coverage ? acc.coverage.toJSON() : null }, [digests.buffer]);
