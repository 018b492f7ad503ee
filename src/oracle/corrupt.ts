// Deterministic corruptions of a real zk-history/1 history, one broken guarantee at a time,
// to show that a checker rejects each and names the right guarantee. Each kind is a named
// function from history lines to a corrupted copy (or null when the history has no place
// to plant it); the first eligible spot in id order is used, so the same input always
// gives the same output. Nothing here knows about the checker.
//
//   npx tsx src/oracle/corrupt.ts IN.jsonl KIND OUT.jsonl
//   npx tsx src/oracle/corrupt.ts IN.jsonl --all OUTDIR      (one file per kind that applies)

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseHistory as parseChecked } from './history/parse.ts';
import { serializeLine } from './history/schema.ts';

export type Line = Record<string, any>;

export interface Corruption {
  kind: CorruptionKind;
  /**
   * The promise from history-format.md that the corrupted history breaks, named as the
   * history checker (src/oracle/history) names it.
   */
  guarantee: string;
  /** Ids of the ops involved, the corrupted one last. */
  ops: number[];
  description: string;
  lines: Line[];
}

export type CorruptionKind =
  | 'lost-write'
  | 'stale-read'
  | 'read-from-future'
  | 'duplicate-sequential-name'
  | 'ephemeral-outlives-session'
  | 'watch-after-data'
  | 'lost-watch-event'
  | 'stray-watch-event'
  | 'op-after-session-end'
  | 'version-skip'
  | 'wrong-nodeexists';

/** The lines of a history, checked against the zk-history/1 schema (history/schema.ts). */
export function parseHistory(text: string, fileName = 'history.jsonl'): Line[] {
  return parseChecked(text, fileName) as Line[];
}

/** A history's text; every line is checked against the schema, so a corruption cannot break the format. */
export function serializeHistory(lines: Line[]): string {
  return lines.map((l) => serializeLine(l)).join('\n') + '\n';
}

// ---- what the history says happened ---------------------------------------------------

interface Write {
  op: Line;
  path: string;
  zxid: number;
  kind: 'create' | 'set' | 'delete';
  value?: string;
  stat?: Line;
}

const isOk = (o: Line) => o.outcome?.type === 'ok';
const opsOf = (lines: Line[]) => lines.filter((l) => l.kind === 'op');
const clone = (lines: Line[]): Line[] => structuredClone(lines);
const byId = (lines: Line[], id: number): Line => lines.find((l) => l.kind === 'op' && l.id === id)!;
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Acknowledged writes per node path, in zxid order. */
function writesByPath(lines: Line[]): Map<string, Write[]> {
  const out = new Map<string, Write[]>();
  const add = (w: Write) => {
    const list = out.get(w.path) ?? [];
    list.push(w);
    out.set(w.path, list);
  };
  for (const o of opsOf(lines)) {
    if (!isOk(o)) continue;
    if (o.type === 'create') add({ op: o, path: o.outcome.created_path, zxid: o.outcome.zxid, kind: 'create', value: o.args.value, stat: o.outcome.stat });
    else if (o.type === 'set') add({ op: o, path: o.path, zxid: o.outcome.zxid, kind: 'set', value: o.args.value, stat: o.outcome.stat });
    else if (o.type === 'delete') add({ op: o, path: o.path, zxid: o.outcome.zxid, kind: 'delete' });
  }
  for (const list of out.values()) list.sort((a, b) => a.zxid - b.zxid);
  return out;
}

/** The data write that made the state a read returned (matched by mzxid). */
function producer(writes: Write[] | undefined, mzxid: number): Write | undefined {
  return writes?.find((w) => w.kind !== 'delete' && w.zxid === mzxid);
}

/** The data write just before w on the same node incarnation. */
function previousInIncarnation(writes: Write[], w: Write): Write | undefined {
  const czxid = w.stat?.czxid;
  const earlier = writes.filter((x) => x.kind !== 'delete' && x.zxid < w.zxid && x.stat?.czxid === czxid);
  return earlier.at(-1);
}

