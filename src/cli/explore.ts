// `zoocheck explore`: exhaustive breadth-first search of one model within
// bounds. Exit 0 when no violation was found (whether or not the space was
// exhausted: the report says which), 1 with a shortest counterexample written
// as a normal trace, 2 for bad input.
import { join } from 'node:path';
import pc from 'picocolors';
import { InputError } from '../config.ts';
import { explore, type ExploreResult } from '../explore/explore.ts';
import type { Protocol } from '../protocol.ts';
import { buildTrace } from '../trace/replay.ts';
import { traceJson } from '../trace/format.ts';
import { EXIT_OK, EXIT_VIOLATION, showProgress, writeAtomic, thousands } from './io.ts';
import { requireMutant } from './args.ts';
import { requireProtocol } from './protocols.ts';

export interface ExploreCliOptions {
  depth?: number;
  maxStates?: number;
  bound?: string[];
  symmetry: boolean;
  suffix: boolean;
  mutant?: string;
  only?: string;
  out: string;
  json: boolean;
}

export interface ExploreReport {
  model: string;
  mutant: string | null;
  bounds: Record<string, number>;
  symmetry: boolean;
  suffix: boolean;
  distinct: number;
  generated: number;
  outOfBounds: number;
  depth: number;
  statesPerSec: number;
  exhausted: boolean;
  elapsedMs: number;
  violations: number;
  trace: string | null;
  invariant: string | null;
  message: string | null;
  step: number | null;
  /** Choices in the counterexample (the measure check's shrunk traces use). */
  length: number | null;
}

export const DEFAULT_DEPTH = 1000;
export const DEFAULT_MAX_STATES = 5_000_000;

/** Accumulates repeated `--bound name=value` options. */
/**
 * The model's default bounds, with the mutant's own where it declares them,
 * overridden by `name=value` pairs; unknown names and bad values are input errors.
 */
export function parseBounds(p: Protocol, pairs: readonly string[], mutant: string | null = null): Record<string, number> {
  const spec = p.explore;
  if (spec === undefined) {
    if (pairs.length > 0) throw new InputError(`--bound: ${p.name} declares no exploration bounds`);
    return {};
  }
  const bounds = { ...spec.defaults, ...(mutant !== null ? spec.mutantBounds?.[mutant] : undefined) };
  const known = Object.keys(spec.defaults);
  for (const pair of pairs) {
    const m = /^([A-Za-z][\w-]*)=(\d+)$/.exec(pair.trim());
    if (!m) throw new InputError(`--bound: expected name=value with a non-negative integer value (got "${pair}")`);
    if (!known.includes(m[1])) throw new InputError(`--bound: unknown ${p.name} bound "${m[1]}" (${p.name} bounds: ${spec.describe})`);
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v)) throw new InputError(`--bound: ${m[1]} is too large (got "${m[2]}")`);
    bounds[m[1]] = v;
  }
  return bounds;
}

function parseOnlyNames(p: Protocol, cfg: unknown, only: string | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set([...p.invariants(cfg).map((i) => i.name), ...p.liveness.map((l) => l.name)]);
  for (const n of names) if (!known.has(n)) throw new InputError(`--only: unknown ${p.name} invariant "${n}" (known: ${[...known].join(', ')})`);
  return names;
}

/** The configuration the bounds describe, validated as a trace's would be. */
export function exploreConfig(p: Protocol, bounds: Record<string, number>, mutant: string | null): unknown {
  const raw = p.explore ? p.explore.config(bounds, mutant) : p.defaultConfig(mutant);
  try {
    return p.parseConfig(raw);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--bound: ${e.message}`);
    throw e;
  }
}

function printHuman(rep: ExploreReport, r: ExploreResult): void {
  const out = process.stdout;
  const b = Object.entries(rep.bounds)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  out.write(`${pc.bold(rep.model)}${rep.mutant ? ` (mutant ${rep.mutant})` : ''} explore: ${b}${rep.symmetry ? ', symmetry' : ''}${rep.suffix ? '' : ', no suffix'}\n`);
  out.write(
    `  ${thousands(rep.distinct)} distinct states (${thousands(rep.outOfBounds)} outside the bounds), ${thousands(rep.generated)} generated, depth ${rep.depth}, ` +
      `${(rep.elapsedMs / 1000).toFixed(1)} s (${thousands(rep.statesPerSec)} states/s)\n`,
  );
  if (r.counterexample) {
    out.write(`  ${pc.red('VIOLATION')} ${pc.bold(rep.invariant!)} at step ${rep.step}: ${rep.message}\n`);
    out.write(`  shortest counterexample: ${rep.length} choices\n  trace: ${rep.trace}\n  replay: npx zoocheck replay ${rep.trace}\n`);
  } else if (rep.exhausted) {
    out.write(`  ${pc.green('exhausted')}: every reachable state within the bounds was expanded; no violation\n`);
  } else {
    out.write(`  ${pc.yellow('not exhausted')} (depth or state limit reached); no violation in what was explored\n`);
  }
}

export async function cmdExplore(model: string, o: ExploreCliOptions): Promise<number> {
  const p = await requireProtocol(model);
  const mutant = requireMutant(p, o.mutant);
  const bounds = parseBounds(p, o.bound ?? [], mutant);
  const cfg = exploreConfig(p, bounds, mutant);
  const only = parseOnlyNames(p, cfg, o.only);
  if (o.symmetry && !p.symmetry) throw new InputError(`--symmetry: ${p.name} declares no interchangeable nodes`);
  const progress = showProgress(o.json);
  const r = explore(p, cfg as never, {
    depth: o.depth ?? DEFAULT_DEPTH,
    maxStates: o.maxStates ?? DEFAULT_MAX_STATES,
    symmetry: o.symmetry,
    suffix: o.suffix,
    bounds,
    only,
    onProgress: progress
      ? (x) =>
          process.stderr.write(
            `\r${p.name} explore: ${thousands(x.distinct)} states, depth ${x.depth}, ${thousands(x.queued)} queued, ${thousands(Math.round(x.distinct / Math.max(1e-3, x.elapsedMs / 1000)))} states/s `,
          )
      : undefined,
  });
  if (progress) process.stderr.write('\r\x1b[K');
  let trace: string | null = null;
  const cx = r.counterexample;
  if (cx) {
    const t = buildTrace(p, cfg as never, cx.choices, { seed: null, run: null, only });
    trace = join(o.out, `${p.name}-${mutant ?? 'correct'}-explore.json`);
    writeAtomic(trace, traceJson(t));
  }
  const rep: ExploreReport = {
    model: p.name,
    mutant,
    bounds,
    symmetry: o.symmetry,
    suffix: o.suffix,
    distinct: r.distinct,
    generated: r.generated,
    outOfBounds: r.outOfBounds,
    depth: r.depth,
    statesPerSec: r.statesPerSec,
    exhausted: r.exhausted,
    elapsedMs: Math.round(r.elapsedMs),
    violations: cx ? 1 : 0,
    trace,
    invariant: cx ? cx.violation.invariant : null,
    message: cx ? cx.violation.message : null,
    step: cx ? cx.violation.step : null,
    length: cx ? cx.choices.length : null,
  };
  if (o.json) process.stdout.write(JSON.stringify(rep) + '\n');
  else printHuman(rep, r);
  return cx ? EXIT_VIOLATION : EXIT_OK;
}
