// Reader for zk-history/1 (../shared/history-format.md). Anyone can write this format
// from their own client, so every malformed line is an InputError naming the file, the
// 1-based line and the field path (exit 2), never a stack trace or a silent skip.
// Extra fields are ignored (zod strips them); missing required ones are errors.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../../config.ts';
import type { HistoryLine, LateLine, OpLine, Outcome } from './types.ts';

const int = z.number().int();
const nonNegInt = int.min(0);
const sessionId = z.string();

const statSchema = z.object({
  czxid: nonNegInt,
  mzxid: nonNegInt,
  pzxid: nonNegInt,
  ctime: int,
  mtime: int,
  version: int,
  cversion: int,
  aversion: int,
  ephemeralOwner: sessionId,
  dataLength: nonNegInt,
  numChildren: nonNegInt,
});

const watchEventType = z.enum(['NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged']);

const opBase = z.object({
  kind: z.literal('op'),
  id: nonNegInt,
  phase: z.string(),
  process: int,
  client: int,
  session: sessionId.nullable(),
  server: z.string().nullable(),
  type: z.enum(['create', 'set', 'get', 'exists', 'children', 'delete', 'sync', 'close_session']),
  path: z.string().nullable(),
  args: z.object({}).loose(),
  t_invoke: int,
  t_complete: int,
  outcome: z.object({ type: z.enum(['ok', 'error', 'info']) }).loose(),
  watch_registered: z.enum(['data', 'exist', 'child']).optional(),
  watch_events: z.array(z.object({ type: watchEventType, path: z.string(), t: int })).optional(),
});

const argsByType = {
  create: z.object({
    mode: z.enum(['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL']),
    value: z.string().nullable(),
  }),
  set: z.object({ value: z.string().nullable(), version: int }),
  get: z.object({ watch: z.boolean() }),
  exists: z.object({ watch: z.boolean() }),
  children: z.object({ watch: z.boolean() }),
  delete: z.object({ version: int }),
  sync: z.object({}),
  close_session: z.object({}),
} as const;

const okCommon = {
  type: z.literal('ok'),
  zxid: nonNegInt,
  server: z.string().nullable().optional(),
};
const okByType = {
  create: z.object({ ...okCommon, created_path: z.string(), stat: statSchema.optional() }),
  set: z.object({ ...okCommon, stat: statSchema }),
  get: z
    .object({ ...okCommon, value: z.string().nullable().optional(), value_b64: z.string().nullable().optional(), stat: statSchema })
    .refine((o) => o.value !== undefined || o.value_b64 !== undefined, {
      message: 'missing (expected value or value_b64)',
      path: ['value'],
    }),
  exists: z.object({ ...okCommon, exists: z.boolean(), stat: statSchema.nullable() }),
  children: z.object({ ...okCommon, children: z.array(z.string()), stat: statSchema.optional() }),
  delete: z.object(okCommon),
  sync: z.object(okCommon),
  close_session: z.object(okCommon),
} as const;
const errorOutcome = z.object({
  type: z.literal('error'),
  zxid: nonNegInt,
  error: z.string(),
  code: int.optional(),
  server: z.string().nullable().optional(),
});
const infoOutcome = z.object({
  type: z.literal('info'),
  error: z.string().optional(),
  code: int.optional(),
});

const metaSchema = z
  .object({
    kind: z.literal('meta'),
    format: z.literal('zk-history/1'),
    root: z.string().regex(/^\/./, 'expected an absolute path other than "/"'),
  })
  .loose();
const sessionSchema = z.object({
  kind: z.literal('session'),
  t: int,
  client: int,
  session: sessionId.nullable(),
  server: z.string().nullable(),
  event: z.enum([
    'CONNECTING',
    'CONNECTED',
    'DISCONNECTED',
    'SESSION_EXPIRED',
    'CLOSING',
    'CLOSED',
    'CLIENT_DROPS_CONNECTION',
    'CLIENT_REPLACES_SESSION',
    'ABANDONED',
  ]),
});
const watchSchema = z.object({
  kind: z.literal('watch'),
  t: int,
  client: int,
  session: sessionId.nullable(),
  server: z.string().nullable().optional(),
  type: watchEventType,
  path: z.string(),
  ops: z.array(nonNegInt),
});
const nemesisSchema = z.object({ kind: z.literal('nemesis'), t: int, action: z.string() }).loose();
const lateBase = z.object({
  kind: z.literal('late'),
  t: int,
  op: nonNegInt,
  outcome: z.object({ type: z.enum(['ok', 'error', 'info']) }).loose(),
  // The recorder's: the late reply set a watch (history-format.md leaves it out).
  watch_registered: z.enum(['data', 'exist', 'child']).optional(),
});
const summarySchema = z.object({ kind: z.literal('summary') }).loose();

const kindSchema = z.object({
  kind: z.enum(['meta', 'op', 'session', 'watch', 'nemesis', 'late', 'summary']),
});

class LineError extends Error {}