/** Makes a get's outcome show the data written by w instead. */
function showWrite(get: Line, w: Write): void {
  const o = get.outcome;
  delete o.value_b64;
  o.value = w.value;
  o.stat = {
    ...o.stat,
    mzxid: w.zxid,
    mtime: w.stat!.mtime,
    version: w.stat!.version,
    dataLength: Buffer.byteLength(w.value ?? '', 'utf8'),
  };
}

/** Stable re-sort of the lines between meta and summary after times changed. */
function resort(lines: Line[]): Line[] {
  const head = lines[0]?.kind === 'meta' ? [lines[0]] : [];
  const tail = lines.at(-1)?.kind === 'summary' ? [lines.at(-1)!] : [];
  const body = lines.slice(head.length, lines.length - tail.length);
  const key = (l: Line) => (l.kind === 'op' ? l.t_invoke : l.t);
  const sorted = body.map((l, i) => ({ l, i })).sort((a, b) => key(a.l) - key(b.l) || a.i - b.i);
  return [...head, ...sorted.map((x) => x.l), ...tail];
}

// ---- the corruptions ------------------------------------------------------------------

/**
 * An acknowledged write vanishes: a read whose reply zxid says the member had applied the
 * latest write to the node (preferably the final sync-then-read) shows the value before it.
 */
export function lostWrite(input: Line[]): Corruption | null {
  const lines = clone(input);
  const writes = writesByPath(lines);
  const gets = opsOf(lines).filter((o) => o.type === 'get' && isOk(o) && o.outcome.stat);
  const ordered = [...gets.filter((g) => g.phase === 'final'), ...gets.filter((g) => g.phase !== 'final')];
  for (const g of ordered) {
    const list = writes.get(g.path);
    const w = producer(list, g.outcome.stat.mzxid);
    if (!w || w.kind !== 'set' || g.outcome.zxid < w.zxid) continue;
    const prev = previousInIncarnation(list!, w);
    if (!prev) continue;
    showWrite(g, prev);
    return {
      kind: 'lost-write',
      guarantee: 'linearizable-writes',
      ops: [prev.op.id, w.op.id, g.id],
      description: `op ${g.id} (reply zxid ${g.outcome.zxid} >= ${w.zxid}) reads ${g.path} as written by op ${prev.op.id}, losing op ${w.op.id}'s acknowledged set`,
      lines,
    };
  }
  return null;
}

/**
 * A session's read goes back in time: after the session saw a node's data at some mzxid,
 * a later read in the same session returns the data (and reply zxid) from before it.
 */
export function staleRead(input: Line[]): Corruption | null {
  const lines = clone(input);
  const writes = writesByPath(lines);
  const bySession = new Map<string, Line[]>();
  for (const o of opsOf(lines)) {
    if (!o.session) continue;
    const l = bySession.get(o.session) ?? [];
    l.push(o);
    bySession.set(o.session, l);
  }
  const candidates: Array<{ seen: Line; g: Line; prev: Write }> = [];
  for (const ops of bySession.values()) {
    for (let j = 0; j < ops.length; j++) {
      const g = ops[j]!;
      if (g.type !== 'get' || !isOk(g) || !g.outcome.stat) continue;
      const list = writes.get(g.path);
      for (let i = j - 1; i >= 0; i--) {
        const seen = ops[i]!;
        if (!isOk(seen) || seen.t_complete > g.t_invoke || !seen.outcome.stat) continue;
        const samePath = (seen.type === 'get' && seen.path === g.path) || (seen.type === 'set' && seen.path === g.path);
        if (!samePath) continue;
        const m = seen.outcome.stat.mzxid;
        if (g.outcome.stat.mzxid < m) break;
        const w = producer(list, m);
        const prev = w && previousInIncarnation(list!, w);
        if (prev) candidates.push({ seen, g, prev });
        break;
      }
    }
  }
  // If the session wrote anything after the state we roll back to, the read breaks
  // read-your-writes; otherwise it is a plain monotonic-reads failure. Prefer the latter.
  const WRITES = new Set(['create', 'set', 'delete', 'close_session']);
  // A write given up on may have a late reply: its zxid and arrival time are that reply's.
  const late = new Map<number, Line>();
  for (const l of lines) if (l.kind === 'late' && typeof l.outcome?.zxid === 'number' && l.outcome.type !== 'info') late.set(l.op, l);
  const answer = (o: Line): { zxid: number; t: number } | null => {
    if (o.outcome?.type !== 'info' && typeof o.outcome?.zxid === 'number') return { zxid: o.outcome.zxid, t: o.t_complete };
    const l = late.get(o.id);
    return l ? { zxid: l.outcome.zxid, t: l.t } : null;
  };
  const ownWriteAfter = (c: { g: Line; prev: Write }) =>
    (bySession.get(c.g.session) ?? []).some((o) => {
      const a = WRITES.has(o.type) ? answer(o) : null;
      return a !== null && a.t < c.g.t_invoke && a.zxid > c.prev.zxid;
    });
  const ranked = candidates.map((c) => ({ ...c, ryw: ownWriteAfter(c) }));
  ranked.sort((a, b) => Number(a.ryw) - Number(b.ryw) || a.g.id - b.g.id);
  const c = ranked[0];
  if (!c) return null;
  showWrite(c.g, c.prev);
  c.g.outcome.zxid = c.prev.zxid;
  return {
    kind: 'stale-read',
    guarantee: c.ryw ? 'read-your-writes' : 'monotonic-reads',
    ops: [c.seen.id, c.g.id],
    description: `session ${c.g.session} saw ${c.g.path} at mzxid ${c.seen.outcome.stat.mzxid} (op ${c.seen.id}), then op ${c.g.id} reads it at zxid ${c.prev.zxid}, before that`,
    lines,
  };
}

