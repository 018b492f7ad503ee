// `check` on worker threads, as a user runs it: the compiled CLI with --workers
// 1, 2 and the default (every core), wall time from process start to exit, and
// the digest (the same for any split). Goals: paxos --runs 40000 on 2 workers at
// most 0.6x the time of 1; the default never slower than 1 worker, small checks
// included.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface WorkersRow {
  model: string;
  runs: number;
  workers: string;
  ms: number;
  /** Wall time relative to --workers 1 (lower is better). */
  vsOne: number;
  digest: string;
}

const ROOT = join(import.meta.dirname, '..');

function check(model: string, runs: number, workers: number | null): { ms: number; digest: string } {
  const args = [join(ROOT, 'bin', 'zoocheck.mjs'), 'check', model, '--runs', String(runs), '--seed', '5', '--json', '--out', join(ROOT, 'zoocheck-traces')];
  if (workers !== null) args.push('--workers', String(workers));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`zoocheck check ${model} exited ${r.status}: ${r.stderr}`);
  return { ms, digest: JSON.parse(r.stdout).digest };
}

/** Each count of workers (null: the default) on the same runs. */
export function workerTimes(model: string, runs: number, counts: (number | null)[]): WorkersRow[] {
  const rows: WorkersRow[] = [];
  let one = 0;
  for (const w of counts) {
    const r = check(model, runs, w);
    if (w === 1) one = r.ms;
    rows.push({ model, runs, workers: w === null ? 'default' : String(w), ms: Math.round(r.ms), vsOne: one > 0 ? Math.round((r.ms / one) * 100) / 100 : NaN, digest: r.digest });
  }
  const digests = new Set(rows.map((r) => r.digest));
  if (digests.size !== 1) throw new Error(`${model} --runs ${runs}: digests differ across worker counts: ${[...digests].join(', ')}`);
  return rows;
}
