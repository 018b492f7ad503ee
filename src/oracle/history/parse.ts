// Reader for zk-history/1 (../shared/history-format.md). Anyone can write this format
// from their own client, so every malformed line is an InputError naming the file, the
// 1-based line and the field path (exit 2), never a stack trace or a silent skip.
// Extra fields are ignored (zod strips them); missing required ones are errors. The
// lines' schema is schema.ts; this file adds what needs more than one line: the meta
// line first, unique op ids, paths under meta.root, late replies and watch lines
// naming recorded ops.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../config.ts';
import { LineError, parseLine, parseOutcome } from './schema.ts';
import type { HistoryLine, OpLine } from './types.ts';

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

/**
 * Parse the text of a zk-history/1 file. `fileName` only labels error messages.
 * Throws InputError `file:line: field.path: problem` on the first malformed line.
 */
export function parseHistory(text: string, fileName = 'history.jsonl'): HistoryLine[] {
  const out: HistoryLine[] = [];
  const lineNos: number[] = [];
  const opLineNo = new Map<number, number>();
  const ops = new Map<number, OpLine>();
  let root = '/';
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
    if (line!.kind === 'meta') root = line!.root;
    if (line!.kind === 'op') {
      if (line!.path !== null && !underRoot(line!.path, root)) fail(lineNo, `op.path: ${line!.path} is outside the declared root ${root}`);
      const created = line!.outcome.created_path;
      if (created !== undefined && !underRoot(created, root)) fail(lineNo, `op.outcome.created_path: ${created} is outside the declared root ${root}`);
      const prev = opLineNo.get(line!.id);
      if (prev !== undefined) fail(lineNo, `op.id: ${line!.id} already used on line ${prev}`);
      opLineNo.set(line!.id, lineNo);
      ops.set(line!.id, line!);
    }
    out.push(line!);
    lineNos.push(lineNo);
  }
  if (out.length === 0) throw new InputError(`${fileName}:1: kind: empty file (expected a "meta" line)`);
  // Nothing to judge is not a pass.
  if (ops.size === 0) throw new InputError(`${fileName}:${lineNos.at(-1)}: no operations to check (no "op" line)`);
  // Cross-line references: a late reply must belong to a recorded op, with an outcome of
  // that op's shape.
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.kind === 'late') {
      const op = ops.get(l.op);
      if (!op) fail(lineNos[i], `late.op: no op with id ${l.op}`);
      try {
        l.outcome = parseOutcome(op!.type, l.outcome, 'late.outcome');
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

/**
 * Read and parse a history file (`-`: standard input; a name ending in .gz, or gzip
 * content, is decompressed); throws InputError (exit 2) on any malformed line.
 */
export function readHistoryFile(path: string): HistoryLine[] {
  let buf: Buffer;
  const name = path === '-' ? '<stdin>' : path;
  try {
    buf = readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new InputError(`${name}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // gzip's magic number, whatever the name says.
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new InputError(`${name}: not a valid gzip file: ${(e as Error).message}`);
    }
  }
  return parseHistory(buf.toString('utf8'), name);
}