function isBlank(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

function describe(issue: z.core.$ZodIssue): string {
  const msg = issue.message.replace(/^Invalid (input|option): /, '');
  if (issue.code === 'invalid_type' && /received undefined$/.test(msg)) {
    return `missing (expected ${issue.expected})`;
  }
  return msg;
}

function parseAt<T>(schema: z.ZodType<T>, raw: unknown, prefix: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.');
  throw new LineError(`${where}: ${describe(issue)}`);
}

function parseOutcome(opType: OpLine['type'], raw: unknown, prefix: string): Outcome {
  const t = (raw as { type: string }).type;
  if (t === 'ok') return parseAt(okByType[opType] as z.ZodType<Outcome>, raw, prefix);
  if (t === 'error') return parseAt(errorOutcome, raw, prefix) as Outcome;
  return parseAt(infoOutcome, raw, prefix) as Outcome;
}

function parseOp(raw: unknown): OpLine {
  const base = parseAt(opBase, raw, 'op');
  const args = parseAt(argsByType[base.type] as z.ZodType<OpLine['args']>, base.args, 'op.args');
  if (base.type === 'close_session') {
    if (base.path !== null) throw new LineError('op.path: expected null for close_session');
  } else if (base.path === null || !base.path.startsWith('/')) {
    throw new LineError(`op.path: expected an absolute path for ${base.type}`);
  }
  const outcome = parseOutcome(base.type, base.outcome, 'op.outcome');
  return { ...base, args, outcome } as OpLine;
}

function parseLine(raw: unknown): HistoryLine {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LineError('expected a JSON object');
  }
  const { kind } = parseAt(kindSchema, raw, '');
  switch (kind) {
    case 'op':
      return parseOp(raw);
    case 'meta':
      return parseAt(metaSchema, raw, 'meta') as HistoryLine;
    case 'session':
      return parseAt(sessionSchema, raw, 'session');
    case 'watch':
      return parseAt(watchSchema, raw, 'watch') as HistoryLine;
    case 'nemesis':
      return parseAt(nemesisSchema, raw, 'nemesis') as HistoryLine;
    case 'late':
      return parseAt(lateBase, raw, 'late') as unknown as LateLine;
    case 'summary':
      return parseAt(summarySchema, raw, 'summary') as HistoryLine;
  }
}

/**
 * Parse the text of a zk-history/1 file. `fileName` only labels error messages.
 * Throws InputError `file:line: field.path: problem` on the first malformed line.
 */
export function parseHistory(text: string, fileName = 'history.jsonl'): HistoryLine[] {
  const out: HistoryLine[] = [];
  const lineNos: number[] = [];
  const opLineNo = new Map<number, number>();
  const ops = new Map<number, OpLine>();
  const fail = (lineNo: number, msg: string): never => {
    throw new InputError(`${fileName}:${lineNo}: ${msg}`);
  };
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNo++;
    const src = text.slice(start, end);
    const lastLine = end >= n || isBlank(text, end + 1);
    start = end + 1;
    if (src.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(src);
    } catch (e) {
      const why = (e as Error).message;
      fail(lineNo, lastLine && !src.trimEnd().endsWith('}')
        ? `truncated line (the file ends mid-JSON): ${why}`
        : `invalid JSON: ${why}`);
    }
    let line: HistoryLine;
    try {
      line = parseLine(raw);
    } catch (e) {
      if (e instanceof LineError) fail(lineNo, e.message);
      throw e;
    }
    if (out.length === 0 && line!.kind !== 'meta') {
      fail(lineNo, `kind: the first line must be kind "meta", got "${line!.kind}"`);
    }
    if (out.length > 0 && line!.kind === 'meta') fail(lineNo, 'kind: a second "meta" line');
    if (line!.kind === 'op') {
      const prev = opLineNo.get(line!.id);
      if (prev !== undefined) fail(lineNo, `op.id: ${line!.id} already used on line ${prev}`);
      opLineNo.set(line!.id, lineNo);
      ops.set(line!.id, line!);
    }
    out.push(line!);
    lineNos.push(lineNo);
  }
  if (out.length === 0) throw new InputError(`${fileName}:1: kind: empty file (expected a "meta" line)`);
  // Cross-line references: a late reply must belong to a recorded op, with an outcome of
  // that op's shape.
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.kind === 'late') {
      const op = ops.get(l.op);
      if (!op) fail(lineNos[i], `late.op: no op with id ${l.op}`);
      try {
        (l as LateLine).outcome = parseOutcome(op!.type, l.outcome, 'late.outcome');
      } catch (e) {
        if (e instanceof LineError) fail(lineNos[i], e.message);
        throw e;
      }
    } else if (l.kind === 'watch') {
      for (let k = 0; k < l.ops.length; k++) {
        if (!ops.has(l.ops[k])) fail(lineNos[i], `watch.ops.${k}: no op with id ${l.ops[k]}`);
      }
    }
  }
  return out;
}

/** Read and parse a history file; throws InputError (exit 2) on any malformed line. */
export function readHistoryFile(path: string): HistoryLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseHistory(text, path);
}
