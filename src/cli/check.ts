// `zoocheck check`: run one model's suite (or all of them) and report. The
// trace writer and the implementation adapter are imported only when needed:
// they bring zod, most of a short check's start-up.
import { join } from 'node:path';
import pc from 'picocolors';
import { InputError } from '../config.ts';
import { hex32 } from '../run.ts';
import { combineDigests, type CheckResult } from '../explore/check.ts';
import { autoWorkers, runCheckParallel } from '../explore/pool.ts';
import type { CheckStrategy } from '../explore/swarm.ts';
import { DEFAULT_EXHAUSTIVE_SHARE, EXHAUSTIVE_RUN } from '../explore/exhaustive.ts';
import type { ImplSpec } from '../oracle/adapters/external.ts';
import type { Protocol } from '../protocol.ts';
import { PROTOCOL_NAMES } from '../../properties/names.ts';
import { EXIT_OK, EXIT_VIOLATION, showProgress, writeAtomic, thousands } from './io.ts';
import { requireMutant, requireProfile } from './args.ts';
import { progressBar } from './progress.ts';
import { protocolSource, requireProtocol } from './protocols.ts';

export interface CheckCliOptions {
  runs?: number;
  seed?: number;
  mutant?: string;
  /** ZooKeeper version profile (zab, zk). */
  profile?: string;
  /** zk: write the clients' view of the counterexample (or of the seed's first run) as zk-history/1. */
  history?: string;
  only?: string;
  out: string;
  shrink: boolean;
  shrinkTime?: number;
  strategy?: CheckStrategy;
  /** Share of the check's work for the exhaustive pass before sampling (0: none). */
  exhaustiveShare?: number;
  json: boolean;
  workers?: number;
  impl?: string;
  implRole?: string;
  differential: boolean;
  shard?: { index: number; count: number };
}

export interface CheckReport {
  model: string;
  mutant: string | null;
  seed: number;
  runs: number;
  steps: number;
  violations: number;
  digest: string;
  trace: string | null;
  invariant: string | null;
  message: string | null;
  step: number | null;
  shrunk: { from: number; to: number; shrinks: number; passes: number; ms: number } | null;
  /** The bounded exhaustive pass before sampling (null with --exhaustive-share 0, and on shards other than the first). */
  exhaustive: { share: number; maxGenerated: number; generated: number; distinct: number; exhausted: boolean; found: boolean; ms: number } | null;
  reach: Record<string, number>;
  coverage: unknown;
  elapsedMs: number;
  /** With --shard: this shard, and every run's digest so shards can be merged (`zoocheck merge`). */
  shard?: string;
  runDigests?: [number, string, number][];
}

function parseOnly(p: Protocol, only: string | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set([...p.invariants(p.defaultConfig(null)).map((i) => i.name), ...p.liveness.map((l) => l.name)]);
  for (const n of names) if (!known.has(n)) throw new InputError(`--only: unknown ${p.name} invariant "${n}" (known: ${[...known].join(', ')})`);
  return names;
}

export function toReport(p: Protocol, r: CheckResult, tracePath: string | null): CheckReport {
  const f = r.failure;
  return {
    model: r.model,
    mutant: r.mutant,
    seed: r.seed,
    runs: r.runs,
    steps: r.steps,
    violations: f ? 1 : 0,
    digest: combineDigests(r.digests, f ? f.run : null),
    trace: tracePath,
    invariant: f ? f.violation.invariant : null,
    message: f ? f.violation.message : null,
    step: f ? f.violation.step : null,
    shrunk: f ? { from: f.originalChoices, to: f.input.choices.length, shrinks: f.shrinks, passes: f.shrinkPasses, ms: f.shrinkMs } : null,
    exhaustive: exhaustiveReport(r),
    reach: r.reach,
    coverage: r.coverage ? r.coverage.toJSON() : null,
    elapsedMs: Math.round(r.elapsedMs),
  };
}