/** A read returns a value whose write was invoked only after the read had completed. */
export function readFromFuture(input: Line[]): Corruption | null {
  const lines = clone(input);
  const writes = writesByPath(lines);
  for (const g of opsOf(lines)) {
    if (g.type !== 'get' || !isOk(g) || !g.outcome.stat) continue;
    const future = writes.get(g.path)?.find((w) => w.kind === 'set' && w.op.t_invoke > g.t_complete && w.stat?.czxid === g.outcome.stat.czxid);
    if (!future) continue;
    showWrite(g, future);
    return {
      kind: 'read-from-future',
      guarantee: 'read-consistency',
      ops: [future.op.id, g.id],
      description: `op ${g.id} returns ${JSON.stringify(future.value)}, written by op ${future.op.id} which was invoked after op ${g.id} completed`,
      lines,
    };
  }
  return null;
}

/** Two sequential creates under one parent get the same name. */
export function duplicateSequentialName(input: Line[]): Corruption | null {
  const lines = clone(input);
  const seq = opsOf(lines)
    .filter((o) => o.type === 'create' && isOk(o) && String(o.args.mode).endsWith('SEQUENTIAL'))
    .sort((a, b) => a.outcome.zxid - b.outcome.zxid);
  for (let i = 1; i < seq.length; i++) {
    const b = seq[i]!;
    const a = seq
      .slice(0, i)
      .reverse()
      .find((x) => parentOf(x.outcome.created_path) === parentOf(b.outcome.created_path));
    if (!a) continue;
    const was = b.outcome.created_path;
    b.outcome.created_path = a.outcome.created_path;
    return {
      kind: 'duplicate-sequential-name',
      guarantee: 'sequential-names',
      ops: [a.id, b.id],
      description: `op ${b.id} creates ${a.outcome.created_path} (was ${was}), the name op ${a.id} already got`,
      lines,
    };
  }
  return null;
}

/**
 * An ephemeral node is still there after its owner's close_session: a read made after the
 * close (reply zxid past the close's zxid) that found nothing now finds the node, owned by
 * the closed session. Falls back to adding it to a later children listing.
 */
