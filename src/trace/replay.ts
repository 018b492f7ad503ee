// Building a trace from (config, choices) and replaying one. Replay re-runs the
// choices and compares the re-recorded events with the stored ones, step by
// step: a mismatch means the model (or the engine) changed since the trace was
// written, and is reported as a divergence naming the first differing step.
import { InputError } from '../config.ts';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type Violation } from '../run.ts';
import { TRACE_FORMAT, type TraceFile } from './format.ts';
import type { TraceEvent } from './events.ts';
import { sameEventData } from './data.ts';

export function buildTrace<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  cfg: Cfg,
  choices: readonly number[],
  meta: { seed: number | null; run: number | null; stats?: TraceFile['stats']; only?: readonly string[]; impl?: TraceFile['impl'] },
): TraceFile {
  const r = runSchedule(p, cfg, choices, { record: true, only: meta.only });
  const nodes: string[] = [];
  for (let i = 0; i < p.nodeCount(cfg); i++) nodes.push(p.render.node(i, cfg));
  return {
    format: TRACE_FORMAT,
    model: p.name,
    mutant: cfg.mutant,
    config: cfg,
    seed: meta.seed,
    run: meta.run,
    choices: choices.slice(0, r.consumed),
    violation: r.violation,
    nodes,
    events: r.events!,
    stats: { ...meta.stats, steps: r.steps },
    ...(meta.impl ? { impl: meta.impl } : {}),
    ...(meta.only && meta.only.length > 0 ? { only: [...meta.only] } : {}),
  };
}

export interface Divergence {
  step: number;
  index: number;
  expected: TraceEvent | null;
  actual: TraceEvent | null;
}

export interface ReplayOutcome {
  /** The trace as re-recorded now. */
  trace: TraceFile;
  violation: Violation | null;
  /** Null when every event matched (or when a different mutant was asked for). */
  divergence: Divergence | null;
}

/**
 * Replay a trace. `getProtocol` resolves the trace's model, with the external
 * implementation the trace records plugged in (the layer above knows how: see
 * src/cli/protocols.ts). With `mutant` given (a name, or null for the correct
 * model), the choices run against that variant instead, and events are not
 * compared: they are expected to differ.
 */
export function replayTrace(t: TraceFile, getProtocol: (name: string, impl?: TraceFile['impl']) => Protocol | null, mutant?: string | null, file = 'trace'): ReplayOutcome {
  const p = getProtocol(t.model, t.impl);
  if (p === null) throw new InputError(`${file}: model: unknown model "${t.model}"`);
  let cfg: BaseConfig;
  try {
    cfg = p.parseConfig(t.config);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  if (t.mutant !== null && !p.mutants.some((m) => m.name === t.mutant)) throw new InputError(`${file}: mutant: unknown ${t.model} mutant "${t.mutant}"`);
  if (mutant !== undefined && mutant !== null && !p.mutants.some((m) => m.name === mutant)) throw new InputError(`--mutant: unknown ${t.model} mutant "${mutant}"`);
  if (t.only !== undefined) {
    const known = new Set([...p.invariants(cfg).map((i) => i.name), ...p.liveness.map((l) => l.name)]);
    for (const n of t.only) if (!known.has(n)) throw new InputError(`${file}: only: unknown ${t.model} invariant "${n}"`);
  }
  cfg = { ...cfg, mutant: mutant === undefined ? t.mutant : mutant };
  const now = buildTrace(p, cfg, t.choices, { seed: t.seed, run: t.run, stats: t.stats, impl: t.impl, only: t.only });
  const divergence = mutant === undefined ? firstDivergence(t, now, p.render.state === undefined) : null;
  return { trace: now, violation: now.violation, divergence };
}

/** The first event whose data (src/trace/data.ts: not its rendered text) differs. */
function firstDivergence(recorded: TraceFile, now: TraceFile, rawState: boolean): Divergence | null {
  const n = Math.max(recorded.events.length, now.events.length);
  for (let i = 0; i < n; i++) {
    const e = recorded.events[i] ?? null;
    const a = now.events[i] ?? null;
    if (e === null || a === null || !sameEventData(e, recorded.nodes, a, now.nodes, rawState)) return { step: (e ?? a)!.step, index: i, expected: e, actual: a };
  }
  return null;
}
