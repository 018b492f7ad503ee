// check-history throughput: a deterministic 100,000-operation valid history (the tree
// model driven by a seeded workload of several sessions with concurrent ops, lagging
// followers and watches; generate.ts): the best of three checks after a warm-up check.
// Run alone with `npx tsx bench/history.ts`.
import { pathToFileURL } from 'node:url';
import { checkHistory } from '../src/oracle/history/check.ts';
import { generateHistory } from '../src/oracle/history/generate.ts';

export interface BenchResult {
  name: string;
  opsPerSec: number;
  ops: number;
  ms: number;
}

export async function benchHistory(ops = 100_000, runs = 3): Promise<BenchResult> {
  const lines = generateHistory({ ops, seed: 42, clients: 8, keys: 6 });
  // The first run warms the JIT (and collects the generator's garbage); the figure is
  // the best of the timed runs after it, so it measures the checker, not the machine's
  // other load.
  checkHistory(lines);
  let best = Infinity;
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = checkHistory(lines);
    best = Math.min(best, performance.now() - t0);
    n = r.ops;
    if (r.verdict !== 'ok') {
      throw new Error(`bench history: the generated history should pass, got ${r.violations[0]?.guarantee}: ${r.violations[0]?.message}`);
    }
  }
  return { name: 'check-history', opsPerSec: Math.round((n / best) * 1000), ops: n, ms: Math.round(best) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cpu0 = process.cpuUsage();
  const r = await benchHistory();
  const cpu = process.cpuUsage(cpu0);
  console.log(`${r.name}: ${r.ops} ops in ${r.ms} ms = ${r.opsPerSec.toLocaleString('en-US')} ops/s`);
  // On a shared machine wall time includes other processes' load; CPU time does not.
  console.log(`  (process CPU for generation and 4 checks: ${Math.round((cpu.user + cpu.system) / 1000)} ms)`);
}
