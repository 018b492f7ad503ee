// check-history throughput: a deterministic 100,000-operation valid history (the tree
// model driven by a seeded workload of several sessions with concurrent ops, lagging
// followers and watches; generate.ts), checked once after a smaller warm-up run.
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

export async function benchHistory(ops = 100_000): Promise<BenchResult> {
  const lines = generateHistory({ ops, seed: 42, clients: 8, keys: 6 });
  // Warm the JIT on a small history so the figure measures the checker, not the compiler.
  checkHistory(generateHistory({ ops: 5_000, seed: 1 }));
  const t0 = performance.now();
  const r = checkHistory(lines);
  const ms = performance.now() - t0;
  if (r.verdict !== 'ok') {
    throw new Error(`bench history: the generated history should pass, got ${r.violations[0]?.guarantee}: ${r.violations[0]?.message}`);
  }
  return { name: 'check-history', opsPerSec: Math.round((r.ops / ms) * 1000), ops: r.ops, ms: Math.round(ms) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchHistory();
  console.log(`${r.name}: ${r.ops} ops in ${r.ms} ms = ${r.opsPerSec.toLocaleString('en-US')} ops/s`);
}