function exhaustiveReport(r: CheckResult): CheckReport['exhaustive'] {
  const x = r.exhaustive;
  if (x === null) return null;
  return { share: x.share, maxGenerated: x.maxGenerated, generated: x.generated, distinct: x.distinct, exhausted: x.exhausted, found: r.failure?.run === EXHAUSTIVE_RUN, ms: x.ms };
}

async function writeFailureTrace(p: Protocol, r: CheckResult, outDir: string, only?: readonly string[], impl?: ImplSpec): Promise<string | null> {
  const f = r.failure;
  if (!f) return null;
  const { buildTrace } = await import('../trace/replay.ts');
  const { traceJson } = await import('../trace/format.ts');
  const t = buildTrace(p, f.input.cfg, f.input.choices, {
    seed: r.seed,
    run: f.run,
    only,
    impl,
    stats: { originalChoices: f.originalChoices, shrinks: f.shrinks },
  });
  const variant = impl ? `impl-${impl.role}` : (r.mutant ?? 'correct');
  const path = join(outDir, `${p.name}-${variant}-seed${r.seed}-${f.run === EXHAUSTIVE_RUN ? 'exhaustive' : `run${f.run}`}.json`);
  writeAtomic(path, traceJson(t));
  return path;
}

function printHuman(p: Protocol, rep: CheckReport, only: readonly string[] | undefined): void {
  const out = process.stdout;
  const rate = Math.round(rep.steps / Math.max(1e-3, rep.elapsedMs / 1000));
  const head = `${pc.bold(rep.model)}${rep.mutant ? ` (mutant ${rep.mutant})` : ''}: ${rep.runs} runs, ${thousands(rep.steps)} steps in ${(rep.elapsedMs / 1000).toFixed(1)} s (${thousands(rate)} steps/s), seed ${rep.seed}`;
  out.write(head + '\n');
  const x = rep.exhaustive;
  if (x !== null) {
    const how = x.found ? 'found the violation below' : x.exhausted ? 'exhausted the bounds' : 'reached its cap';
    out.write(`  exhaustive pass over the smallest configuration: ${thousands(x.generated)} states generated of ${thousands(x.maxGenerated)} (share ${x.share}), ${how}\n`);
  }
  if (rep.violations === 0) {
    const checked = (n: string) => only === undefined || only.includes(n);
    const liveness = p.liveness.map((l) => l.name).filter(checked);
    const safety = p
      .invariants(p.defaultConfig(null))
      .map((i) => i.name)
      .filter(checked);
    const held = [safety.join(', '), liveness.length > 0 ? `liveness ${liveness.join(', ')}` : ''].filter((x) => x !== '');
    out.write(`  ${pc.green('held')}: ${held.join('; ')}\n`);
  } else {
    out.write(`  ${pc.red('VIOLATION')} ${pc.bold(rep.invariant!)} at step ${rep.step}: ${rep.message}\n`);
    if (rep.shrunk) out.write(`  shrunk from ${rep.shrunk.from} to ${rep.shrunk.to} choices (${rep.shrunk.shrinks} shrinks)\n`);
    out.write(`  trace: ${rep.trace}\n  replay: npx zoocheck replay ${rep.trace}\n`);
  }
  // Reach and coverage are counted over the sampled runs: with none (the
  // exhaustive pass found the violation first) they would only print zeros.
  if (rep.runs === 0) return;
  const reach = Object.entries(rep.reach).map(([k, v]) => `${k} ${((100 * v) / Math.max(1, rep.runs)).toFixed(0)}%`);
  if (reach.length) out.write(`  reached: ${reach.join(', ')}\n`);
  const cov = rep.coverage as { actions: Record<string, number>; messages: Record<string, number> } | null;
  if (cov) {
    // FIFO links never duplicate (TCP): not a gap in coverage.
    const never = [...Object.entries(cov.actions), ...Object.entries(cov.messages)].filter(([k, v]) => v === 0 && !(k === 'duplicate' && p.network === 'fifo')).map(([k]) => k);
    out.write(
      `  actions: ${Object.entries(cov.actions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
    out.write(
      `  messages delivered: ${Object.entries(cov.messages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
    if (never.length) out.write(`  ${pc.yellow('never exercised')}: ${never.join(', ')}\n`);
  }
}

async function implSpec(o: CheckCliOptions): Promise<ImplSpec | undefined> {
  if (o.impl === undefined) {
    if (o.implRole !== undefined || o.differential) throw new InputError('--impl-role and --differential need --impl');
    return undefined;
  }
  if (o.implRole === undefined) throw new InputError('--impl needs --impl-role (which role the implementation plays)');
  const { parseCommand } = await import('../oracle/adapters/external.ts');
  return { cmd: parseCommand(o.impl), role: o.implRole, differential: o.differential };
}

export async function cmdCheck(model: string, o: CheckCliOptions): Promise<number> {
  const names = model === 'all' ? [...PROTOCOL_NAMES] : [model];
  const impl = await implSpec(o);
  if (impl && model === 'all') throw new InputError('--impl needs a single model, not "all"');
  if (model === 'all' && o.profile !== undefined) throw new InputError('--profile needs a single model, not "all"');
  if (model === 'all' && o.history !== undefined) throw new InputError('--history needs a single model, not "all"');
  const plug = impl ? (await import('../oracle/adapters/external.ts')).withImplementation : null;
  const protocols = await Promise.all(
    names.map(async (n) => {
      const p = requireProfile(await requireProtocol(n), o.profile, o.mutant);
      return plug && impl ? plug(p, impl) : p;
    }),
  );
  // The history writer (fast-check, the oracle) is loaded only when asked for.
  const hist = o.history !== undefined ? await import('./model-history.ts') : null;
  for (const p of protocols) hist?.requireHistoryModel(p, o.history);
  if (model === 'all' && o.mutant !== undefined) throw new InputError('--mutant needs a single model, not "all"');
  if (model === 'all' && o.only !== undefined) throw new InputError('--only needs a single model, not "all"');
  const seed = o.seed ?? (Date.now() ^ (process.pid << 16)) | 0;
  const reports: CheckReport[] = [];
  for (const p of protocols) {
    const mutant = requireMutant(p, o.mutant);
    const only = parseOnly(p, o.only);
    const runs = o.runs ?? p.defaultRuns;
    const bar = progressBar(p.name, showProgress(o.json));
    const shard = o.shard ?? { index: 0, count: 1 };
    const r = await runCheckParallel(p, {
      runs,
      seed,
      mutant,
      only,
      coverage: true,
      noShrink: !o.shrink,
      shrinkTimeMs: o.shrinkTime,
      strategy: o.strategy,
      exhaustiveShare: o.exhaustiveShare ?? DEFAULT_EXHAUSTIVE_SHARE,
      workers: o.workers ?? autoWorkers(),
      lazy: o.workers === undefined,
      source: protocolSource(p.name, impl),
      shardIndex: shard.index,
      shardCount: shard.count,
      onProgress: (x) => bar.update(x),
    });
    bar.stop();
    const trace = await writeFailureTrace(p, r, o.out, only, impl);
    if (hist !== null && o.history !== undefined) {
      const run = r.failure ? r.failure.input : hist.firstRun(p, mutant, seed);
      hist.writeModelHistory(p, run.cfg, run.choices, o.history);
    }
    const rep = toReport(p, r, trace);
    if (o.shard) {
      rep.shard = `${shard.index + 1}/${shard.count}`;
      rep.runDigests = r.digests.map((d) => [d.run, hex32(d.h1) + hex32(d.h2), d.steps]);
    }
    reports.push(rep);
    if (!o.json) printHuman(p, rep, only);
  }
  const violations = reports.reduce((s, r) => s + r.violations, 0);
  if (o.json) {
    const { coverage: _c, ...first } = reports[0];
    const obj = reports.length === 1 ? { ...first, coverage: reports[0].coverage } : { models: reports, violations, seed };
    process.stdout.write(JSON.stringify(obj) + '\n');
  } else if (reports.length > 1) {
    process.stdout.write(violations === 0 ? pc.green(`all ${reports.length} models held\n`) : pc.red(`${violations} model(s) violated a property\n`));
  }
  return violations > 0 ? EXIT_VIOLATION : EXIT_OK;
}
