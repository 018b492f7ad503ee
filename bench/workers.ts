// `check` on worker threads, as a user runs it: the compiled CLI with --workers
// 1, 2 and the default (every core), wall time from process start to exit, and
// the digest (the same for any split). Goals: paxos --runs 40000 on 2 workers at
// most 0.6x the time of 1; the default never slower than 1 worker, small checks
// included.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkersRow {
  model: string;
  runs: number;
  workers: string;
  ms: number;
  /** Wall time relative to --workers 1 (lower is better). */
  vsOne: number;
  /** CPU time of the whole process, every thread (V8's collector and compiler ones too); null where /proc is missing. */
  cpuMs: number | null;
  digest: string;
}

const ROOT = join(import.meta.dirname, '..');

/**
 * CPU time of this process's reaped children so far (Linux: /proc/self/stat
 * cutime + cstime, in clock ticks of 10 ms), or null. A child's share is the
 * difference across spawnSync, which reaps it.
 */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5); the slice starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

function check(model: string, runs: number, workers: number | null): { ms: number; cpuMs: number | null; digest: string } {
  const args = [join(ROOT, 'bin', 'zoocheck.mjs'), 'check', model, '--runs', String(runs), '--seed', '5', '--json', '--out', join(ROOT, 'zoocheck-traces')];
  if (workers !== null) args.push('--workers', String(workers));
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const ms = performance.now() - t0;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`zoocheck check ${model} exited ${r.status}: ${r.stderr}`);
  return { ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, digest: JSON.parse(r.stdout).digest };
}

/** Each count of workers (null: the default) on the same runs. */
export function workerTimes(model: string, runs: number, counts: (number | null)[]): WorkersRow[] {
  const rows: WorkersRow[] = [];
  let one = 0;
  for (const w of counts) {
    const r = check(model, runs, w);
    if (w === 1) one = r.ms;
    rows.push({ model, runs, workers: w === null ? 'default' : String(w), ms: Math.round(r.ms), vsOne: one > 0 ? Math.round((r.ms / one) * 100) / 100 : NaN, cpuMs: r.cpuMs, digest: r.digest });
  }
  const digests = new Set(rows.map((r) => r.digest));
  if (digests.size !== 1) throw new Error(`${model} --runs ${runs}: digests differ across worker counts: ${[...digests].join(', ')}`);
  return rows;
}
