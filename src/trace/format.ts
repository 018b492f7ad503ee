// The trace file: a versioned JSON document that is enough to re-run a
// counterexample (model, config, mutant, choices) plus a readable event list to
// check the re-run against. The choice list, not the seed, is what replays: it
// survives fast-check upgrades.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../config.ts';
import type { TraceEvent } from './events.ts';

export const TRACE_FORMAT = 'zoocheck-trace/1';

export interface TraceFile {
  format: typeof TRACE_FORMAT;
  model: string;
  mutant: string | null;
  config: unknown;
  seed: number | null;
  run: number | null;
  choices: number[];
  violation: { invariant: string; kind: 'safety' | 'liveness'; step: number; message: string } | null;
  nodes: string[];
  events: TraceEvent[];
  stats?: { originalChoices?: number; shrinks?: number; steps?: number };
  /** When an external implementation played a role: how to start it again. */
  impl?: { cmd: string[]; role: string; differential: boolean };
  /** The invariants the run checked, when not all (`--only`): replay checks the same. */
  only?: string[];
}

const violationSchema = z.object({
  invariant: z.string(),
  kind: z.enum(['safety', 'liveness']),
  step: z.number().int().min(0),
  message: z.string(),
});

const eventSchema = z.looseObject({
  step: z.number().int().min(0),
  phase: z.enum(['start', 'warmup', 'adversary', 'suffix']),
  action: z.string(),
});

const traceSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  model: z.string().min(1),
  mutant: z.string().nullable(),
  config: z.unknown(),
  seed: z.number().int().nullable(),
  run: z.number().int().nullable(),
  choices: z.array(z.number().int().min(0)),
  violation: violationSchema.nullable(),
  nodes: z.array(z.string()),
  events: z.array(eventSchema),
  stats: z.looseObject({}).optional(),
  impl: z.object({ cmd: z.array(z.string()).min(1), role: z.string(), differential: z.boolean() }).optional(),
  only: z.array(z.string().min(1)).min(1).optional(),
});

/** Read and validate a trace file; every problem is an InputError naming the file and field. */
export function readTrace(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read trace (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const fmt = (raw as { format?: unknown } | null)?.format;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${path}: a trace is a JSON object`);
  if (typeof fmt === 'string' && fmt !== TRACE_FORMAT && fmt.startsWith('zoocheck-trace/')) {
    throw new InputError(`${path}: format: unknown trace format version "${fmt}" (this zoocheck reads ${TRACE_FORMAT})`);
  }
  const r = traceSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`${path}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data as TraceFile;
}

export function traceJson(t: TraceFile): string {
  return JSON.stringify(t, null, 1) + '\n';
}