export function ephemeralOutlivesSession(input: Line[]): Corruption | null {
  const lines = clone(input);
  const ops = opsOf(lines);
  const writes = writesByPath(lines);
  const closes = new Map<string, Line>();
  for (const o of ops) if (o.type === 'close_session' && isOk(o) && o.session) closes.set(o.session, o);
  const ephemerals = ops.filter((o) => o.type === 'create' && isOk(o) && String(o.args.mode).startsWith('EPHEMERAL') && o.session && closes.has(o.session));
  const alive = (e: Line, close: Line) =>
    e.outcome.zxid < close.outcome.zxid && !(writes.get(e.outcome.created_path) ?? []).some((w) => w.kind === 'delete' && w.zxid > e.outcome.zxid && w.zxid < close.outcome.zxid);
  for (const e of ephemerals) {
    const close = closes.get(e.session)!;
    if (!alive(e, close)) continue;
    const p = e.outcome.created_path;
    const read = ops.find(
      (r) =>
        r.path === p &&
        r.t_invoke > close.t_complete &&
        r.outcome?.zxid >= close.outcome.zxid &&
        ((r.type === 'get' && r.outcome.type === 'error' && r.outcome.error === 'NONODE') || (r.type === 'exists' && isOk(r) && r.outcome.exists === false)),
    );
    if (!read) continue;
    if (read.type === 'get') {
      read.outcome = { type: 'ok', zxid: read.outcome.zxid, server: read.outcome.server, value: e.args.value, stat: { ...e.outcome.stat } };
    } else {
      read.outcome = { ...read.outcome, exists: true, stat: { ...e.outcome.stat } };
    }
    return {
      kind: 'ephemeral-outlives-session',
      guarantee: 'ephemeral-lifetime',
      ops: [e.id, close.id, read.id],
      description: `op ${read.id} finds ephemeral ${p} (created by op ${e.id}) after its session ${e.session} closed at zxid ${close.outcome.zxid} (op ${close.id})`,
      lines,
    };
  }
  for (const e of ephemerals) {
    const close = closes.get(e.session)!;
    if (!alive(e, close)) continue;
    const p = e.outcome.created_path;
    const listing = ops.find(
      (r) => r.type === 'children' && isOk(r) && r.path === parentOf(p) && r.t_invoke > close.t_complete && r.outcome.zxid >= close.outcome.zxid && !r.outcome.children.includes(baseOf(p)),
    );
    if (!listing) continue;
    listing.outcome.children = [...listing.outcome.children, baseOf(p)].sort();
    // The stat is optional on a listing (history-format.md); when there, it counts the name too.
    if (listing.outcome.stat) listing.outcome.stat = { ...listing.outcome.stat, numChildren: listing.outcome.stat.numChildren + 1 };
    return {
      kind: 'ephemeral-outlives-session',
      guarantee: 'ephemeral-lifetime',
      ops: [e.id, close.id, listing.id],
      description: `op ${listing.id} lists ephemeral ${p} (op ${e.id}) after its session closed at zxid ${close.outcome.zxid} (op ${close.id})`,
      lines,
    };
  }
  return null;
}

/** A watch line that names the session it came to and the registrations it consumed. */
const attributedWatch = (w: Line): boolean => w.kind === 'watch' && !!w.session && Array.isArray(w.ops) && w.ops.length > 0;

/**
 * A watch event arrives after a reply in the same session that already reflects the change
 * that fired it (preferably a read of the watched path).
 */
export function watchAfterData(input: Line[]): Corruption | null {
  const lines = clone(input);
  const ops = opsOf(lines);
  for (const w of lines) {
    if (!attributedWatch(w)) continue;
    const after = ops.filter((o) => o.session === w.session && o.t_invoke > w.t && typeof o.outcome?.zxid === 'number');
    const o = after.find((x) => x.path === w.path && isOk(x)) ?? after[0];
    if (!o) continue;
    const old = w.t;
    const t = o.t_complete + 1;
    w.t = t;
    // A registration fires once, so its one event of this type and path is this one (some
    // recorders stamp the op's copy a little before the watch line).
    for (const id of w.ops) {
      for (const ev of byId(lines, id)?.watch_events ?? []) if (ev.type === w.type && ev.path === w.path && ev.t <= old) ev.t = t;
    }
    return {
      kind: 'watch-after-data',
      guarantee: 'watch-before-data',
      ops: [...w.ops, o.id],
      description: `the ${w.type} event on ${w.path} for op(s) ${w.ops.join(',')} now arrives after op ${o.id}'s reply (zxid ${o.outcome.zxid}) in the same session`,
      lines: resort(lines),
    };
  }
  return null;
}

