// The zk-history/1 format (../shared/history-format.md), declared once: one zod schema
// per line kind, the TypeScript types inferred from it, and the one-line reader and
// writer every producer and consumer goes through (the recorder, the parser, the
// corruptor, the zk model's --history export). docs/history-format.md's field table is
// generated from these schemas (fieldTable) and a test keeps the two equal.
//
// A line is checked in two steps: the common shape of its kind, then for an op the
// args and the outcome its `type` requires (argsByType, okByType), so that every
// problem is reported with the field path that names it ("op.args.mode: missing").
import { z } from 'zod';
import type { Stat } from '../../../models/znode/stat.ts';

const int = z.number().int();
const nonNegInt = int.min(0);
/** "0x" and 16 lower-case hex digits, as ZooKeeper prints a session id (%016x). */
export const SESSION_ID = /^0x[0-9a-f]{16}$/;
const sessionId = z.string().regex(SESSION_ID, 'expected "0x" and 16 lower-case hex digits');
const time = nonNegInt;

export const statSchema = z.object({
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
}) satisfies z.ZodType<Stat>;

const createMode = z.enum(['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL']);
const watchKind = z.enum(['data', 'exist', 'child']);
const watchEventType = z.enum(['NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged']);
const opType = z.enum(['create', 'set', 'get', 'exists', 'children', 'delete', 'sync', 'close_session']);
const outcomeType = z.enum(['ok', 'error', 'info']);
const sessionEvent = z.enum(['CONNECTING', 'CONNECTED', 'DISCONNECTED', 'SESSION_EXPIRED', 'CLOSING', 'CLOSED', 'CLIENT_DROPS_CONNECTION', 'CLIENT_REPLACES_SESSION', 'ABANDONED']);

/** Every field any op type's args may carry; argsByType says which one needs which. */
const argsSchema = z.object({
  mode: createMode.optional().describe('create: the create mode'),
  value: z.string().nullable().optional().describe('create, set: the data written (unique per write, e.g. "v"+id)'),
  version: int.optional().describe('set, delete: the expected version (-1: any)'),
  watch: z.boolean().optional().describe('get, exists, children: whether a watch was asked for'),
});

/** Every field any outcome may carry; okByType, errorOutcome and infoOutcome say which are required. */
const outcomeSchema = z.object({
  type: outcomeType.describe('ok; error (the server refused it); info (indeterminate: may take effect, possibly later)'),
  zxid: nonNegInt.optional().describe("ok, error: a write's txn zxid; a read's serving member's last applied zxid"),
  server: z.string().nullable().optional().describe('member whose connection delivered the reply'),
  error: z.string().optional().describe('ZooKeeper error name (NONODE, BADVERSION, ...) or client-side TIMEOUT, CLIENT_EXCEPTION'),
  code: int.optional().describe('ZooKeeper error code'),
  created_path: z.string().optional().describe('create ok: the node created (with its sequence suffix)'),
  stat: statSchema.nullable().optional().describe('create (CREATE2), set, get, exists (null when absent), children'),
  value: z.string().nullable().optional().describe('get ok: the data as UTF-8'),
  value_b64: z.string().nullable().optional().describe('get ok: the data in base64, when it is not UTF-8'),
  exists: z.boolean().optional().describe('exists ok: whether the node exists'),
  children: z.array(z.string()).optional().describe('children ok: child names, sorted'),
});

const watchEvent = z.object({ type: watchEventType, path: z.string(), t: time });

export const opLineSchema = z.object({
  kind: z.literal('op'),
  id: nonNegInt.describe("unique, in invocation order; a write's value is unique"),
  phase: z.string().describe('free label: setup, main, final, teardown'),
  process: int.describe('logical process: at most one op outstanding'),
  client: int.describe('client index'),
  session: sessionId.nullable().describe('session id at invocation (null before the first session)'),
  server: z.string().nullable().describe('member the session was connected to at invocation'),
  type: opType.describe('the operation'),
  path: z.string().nullable().describe('requested path, under meta.root; for sequential creates the prefix; null for close_session'),
  args: argsSchema.describe('what each type requires: create {mode, value}; set {value, version}; get/exists/children {watch}; delete {version}; sync, close_session {}'),
  t_invoke: time.describe('ns, just before the request went to the client library'),
  t_complete: time.describe('ns, when the reply arrived or the client gave up (>= t_invoke)'),
  outcome: outcomeSchema.describe('ok: zxid and the fields of its type; error: zxid, error; info: error'),
  watch_registered: watchKind.optional().describe('the watch the op registered, when it asked for one and succeeded'),
  watch_events: z.array(watchEvent).optional().describe('{type, path, t} of each event that registration received'),
});

export const argsByType = {
  create: z.object({ mode: createMode, value: z.string().nullable() }),
  set: z.object({ value: z.string().nullable(), version: int }),
  get: z.object({ watch: z.boolean() }),
  exists: z.object({ watch: z.boolean() }),
  children: z.object({ watch: z.boolean() }),
  delete: z.object({ version: int }),
  sync: z.object({}),
  close_session: z.object({}),
} as const;

