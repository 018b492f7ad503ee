// check-history throughput on the three kinds of history issue 11 names, and the peak
// memory of checking 200,000 operations:
//   - synthetic: a deterministic 187,000-op valid history (generate.ts: the tree model
//     driven by a seeded workload of sessions with concurrent ops, lagging followers
//     and watches);
//   - synthetic with timed-out writes: the same workload where ~300 writes lost their
//     reply (info), so the bounded search has to place them;
//   - real fault runs: three ~6,000-op histories recorded by zk:test against Debian's
//     ZooKeeper 3.8.0 under pauses and kills (test/fixtures; two of them caught the
//     server losing committed writes, which the checker reports).
// ops/s is the checker's (parsed lines in, verdict out), the best of the timed checks
// after a warm-up; with the CPU time of that check beside it, for a shared machine.
// Peak memory is a fresh process's maxRSS after reading and checking a 200,008-op file,
// as `zoocheck check-history` does. Run alone with `npx tsx bench/history.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkHistory } from '../src/oracle/history/check.ts';
import { generateHistory, historyToJsonl } from '../src/oracle/history/generate.ts';
import { readHistoryFile } from '../src/oracle/history/parse.ts';
import type { HistoryLine } from '../src/oracle/history/types.ts';

export interface BenchResult {
  name: string;
  ops: number;
  ms: number;
  opsPerSec: number;
  /** ops per CPU-second of the same check (the machine may be shared). */
  opsPerCpuSec: number;
  verdict: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function timeChecks(name: string, histories: HistoryLine[][], runs: number): BenchResult {
  for (const h of histories) checkHistory(h);
  let best = Infinity;
  let bestCpu = Infinity;
  let ops = 0;
  const verdicts = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    ops = 0;
    for (const h of histories) {
      const r = checkHistory(h);
      ops += r.ops;
      verdicts.add(r.verdict);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  return {
    name,
    ops,
    ms: Math.round(best),
    opsPerSec: Math.round((ops / best) * 1000),
    opsPerCpuSec: Math.round((ops / bestCpu) * 1000),
    verdict: [...verdicts].join('/'),
  };
}

/** Peak RSS (MB) of a fresh node process that reads and checks `file` (the compiled checker when built). */
export function peakMemoryMb(file: string): { mb: number; ops: number } {
  const dist = join(ROOT, 'dist', 'src', 'oracle', 'history', 'index.js');
  const src = join(ROOT, 'src', 'oracle', 'history', 'index.ts');
  const mod = existsSync(dist) ? pathToFileURL(dist).href : pathToFileURL(src).href;
  const script = `const m = await import(${JSON.stringify(mod)}); const r = m.checkHistory(m.readHistoryFile(${JSON.stringify(file)})); console.log(JSON.stringify({ mb: Math.round(process.resourceUsage().maxRSS / 1024), ops: r.ops }));`;
  const args = existsSync(dist) ? ['--input-type=module', '-e', script] : ['--import', 'tsx', '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`bench history: the memory probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

export async function benchHistory(quick = false): Promise<BenchResult[]> {
  const big = quick ? 40_000 : 187_000;
  const rows: BenchResult[] = [];
  rows.push(timeChecks(`synthetic, ${big.toLocaleString('en-US')} ops`, [generateHistory({ ops: big, seed: 42, clients: 8, keys: 6 })], quick ? 1 : 2));
  const lossy = generateHistory({ ops: big, seed: 42, clients: 8, keys: 6, lostReplies: 0.0042 });
  const timedOut = lossy.filter((l) => l.kind === 'op' && l.outcome.type === 'info' && l.type !== 'get' && l.type !== 'exists' && l.type !== 'children' && l.type !== 'sync').length;
  rows.push(timeChecks(`synthetic, ${timedOut} writes timed out`, [lossy], quick ? 1 : 2));
  const real = ['zk-3node-faults.jsonl.gz', 'zk-3node-lost-run.jsonl.gz', 'zk-3node-divergent-follower.jsonl.gz'].map((f) => readHistoryFile(join(ROOT, 'test', 'fixtures', f)));
  rows.push(timeChecks('real fault runs (3 x ~6,000 ops)', real, quick ? 2 : 5));
  return rows;
}

/** Peak memory for reading and checking 200,008 generated ops, through a temporary file. */
export function benchHistoryMemory(ops = 200_000): { ops: number; peakMb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'zoocheck-bench-'));
  try {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, historyToJsonl(generateHistory({ ops, seed: 42, clients: 8, keys: 6 })));
    const m = peakMemoryMb(file);
    return { ops: m.ops, peakMb: m.mb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  for (const r of await benchHistory(quick)) {
    console.log(`${r.name}: ${r.ops} ops in ${r.ms} ms = ${r.opsPerSec.toLocaleString('en-US')} ops/s (${r.opsPerCpuSec.toLocaleString('en-US')} per CPU-second), ${r.verdict}`);
  }
  const m = benchHistoryMemory(quick ? 40_000 : 200_000);
  console.log(`peak memory reading and checking ${m.ops} ops: ${m.peakMb} MB`);
}
