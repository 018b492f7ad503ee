// Reader for zk-history/1 (../shared/history-format.md). Anyone can write this format
// from their own client, so every malformed line is an InputError naming the file, the
// 1-based line and the field path (exit 2), never a stack trace or a silent skip.
// Extra fields are ignored (zod strips them); missing required ones are errors. The
// lines' schema is schema.ts; this file adds what needs more than one line: the meta
// line first, unique op ids, paths under meta.root, late replies and watch lines
// naming recorded ops.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../config.ts';
import { LineError, parseLine, parseOutcome } from './schema.ts';
import type { HistoryLine, OpLine, Stat } from './types.ts';

function isBlank(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/** Whether a path lies in the subtree `root` (history-format.md: "every path lives under it"). */
function underRoot(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : root + '/');
}

/** The non-blank lines of a text with their 1-based numbers, and whether each is the last. */
function* textLines(text: string): Generator<[string, number, boolean]> {
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNo++;
    const src = text.slice(start, end);
    const last = end >= n || isBlank(text, end + 1);
    start = end + 1;
    // Blank lines at the end are a trailing newline or two; one inside is reported.
    if (src.trim() !== '' || !last) yield [src, lineNo, last];
  }
}

/** The same for a file read in chunks, so a large history is never one string in memory. */
function* fileLines(fd: number): Generator<[string, number, boolean]> {
  const decoder = new StringDecoder('utf8');
  // 64 KiB: each chunk's text stays below V8's large-object size, so it is collected
  // young; with 4 MiB chunks every one went to the old generation and the garbage
  // held the peak memory of reading 200,000 ops about 60 MB higher.
  const chunk = Buffer.allocUnsafe(1 << 16);
  let rest = '';
  let lineNo = 0;
  let held: [string, number] | null = null;
  /** The first blank line since the last non-blank one: reported only if more content follows. */
  let blank: number | null = null;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    const text = n > 0 ? rest + decoder.write(chunk.subarray(0, n)) : rest + decoder.end();
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      lineNo++;
      const src = text.slice(start, end);
      start = end + 1;
      if (src.trim() === '') {
        blank ??= lineNo;
        continue;
      }
      if (held) yield [held[0], held[1], false];
      if (blank !== null) yield ['', blank, false];
      blank = null;
      held = [src, lineNo];
    }
    rest = text.slice(start);
    if (n <= 0) break;
  }
  if (rest.trim() !== '') {
    if (held) yield [held[0], held[1], false];
    if (blank !== null) yield ['', blank, false];
    held = [rest, lineNo + 1];
  }
  if (held) yield [held[0], held[1], true];
}

/**
 * One copy of each repeated string and child list of the op lines (JSON.parse makes a
 * new one per occurrence): a 200,000-op history holds a few hundred distinct
 * sessions, members and paths, and some thousand child names its 40,000 listings
 * repeat half a million times, mostly as the same few lists; this is most of what
 * keeps its lines under the memory goal. Nothing changes a parsed line, so equal
 * values can be one object.
 */
class Shared {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  str(x: string): string {
    const y = this.strings.get(x);
    if (y !== undefined) return y;
    this.strings.set(x, x);
    return x;
  }

  list(xs: string[]): string[] {
    for (let i = 0; i < xs.length; i++) xs[i] = this.str(xs[i]);
    const k = JSON.stringify(xs);
    const ys = this.lists.get(k);
    if (ys !== undefined) return ys;
    this.lists.set(k, xs);
    return xs;
  }
}

/** The args of the op types that carry nothing but a watch flag, or nothing: one object each. */
const WATCH_ARGS = { true: { watch: true }, false: { watch: false } } as const;
const NO_ARGS = {};