const okCommon = { type: z.literal('ok'), zxid: nonNegInt, server: z.string().nullable().optional() };
export const okByType = {
  create: z.object({ ...okCommon, created_path: z.string(), stat: statSchema.optional() }),
  set: z.object({ ...okCommon, stat: statSchema }),
  get: z
    .object({ ...okCommon, value: z.string().nullable().optional(), value_b64: z.string().nullable().optional(), stat: statSchema })
    .refine((o) => o.value !== undefined || o.value_b64 !== undefined, { message: 'missing (expected value or value_b64)', path: ['value'] }),
  exists: z.object({ ...okCommon, exists: z.boolean(), stat: statSchema.nullable() }),
  children: z.object({ ...okCommon, children: z.array(z.string()), stat: statSchema.optional() }),
  delete: z.object(okCommon),
  sync: z.object(okCommon),
  close_session: z.object(okCommon),
} as const;
export const errorOutcome = z.object({ type: z.literal('error'), zxid: nonNegInt, error: z.string(), code: int.optional(), server: z.string().nullable().optional() });
// An info reply the server did send (SESSIONMOVED, ...) may name its zxid and member; typed like anywhere else.
export const infoOutcome = z.object({ type: z.literal('info'), error: z.string().optional(), code: int.optional(), zxid: nonNegInt.optional(), server: z.string().nullable().optional() });

export const metaSchema = z
  .object({
    kind: z.literal('meta'),
    format: z.literal('zk-history/1').describe('the format and its version'),
    root: z.string().regex(/^\/./, 'expected an absolute path other than "/"').describe('every path lives under it; empty at start'),
  })
  .loose();
export const sessionLineSchema = z.object({
  kind: z.literal('session'),
  t: time.describe('ns since the start of the run'),
  client: int.describe('client index'),
  session: sessionId.nullable().describe('the session (null before it is established)'),
  server: z.string().nullable().describe('member of the connection'),
  event: sessionEvent.describe('what happened to the session or its connection'),
});
export const watchLineSchema = z.object({
  kind: z.literal('watch'),
  t: time.describe('when the notification arrived'),
  client: int.describe('client index'),
  session: sessionId.nullable().describe('the session it arrived on'),
  server: z.string().nullable().optional().describe('member of the connection it arrived on'),
  type: watchEventType.describe('the event type'),
  path: z.string().describe('the path it names'),
  ops: z.array(nonNegInt).describe('ids of the ops whose registrations it fired'),
});
export const nemesisLineSchema = z
  .object({ kind: z.literal('nemesis'), t: time.describe('ns since the start of the run'), action: z.string().describe('pause, resume, kill, restart, healthy') })
  .loose();
export const lateLineSchema = z.object({
  kind: z.literal('late'),
  t: time.describe('when the late reply arrived'),
  op: nonNegInt.describe('the op recorded as TIMEOUT that this reply answers'),
  outcome: outcomeSchema.describe("the reply, with the fields its op's type requires"),
  watch_registered: watchKind.optional().describe('the watch the late reply registered (zoocheck recorder)'),
});
export const summaryLineSchema = z.object({ kind: z.literal('summary') }).loose();

/** The schema of each line kind, in the order the docs list them. */
export const LINE_SCHEMAS = {
  meta: metaSchema,
  op: opLineSchema,
  session: sessionLineSchema,
  watch: watchLineSchema,
  nemesis: nemesisLineSchema,
  late: lateLineSchema,
  summary: summaryLineSchema,
} as const;

export type OpType = z.infer<typeof opType>;
export type CreateMode = z.infer<typeof createMode>;
export type WatchKind = z.infer<typeof watchKind>;
export type WatchEventType = z.infer<typeof watchEventType>;
export type OpArgs = z.infer<typeof argsSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type WatchEvent = z.infer<typeof watchEvent>;
export type OpLine = z.infer<typeof opLineSchema>;
export type MetaLine = z.infer<typeof metaSchema>;
export type SessionLine = z.infer<typeof sessionLineSchema>;
export type WatchLine = z.infer<typeof watchLineSchema>;
export type NemesisLine = z.infer<typeof nemesisLineSchema>;
export type LateLine = z.infer<typeof lateLineSchema>;
export type SummaryLine = z.infer<typeof summaryLineSchema>;
export type HistoryLine = MetaLine | OpLine | SessionLine | WatchLine | NemesisLine | LateLine | SummaryLine;

/** A malformed line: `field.path: problem` (the parser adds file and line). */
export class LineError extends Error {}

function describeIssue(issue: z.core.$ZodIssue): string {
  const msg = issue.message.replace(/^Invalid (input|option): /, '');
  if (issue.code === 'invalid_type' && /received undefined$/.test(msg)) return `missing (expected ${issue.expected})`;
  return msg;
}

