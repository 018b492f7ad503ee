// Speed-up of `check` from 1 to N worker threads on the same runs (same digest).
import type { Protocol } from '../src/protocol.ts';
import { combineDigests } from '../src/explore/check.ts';
import { runCheckParallel } from '../src/explore/pool.ts';
import { protocolSource } from '../src/cli/protocols.ts';

export interface WorkersRow {
  model: string;
  runs: number;
  workers: number;
  ms: number;
  runsPerSec: number;
  speedup: number;
  digest: string;
}

export async function workerSpeedup(p: Protocol, runs: number, counts: number[]): Promise<WorkersRow[]> {
  const rows: WorkersRow[] = [];
  let base = 0;
  for (const workers of counts) {
    const t0 = performance.now();
    const r = await runCheckParallel(p, { runs, seed: 5, mutant: null, workers, source: protocolSource(p.name) });
    const ms = performance.now() - t0;
    if (workers === counts[0]) base = ms;
    rows.push({ model: p.name, runs, workers, ms: Math.round(ms), runsPerSec: Math.round((runs / ms) * 1000), speedup: Math.round((base / ms) * 100) / 100, digest: combineDigests(r.digests, r.failure?.run ?? null) });
  }
  return rows;
}