/** A stat as one object of its eleven fields (the parser's copy holds most of them in a second, overflow object). */
function compactStat(s: Stat, shared: Shared): Stat {
  return {
    czxid: s.czxid,
    mzxid: s.mzxid,
    pzxid: s.pzxid,
    ctime: s.ctime,
    mtime: s.mtime,
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: shared.str(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

function shareStrings(l: OpLine, shared: Shared): void {
  const intern = (x: string) => shared.str(x);
  l.phase = intern(l.phase);
  if (l.type === 'get' || l.type === 'exists' || l.type === 'children') l.args = WATCH_ARGS[l.args.watch ? 'true' : 'false'];
  else if (l.type === 'sync' || l.type === 'close_session') l.args = NO_ARGS;
  if (l.session !== null) l.session = intern(l.session);
  if (l.server !== null) l.server = intern(l.server);
  if (l.path !== null) l.path = intern(l.path);
  const o = l.outcome;
  if (typeof o.server === 'string') o.server = intern(o.server);
  if (o.error !== undefined) o.error = intern(o.error);
  if (o.stat) o.stat = compactStat(o.stat, shared);
  if (o.created_path !== undefined) o.created_path = intern(o.created_path);
  // A listing repeats its siblings' names, and a read repeats the value some write wrote.
  if (typeof o.value === 'string') o.value = intern(o.value);
  if (o.children) o.children = shared.list(o.children);
}

/**
 * Op id -> index of its line. Recorders number ops 0, 1, 2...: those ids index an
 * array (a Map of 200,000 entries, grown by copying, was the largest thing the parse
 * left behind besides the lines); any other id goes to a Map.
 */
class OpIndex {
  private readonly dense: number[] = [];
  private readonly sparse = new Map<number, number>();
  size = 0;

  get(id: number): number | undefined {
    return id < this.dense.length ? this.dense[id] : this.sparse.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, at: number): void {
    if (id === this.dense.length && this.sparse.size === 0) this.dense.push(at);
    else this.sparse.set(id, at);
    this.size++;
  }
}

/**
 * Parse the text of a zk-history/1 file. `fileName` only labels error messages.
 * Throws InputError `file:line: field.path: problem` on the first malformed line.
 */
export function parseHistory(text: string, fileName = 'history.jsonl'): HistoryLine[] {
  return parseLines(textLines(text), fileName);
}

function parseLines(source: Iterable<[string, number, boolean]>, fileName: string): HistoryLine[] {
  const out: HistoryLine[] = [];
  const lineNos: number[] = [];
  /** Each op id's index in `out` (its line number is lineNos at the same index). */
  const opAt = new OpIndex();
  const shared = new Shared();
  let root = '/';
  const fail = (lineNo: number, msg: string): never => {
    throw new InputError(`${fileName}:${lineNo}: ${msg}`);
  };
  for (const [src, lineNo, lastLine] of source) {
    if (src.trim() === '') fail(lineNo, 'line: empty (each line of zk-history/1 is one JSON object)');
    let raw: unknown;
    try {
      raw = JSON.parse(src);
    } catch (e) {
      const why = (e as Error).message;
      fail(lineNo, lastLine && !src.trimEnd().endsWith('}') ? `truncated line (the file ends mid-JSON): ${why}` : `invalid JSON: ${why}`);
    }
    let line: HistoryLine;
    try {
      line = parseLine(raw);
    } catch (e) {
      if (e instanceof LineError) fail(lineNo, e.message);
      throw e;
    }
    if (line!.kind === 'op') shareStrings(line!, shared);
    if (out.length === 0 && line!.kind !== 'meta') {
      fail(lineNo, `kind: the first line must be kind "meta", got "${line!.kind}"`);
    }
    if (out.length > 0 && line!.kind === 'meta') fail(lineNo, 'kind: a second "meta" line');
    if (line!.kind === 'meta') root = line!.root;
    if (line!.kind === 'op') {
      if (line!.path !== null && !underRoot(line!.path, root)) fail(lineNo, `op.path: ${line!.path} is outside the declared root ${root}`);
      const created = line!.outcome.created_path;
      if (created !== undefined && !underRoot(created, root)) fail(lineNo, `op.outcome.created_path: ${created} is outside the declared root ${root}`);
      const prev = opAt.get(line!.id);
      if (prev !== undefined) fail(lineNo, `op.id: ${line!.id} already used on line ${lineNos[prev]}`);
      opAt.set(line!.id, out.length);
    }
    out.push(line!);
    lineNos.push(lineNo);
  }
  if (out.length === 0) throw new InputError(`${fileName}:1: kind: empty file (expected a "meta" line)`);
  // Nothing to judge is not a pass.
  if (opAt.size === 0) throw new InputError(`${fileName}:${lineNos.at(-1)}: no operations to check (no "op" line)`);
  // Cross-line references: a late reply must belong to a recorded op, with an outcome of
  // that op's shape.
  /** Each op's late line, by index: one reply per request, so at most one late line. */
  const lateFor = new Map<number, number>();
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.kind === 'late') {
      const at = opAt.get(l.op);
      if (at === undefined) fail(lineNos[i], `late.op: no op with id ${l.op}`);
      const op = out[at!] as OpLine;
      // A late line is the reply to an op recorded as given up on (history-format.md, "late").
      if (op.outcome.type !== 'info') fail(lineNos[i], `late.op: op ${l.op} (line ${lineNos[at!]}) was answered (${op.outcome.type}); a late reply belongs to an op recorded as info`);
      const twice = lateFor.get(l.op);
      if (twice !== undefined) fail(lineNos[i], `late.op: op ${l.op} already has a late reply on line ${lineNos[twice]}`);
      lateFor.set(l.op, i);
      try {
        l.outcome = parseOutcome(op.type, l.outcome, 'late.outcome');
      } catch (e) {
        if (e instanceof LineError) fail(lineNos[i], e.message);
        throw e;
      }
    } else if (l.kind === 'watch') {
      for (let k = 0; k < l.ops.length; k++) {
        if (!opAt.has(l.ops[k])) fail(lineNos[i], `watch.ops.${k}: no op with id ${l.ops[k]}`);
      }
    }
  }
  checkWatchRecords(out, lineNos, opAt, fail);
  return out;
}

/**
 * A history that has `watch` lines says twice which events a registration got: on the
 * watch lines naming the op and in the op's `watch_events`. Where both are given they
 * must agree (per event type and path, as often), or one of them was edited.
 */
function checkWatchRecords(out: HistoryLine[], lineNos: number[], opAt: OpIndex, fail: (lineNo: number, msg: string) => never): void {
  const named = new Map<number, Map<string, { n: number; line: number }>>();
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.kind !== 'watch') continue;
    for (const id of l.ops) {
      let m = named.get(id);
      if (!m) named.set(id, (m = new Map()));
      const k = `${l.type} ${l.path}`;
      const c = m.get(k);
      if (c) c.n++;
      else m.set(k, { n: 1, line: lineNos[i] });
    }
  }
  if (named.size === 0) return;
  for (const [id, m] of named) {
    const op = out[opAt.get(id) as number] as OpLine;
    if (op.watch_events === undefined) continue;
    const listed = new Map<string, number>();
    for (const e of op.watch_events) listed.set(`${e.type} ${e.path}`, (listed.get(`${e.type} ${e.path}`) ?? 0) + 1);
    for (const [k, c] of m) {
      if ((listed.get(k) ?? 0) < c.n)
        fail(c.line, `watch.ops: names op ${id} with ${k} ${c.n} time(s), but that op's watch_events (line ${lineNos[opAt.get(id) as number]}) lists it ${listed.get(k) ?? 0} time(s)`);
    }
  }
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.kind !== 'op' || !l.watch_events) continue;
    const m = named.get(l.id);
    const listed = new Map<string, number>();
    for (const e of l.watch_events) listed.set(`${e.type} ${e.path}`, (listed.get(`${e.type} ${e.path}`) ?? 0) + 1);
    for (const [k, n] of listed) {
      if ((m?.get(k)?.n ?? 0) < n) fail(lineNos[i], `op.watch_events: lists ${k} ${n} time(s), but ${m?.get(k)?.n ?? 0} watch line(s) name op ${l.id} with it`);
    }
  }
}

/**
 * Read and parse a history file (`-`: standard input; a name ending in .gz, or gzip
 * content, is decompressed); throws InputError (exit 2) on any malformed line.
 */
export function readHistoryFile(path: string): HistoryLine[] {
  const name = path === '-' ? '<stdin>' : path;
  const cannot = (e: unknown): never => {
    throw new InputError(`${name}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  };
  let fd: number;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
  } catch (e) {
    return cannot(e);
  }
  try {
    // gzip's magic number, whatever the name says: decompressed whole (a .gz is small).
    const magic = Buffer.alloc(2);
    const got = path === '-' ? 0 : readSync(fd, magic, 0, 2, 0);
    if (got === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      let text: string;
      try {
        text = gunzipSync(readFileSync(fd)).toString('utf8');
      } catch (e) {
        throw new InputError(`${name}: not a valid gzip file: ${(e as Error).message}`);
      }
      return parseHistory(text, name);
    }
    if (path === '-') {
      let buf: Buffer;
      try {
        buf = readFileSync(0);
      } catch (e) {
        return cannot(e);
      }
      if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
      return parseHistory(buf.toString('utf8'), name);
    }
    return parseLines(fileLines(fd), name);
  } finally {
    if (path !== '-') closeSync(fd);
  }
}