function parseAt<T>(schema: z.ZodType<T>, raw: unknown, prefix: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.');
  throw new LineError(`${where}: ${describeIssue(issue)}`);
}

/** The outcome of an op of type `opType`, checked for what that type requires. */
const outcomeTypeOnly = z.object({ type: outcomeType }).loose();

export function parseOutcome(type: OpType, raw: unknown, prefix: string): Outcome {
  const t = parseAt(outcomeTypeOnly, raw, prefix).type;
  if (t === 'ok') return parseAt(okByType[type] as z.ZodType<Outcome>, raw, prefix);
  if (t === 'error') return parseAt(errorOutcome, raw, prefix);
  return parseAt(infoOutcome, raw, prefix);
}

const opShape = opLineSchema.extend({ args: z.object({}).loose(), outcome: z.object({}).loose() });

function parseOp(raw: unknown): OpLine {
  const base = parseAt(opShape, raw, 'op');
  const args = parseAt(argsByType[base.type] as z.ZodType<OpArgs>, base.args, 'op.args');
  if (base.type === 'close_session') {
    if (base.path !== null) throw new LineError('op.path: expected null for close_session');
  } else if (base.path === null || !base.path.startsWith('/')) {
    throw new LineError(`op.path: expected an absolute path for ${base.type}`);
  }
  // A reply cannot come before its request: such a time is a recording error, not a
  // broken guarantee (history-format.md: t_complete is when the reply arrived).
  if (base.t_complete < base.t_invoke) throw new LineError(`op.t_complete: ${base.t_complete} is before t_invoke ${base.t_invoke}`);
  const outcome = parseOutcome(base.type, base.outcome, 'op.outcome');
  const line = base as unknown as OpLine;
  line.args = args;
  line.outcome = outcome;
  return line;
}

const kindSchema = z.object({ kind: z.enum(['meta', 'op', 'session', 'watch', 'nemesis', 'late', 'summary']) });

/**
 * One line's JSON value checked against the schema of its kind: the typed line, or a
 * LineError naming the field. A late line's outcome is checked against its op's type
 * by the caller, who knows the op (parseOutcome).
 */
export function parseLine(raw: unknown): HistoryLine {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LineError('expected a JSON object');
  const { kind } = parseAt(kindSchema, raw, '');
  if (kind === 'op') return parseOp(raw);
  return parseAt(LINE_SCHEMAS[kind] as z.ZodType<HistoryLine>, raw, kind);
}

/** One line of a zk-history/1 file (no newline), checked against the schema first. */
export function serializeLine(line: unknown): string {
  parseLine(line);
  return JSON.stringify(line);
}

// ---- the docs' field table --------------------------------------------------------

function typeName(s: z.ZodType): string {
  const def = (s as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; values?: unknown[]; checks?: unknown[]; options?: z.ZodType[] } }).def;
  switch (def.type) {
    case 'optional':
      return typeName(def.innerType!);
    case 'nullable':
      return `${typeName(def.innerType!)} or null`;
    case 'array':
      return `[${typeName(def.element!)}]`;
    case 'literal':
      return def.values!.map((v) => JSON.stringify(v)).join(' / ');
    case 'enum':
      return Object.values((s as unknown as { enum: Record<string, string> }).enum).join(' / ');
    case 'number':
      return (s as unknown as { isInt?: boolean }).isInt ? 'int' : 'number';
    case 'string': {
      const checks = (def.checks ?? []) as { _zod: { def: { pattern?: RegExp } } }[];
      return checks.some((c) => c._zod.def.pattern?.source === SESSION_ID.source) ? 'session id ("0x" + 16 hex)' : 'str';
    }
    case 'boolean':
      return 'bool';
    case 'object':
      return 'obj';
    default:
      return def.type;
  }
}

function isOptional(s: z.ZodType): boolean {
  return (s as unknown as { def: { type: string } }).def.type === 'optional';
}

/** Rows `| kind | field | type | required | meaning |` for every declared field of every line kind. */
export function fieldTable(): string[] {
  const rows = ['| kind | field | type | required | meaning |', '|---|---|---|---|---|'];
  const add = (kind: string, prefix: string, shape: Record<string, z.ZodType>) => {
    for (const [name, s] of Object.entries(shape)) {
      if (name === 'kind') continue;
      const field = prefix + name;
      rows.push(`| ${kind} | \`${field}\` | ${typeName(s)} | ${isOptional(s) ? 'no' : 'yes'} | ${s.description ?? ''} |`);
      if (name === 'args' || name === 'outcome' || name === 'stat') {
        const inner = (s as unknown as { def: { innerType?: z.ZodType } }).def.innerType ?? s;
        const innerShape = (inner as unknown as { shape?: Record<string, z.ZodType> }).shape;
        if (innerShape && name !== 'stat') add(kind, `${field}.`, innerShape);
      }
    }
  };
  for (const [kind, s] of Object.entries(LINE_SCHEMAS)) add(kind, '', (s as unknown as { shape: Record<string, z.ZodType> }).shape);
  return rows;
}