/** The zxid of the first acknowledged write after `after` that fires a watch of an event like `w`'s on its path. */
function causeOf(lines: Line[], w: Line, after: number): number | null {
  let best: number | null = null;
  const note = (z: number) => {
    if (z > after && (best === null || z < best)) best = z;
  };
  for (const o of opsOf(lines)) {
    if (!isOk(o) || typeof o.outcome.zxid !== 'number') continue;
    const target = o.type === 'create' ? o.outcome.created_path : o.path;
    if (w.type === 'NodeChildrenChanged') {
      if ((o.type === 'create' || o.type === 'delete') && parentOf(target) === w.path) note(o.outcome.zxid);
    } else if ((o.type === 'create' || o.type === 'set' || o.type === 'delete') && target === w.path) note(o.outcome.zxid);
  }
  return best;
}

/**
 * A watch event is never delivered: a registration's only event (its watch line and the
 * op's copy) is removed, though its session later got a reply, on the same connection,
 * whose zxid says the member had applied the change that fires it.
 */
export function lostWatchEvent(input: Line[]): Corruption | null {
  const lines = clone(input);
  const ops = opsOf(lines);
  for (let i = 0; i < lines.length; i++) {
    const w = lines[i]!;
    if (!attributedWatch(w) || w.ops.length !== 1) continue;
    const r = byId(lines, w.ops[0]);
    if (!r || !isOk(r) || r.session !== w.session || (r.watch_events?.length ?? 0) > 1 || r.watch_registered === 'exist') continue;
    if (lines.some((l) => l !== w && l.kind === 'watch' && l.ops?.includes(r.id))) continue;
    const cause = causeOf(lines, w, r.outcome.zxid);
    if (cause === null) continue;
    const q = ops.find((o) => o.session === r.session && o.type !== 'close_session' && o.t_complete > r.t_complete && ['ok', 'error'].includes(o.outcome?.type) && o.outcome.zxid >= cause);
    if (!q) continue;
    // The same connection throughout: no session line of it between the registration and q.
    if (lines.some((l) => l.kind === 'session' && l.session === r.session && l.t > r.t_complete && l.t < q.t_complete)) continue;
    lines.splice(i, 1);
    if (r.watch_events) r.watch_events = [];
    return {
      kind: 'lost-watch-event',
      guarantee: 'watch-before-data',
      ops: [r.id, q.id],
      description: `op ${r.id}'s ${r.watch_registered} watch on ${r.path} never gets its ${w.type} event, though op ${q.id}'s reply (zxid ${q.outcome.zxid}) reflects the change at zxid ${cause} that fires it`,
      lines,
    };
  }
  return null;
}

/** A watch event goes to an op that set no watch: a read of the same path in that session, without a watch, is named with a registration's event. */
export function strayWatchEvent(input: Line[]): Corruption | null {
  const lines = clone(input);
  const ops = opsOf(lines);
  for (const w of lines) {
    if (!attributedWatch(w)) continue;
    const o = ops.find((x) => x.session === w.session && x.path === w.path && ['get', 'exists', 'children'].includes(x.type) && !x.watch_registered && isOk(x) && x.t_complete < w.t);
    if (!o) continue;
    w.ops = [...w.ops, o.id];
    o.watch_events = [{ type: w.type, path: w.path, t: w.t }];
    return {
      kind: 'stray-watch-event',
      guarantee: 'watch-cause',
      ops: [o.id],
      description: `op ${o.id} (${o.type} ${o.path}, no watch asked) is named by the ${w.type} event at t=${w.t}`,
      lines,
    };
  }
  return null;
}

/**
 * A closed session answers again: a read invoked after a session's close_session was
 * answered is moved onto that session (one whose zxid is at least anything the session
 * saw, so only the session's end is broken).
 */
