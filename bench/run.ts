// `npm run bench`: the benchmark table, also written as JSON to
// bench/results/latest.json. Options: --model NAME (repeatable), --quick,
// --section NAME (repeatable: throughput, mutants, explore, history, workers,
// startup; default all). Workers and start-up run the compiled CLI, which
// `npm run bench` builds first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { getProtocol, protocolNames } from '../properties/index.ts';
import { throughput, type ThroughputRow } from './throughput.ts';
import { timeToBug, type MutantRow } from './mutants.ts';
import { workerTimes, type WorkersRow } from './workers.ts';
import { startup, type StartupRow } from './startup.ts';
import { benchHistory, benchHistoryMemory } from './history.ts';
import { exploreThroughput, shrinkQuality, type ExploreRow, type ShrinkRow } from './explore.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.flatMap((a, i) => (a === '--model' ? [args[i + 1]] : []));
const models = only.length ? only : protocolNames();
const sections = args.flatMap((a, i) => (a === '--section' ? [args[i + 1]] : []));
const want = (name: string) => sections.length === 0 || sections.includes(name);

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
  if (want('throughput')) {
    for (const b of p.benchConfigs ?? [{ label: 'generated', fix: (c: unknown) => c }]) {
      throughputRows.push(throughput(p, b.label, b.fix, quick ? 300 : 2000, quick ? 300 : 1500));
    }
  }
  if (want('mutants') || want('explore')) for (const m of p.mutants) mutantRows.push(...timeToBug(p, m.name, quick ? 5000 : 50_000, quick ? 200_000 : 2_000_000, quick ? 2 : 5));
}

const exploreRows: ExploreRow[] = [];
const shrinkRows: ShrinkRow[] = [];
if (want('explore')) {
  for (const name of models) {
    const p = getProtocol(name)!;
    exploreRows.push(...exploreThroughput(p));
    shrinkRows.push(...shrinkQuality(p, mutantRows));
  }
}

// The pair (paxos, 40,000 runs, 1 and 2 workers and the default), the
// same pair at five times the runs (what a second thread's fixed cost, its
// isolate's start and JIT warm-up, comes to once it is spread thinner), then
// every model on a small and a mid-sized check: the default against 1 worker.
const workerRows: WorkersRow[] = [];
if (want('workers')) {
  if (models.includes('paxos')) {
    workerRows.push(...workerTimes('paxos', quick ? 8000 : 40_000, [1, 2, null]));
    if (!quick) workerRows.push(...workerTimes('paxos', 200_000, [1, 2]));
  }
  for (const name of models) for (const runs of quick ? [200] : [200, 8000]) workerRows.push(...workerTimes(name, runs, [1, null]));
}

const startupRows: StartupRow[] = want('startup') ? startup(quick ? 3 : 7) : [];

const print = (title: string, rows: unknown[]) => {
  if (rows.length > 0) process.stdout.write(`\n${title}\n${table(rows as Record<string, unknown>[])}`);
};
print('steps/s (one core; per CPU-second too, for a machine shared with other work)', throughputRows);
print('time to first failure, per mutant and strategy', want('mutants') ? mutantRows : []);
print('explore (breadth-first, fair suffix from every state)', exploreRows);
print("shrink quality: check's shrunk length / explore's shortest (choices)", shrinkRows);
const history = want('history') ? await benchHistory(quick) : null;
const historyMemory = want('history') ? benchHistoryMemory(quick ? 40_000 : 200_000) : null;
if (history) print('check-history: ops/s on synthetic, timed-out-write and real fault-run histories (goal >= 100,000)', history);
if (historyMemory) print('check-history: peak memory reading and checking (goal < 300 MB for 200,000 ops)', [historyMemory]);
print('check on worker threads: the compiled CLI, wall time (same digest for any count)', workerRows);
print('start-up (median and fastest of several runs)', startupRows);

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  /** The 1-minute load average when the run ended: the machine may be shared. */
  load: loadavg()[0],
  quick,
  throughput: throughputRows,
  mutants: mutantRows,
  workers: workerRows,
  explore: exploreRows,
  shrink: shrinkRows,
  history,
  historyMemory,
  startup: startupRows,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(out, null, 1) + '\n');
process.stdout.write('\nwritten: bench/results/latest.json\n');
