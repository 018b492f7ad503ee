// `npm run bench`: the benchmark table, also written as JSON to
// bench/results/latest.json. Options: --model NAME (repeatable), --quick.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { getProtocol, protocolNames } from '../properties/index.ts';
import { throughput, type ThroughputRow } from './throughput.ts';
import { timeToBug, type MutantRow } from './mutants.ts';
import { workerSpeedup, type WorkersRow } from './workers.ts';
import { benchHistory } from './history.ts';
import { exploreThroughput, shrinkQuality, type ExploreRow, type ShrinkRow } from './explore.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.flatMap((a, i) => (a === '--model' ? [args[i + 1]] : []));
const models = only.length ? only : protocolNames();

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : v === undefined || v === null ? '-' : String(v));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') + '\n';
}

const throughputRows: ThroughputRow[] = [];
const mutantRows: MutantRow[] = [];
for (const name of models) {
  const p = getProtocol(name);
  if (!p) throw new Error(`unknown model ${name}`);
  for (const b of p.benchConfigs ?? [{ label: 'generated', fix: (c: unknown) => c }]) {
    throughputRows.push(throughput(p, b.label, b.fix, quick ? 300 : 2000, quick ? 300 : 1500));
  }
  for (const m of p.mutants) mutantRows.push(...timeToBug(p, m.name, quick ? 5000 : 50_000, quick ? 200_000 : 2_000_000));
}

const exploreRows: ExploreRow[] = [];
const shrinkRows: ShrinkRow[] = [];
for (const name of models) {
  const p = getProtocol(name)!;
  exploreRows.push(...exploreThroughput(p));
  shrinkRows.push(...shrinkQuality(p, mutantRows));
}

const workerRows: WorkersRow[] = [];
for (const name of models) workerRows.push(...(await workerSpeedup(getProtocol(name)!, quick ? 2000 : 8000, [1, 2])));

process.stdout.write(`\nsteps/s (one core)\n${table(throughputRows as unknown as Record<string, unknown>[])}`);
process.stdout.write(`\ntime to first failure, per mutant and strategy\n${table(mutantRows as unknown as Record<string, unknown>[])}`);

process.stdout.write(`\nexplore (breadth-first, fair suffix from every state)\n${table(exploreRows as unknown as Record<string, unknown>[])}`);
process.stdout.write(`\nshrink quality: check's shrunk length / explore's shortest (choices)\n${table(shrinkRows as unknown as Record<string, unknown>[])}`);

const history = await benchHistory();
process.stdout.write(`\ncheck-history on a generated history\n${table([history as unknown as Record<string, unknown>])}`);

process.stdout.write(`\ncheck on worker threads (same runs, same digest)\n${table(workerRows as unknown as Record<string, unknown>[])}`);

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  quick,
  throughput: throughputRows,
  mutants: mutantRows,
  workers: workerRows,
  explore: exploreRows,
  shrink: shrinkRows,
  history,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(out, null, 1) + '\n');
process.stdout.write('\nwritten: bench/results/latest.json\n');
