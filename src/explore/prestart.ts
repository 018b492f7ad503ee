// Worker threads started ahead of their check (the CLI does it first thing
// when --workers asks for more than one thread). A worker takes 110-300 ms to
// start (the thread, Node's bootstrap, the engine's modules; the longer while
// the main thread is busy loading its own); started while the main thread
// still loads its modules and protocol, that no longer delays its first run.
// Only node:worker_threads is loaded here, so asking costs the caller
// nothing. pool.ts hands them their task.
import { Worker } from 'node:worker_threads';

// Compiled (dist/): start the compiled worker. From TypeScript sources (vitest,
// tsx): an entry that registers tsx first.
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);

/** A worker thread started before its task, with what happened to it meanwhile. */
export interface Prestarted {
  module: string;
  worker: Worker;
  error: Error | null;
  exit: number | null;
}

const prestarted: Prestarted[] = [];

/** A worker thread that loads `module` (a ProtocolSource's) and then waits for its task (worker.ts). */
export function startWorker(module: string): Worker {
  return new Worker(workerUrl, { workerData: { module } });
}

/** Start `count` worker threads now, each loading `module`. */
export function prestartWorkers(count: number, module: string): void {
  for (let i = 0; i < count; i++) {
    const entry: Prestarted = { module, worker: startWorker(module), error: null, exit: null };
    entry.worker.once('error', (e) => {
      entry.error = e;
    });
    entry.worker.once('exit', (code) => {
      entry.exit = code;
    });
    prestarted.push(entry);
  }
}

/** A prestarted worker for `module`, now the caller's; null if none is waiting. */
export function takePrestarted(module: string): Prestarted | null {
  const k = prestarted.findIndex((e) => e.module === module);
  return k < 0 ? null : prestarted.splice(k, 1)[0];
}

/** End the prestarted workers no check took. */
export function stopPrestarted(): void {
  for (const e of prestarted.splice(0)) void e.worker.terminate();
}