export function opAfterSessionEnd(input: Line[]): Corruption | null {
  const lines = clone(input);
  const ops = opsOf(lines);
  for (const c of ops) {
    if (c.type !== 'close_session' || !isOk(c) || !c.session) continue;
    const seen = Math.max(...ops.filter((o) => o.session === c.session && typeof o.outcome?.zxid === 'number' && o.outcome.type !== 'info').map((o) => o.outcome.zxid));
    const r = ops.find(
      (o) =>
        ['get', 'exists', 'children'].includes(o.type) &&
        ['ok', 'error'].includes(o.outcome?.type) &&
        o.session !== c.session &&
        o.t_invoke > c.t_complete &&
        o.outcome.zxid >= seen &&
        !o.watch_registered,
    );
    if (!r) continue;
    const was = r.session;
    // The closed session's client too: one session, one client, as a recorder writes it.
    r.session = c.session;
    r.client = c.client;
    return {
      kind: 'op-after-session-end',
      guarantee: 'session-lifetime',
      ops: [c.id, r.id],
      description: `op ${r.id} (${r.type} ${r.path}, was on ${was}) is answered on session ${c.session}, invoked after that session's close (op ${c.id}) was answered`,
      lines,
    };
  }
  return null;
}

/** A set's returned stat skips a version. */
export function versionSkip(input: Line[]): Corruption | null {
  const lines = clone(input);
  const s = opsOf(lines).find((o) => o.type === 'set' && isOk(o) && o.outcome.stat);
  if (!s) return null;
  s.outcome.stat.version += 1;
  return {
    kind: 'version-skip',
    guarantee: 'linearizable-writes',
    ops: [s.id],
    description: `op ${s.id}'s set of ${s.path} returns version ${s.outcome.stat.version}, one past the next version`,
    lines,
  };
}

/** A create of a node that did not exist fails with NODEEXISTS. */
export function wrongNodeExists(input: Line[]): Corruption | null {
  const lines = clone(input);
  const c = opsOf(lines).find((o) => o.type === 'create' && o.phase !== 'setup' && isOk(o) && !String(o.args.mode).endsWith('SEQUENTIAL'));
  if (!c) return null;
  c.outcome = { type: 'error', error: 'NODEEXISTS', code: -110, zxid: c.outcome.zxid, server: c.outcome.server };
  return {
    kind: 'wrong-nodeexists',
    guarantee: 'linearizable-writes',
    ops: [c.id],
    description: `op ${c.id}'s create of ${c.path} fails with NODEEXISTS at zxid ${c.outcome.zxid}, when the node did not exist`,
    lines,
  };
}

export const CORRUPTIONS: Record<CorruptionKind, (lines: Line[]) => Corruption | null> = {
  'lost-write': lostWrite,
  'stale-read': staleRead,
  'read-from-future': readFromFuture,
  'duplicate-sequential-name': duplicateSequentialName,
  'ephemeral-outlives-session': ephemeralOutlivesSession,
  'watch-after-data': watchAfterData,
  'lost-watch-event': lostWatchEvent,
  'stray-watch-event': strayWatchEvent,
  'op-after-session-end': opAfterSessionEnd,
  'version-skip': versionSkip,
  'wrong-nodeexists': wrongNodeExists,
};

export function corrupt(lines: Line[], kind: CorruptionKind): Corruption | null {
  const f = CORRUPTIONS[kind];
  if (!f) throw new Error(`unknown corruption kind ${kind}; known: ${Object.keys(CORRUPTIONS).join(', ')}`);
  return f(lines);
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function main(argv: string[]): number {
  const [input, kind, out] = argv;
  if (!input || !kind || !out) {
    console.error(`usage: corrupt.ts IN.jsonl KIND OUT.jsonl | corrupt.ts IN.jsonl --all OUTDIR\nkinds: ${Object.keys(CORRUPTIONS).join(', ')}`);
    return 2;
  }
  const lines = parseHistory(readFileSync(input, 'utf8'), input);
  const kinds = kind === '--all' ? (Object.keys(CORRUPTIONS) as CorruptionKind[]) : [kind as CorruptionKind];
  if (kind === '--all') mkdirSync(out, { recursive: true });
  let missing = 0;
  for (const k of kinds) {
    const c = corrupt(lines, k);
    if (!c) {
      console.error(`${k}: no place to plant it in ${input}`);
      missing++;
      continue;
    }
    const file = kind === '--all' ? join(out, `${k}.jsonl`) : out;
    writeAtomic(file, serializeHistory(c.lines));
    console.log(`${k} [${c.guarantee}] ops ${c.ops.join(',')}: ${c.description} -> ${file}`);
  }
  return missing && kind !== '--all' ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    console.error(`corrupt: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
}
