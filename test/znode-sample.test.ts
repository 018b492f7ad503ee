// The tree against a real ZooKeeper 3.8 ensemble: replay the writes of the
// recorded history in zxid order (failed writes too: they are error txns with
// their own zxid) and check every stat, created path and error code the real
// servers returned; then place each read at the state of its reply zxid and
// check what it saw, and replay watch registrations to check the events each
// one received.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyTxn, emptyTree, getNode, WatchTable, type Stat, type Tree, type Txn, type WatchKind } from '../models/znode/tree.ts';

const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'zk-3node-clean.jsonl');

interface HOp {
  kind: 'op';
  id: number;
  session: string | null;
  type: string;
  path: string | null;
  args: { mode?: string; value?: string; version?: number; watch?: boolean };
  outcome: { type: string; zxid?: number; error?: string; created_path?: string; stat?: Stat | null; value?: string | null; exists?: boolean; children?: string[] };
  watch_registered?: WatchKind;
  watch_events?: { type: string; path: string }[];
}

const WRITES = new Set(['create', 'set', 'delete', 'close_session']);
const READS = new Set(['get', 'exists', 'children']);

function load(): { lines: any[]; ops: HOp[] } {
  if (!existsSync(SAMPLE)) throw new Error(`sample history not found at ${SAMPLE}`);
  const lines = readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  return { lines, ops: lines.filter((l) => l.kind === 'op') };
}

function toTxn(op: HOp): Txn {
  const session = op.session as string;
  switch (op.type) {
    case 'create':
      return { type: 'create', path: op.path!, data: op.args.value ?? null, mode: op.args.mode as any, session };
    case 'set':
      return { type: 'setData', path: op.path!, data: op.args.value ?? null, version: op.args.version ?? -1, session };
    case 'delete':
      return { type: 'delete', path: op.path!, version: op.args.version ?? -1, session };
    default:
      return { type: 'closeSession', session };
  }
}

/** The wall-clock time the leader stamped on a write, where its reply shows it. */
function txnTime(op: HOp): number {
  const s = op.outcome.stat;
  if (!s) return 0;
  return op.type === 'create' ? s.ctime : s.mtime;
}

const noTimes = (s: Stat) => ({ ...s, ctime: 0, mtime: 0 });

describe('the tree agrees with a real ZooKeeper 3.8 history (zk-3node-clean.jsonl)', () => {
  const { lines, ops } = load();
  const writes = ops.filter((o) => WRITES.has(o.type) && (o.outcome.type === 'ok' || o.outcome.type === 'error'));
  const reads = ops.filter((o) => READS.has(o.type) && (o.outcome.type === 'ok' || o.outcome.type === 'error'));
  // Writes first within a zxid: a read that reports zxid z has seen the txn z.
  const events = [...writes.map((o) => ({ o, read: false })), ...reads.map((o) => ({ o, read: true }))].sort(
    (a, b) => a.o.outcome.zxid! - b.o.outcome.zxid! || Number(a.read) - Number(b.read) || a.o.id - b.o.id,
  );

  // Every session of the history is created up front: createSession txns change
  // no node, so when they ran (zxids the history does not record) does not matter.
  let tree: Tree = emptyTree();
  const sessions = new Set<string>();
  for (const l of lines) if ((l.kind === 'session' || l.kind === 'op') && typeof l.session === 'string') sessions.add(l.session);
  for (const s of [...sessions].sort()) tree = applyTxn(tree, { type: 'createSession', session: s }, { zxid: 0, time: 0 }).tree;

  let watches = WatchTable.empty();
  const received = new Map<number, { type: string; path: string }[]>();
  const registeredBy = new Map<string, number[]>();
  const mismatches: string[] = [];
  const counts = { writesOk: 0, writesError: 0, reads: 0, watches: 0, createdPaths: 0, stats: 0 };
  let lastZxid = 0;

  for (const { o, read } of events) {
    const zxid = o.outcome.zxid!;
    if (!read) {
      if (zxid <= lastZxid) mismatches.push(`op ${o.id}: zxid ${zxid} is not above the previous write's ${lastZxid}`);
      lastZxid = zxid;
      const r = applyTxn(tree, toTxn(o), { zxid, time: txnTime(o) });
      tree = r.tree;
      const fired = WatchTable.fire(watches, r.triggers);
      watches = fired.table;
      for (const e of fired.events) received.get(Number(e.watcher))!.push({ type: e.type, path: e.path });
      if (o.type === 'close_session') for (const id of registeredBy.get(o.session!) ?? []) watches = WatchTable.removeWatcher(watches, String(id));
      if (o.outcome.type === 'error') {
        counts.writesError++;
        if (r.result.ok || r.result.code !== o.outcome.error) mismatches.push(`op ${o.id} ${o.type} ${o.path}: real ${o.outcome.error}, model ${r.result.ok ? 'ok' : r.result.code}`);
        continue;
      }
      counts.writesOk++;
      if (!r.result.ok) {
        mismatches.push(`op ${o.id} ${o.type} ${o.path}: real ok, model ${r.result.code}`);
        continue;
      }
      if (o.outcome.created_path !== undefined) {
        counts.createdPaths++;
        if (r.result.path !== o.outcome.created_path) mismatches.push(`op ${o.id}: created ${o.outcome.created_path}, model ${r.result.path}`);
      }
      if (o.outcome.stat) {
        counts.stats++;
        if (JSON.stringify(noTimes(r.result.stat!)) !== JSON.stringify(noTimes(o.outcome.stat))) {
          mismatches.push(`op ${o.id} ${o.type} ${o.path}: stat real ${JSON.stringify(o.outcome.stat)} model ${JSON.stringify(r.result.stat)}`);
        }
      }
      continue;
    }
    counts.reads++;
    const node = getNode(tree, o.path!);
    const want = o.outcome;
    // Reads are checked with times: they come from the write that set them.
    const sameStat = (s: Stat | null | undefined) => JSON.stringify(s ?? null) === JSON.stringify(node?.stat ?? null);
    let ok: boolean;
    if (o.type === 'exists') ok = want.type === 'ok' && want.exists === (node !== null) && sameStat(want.stat);
    else if (want.type === 'error') ok = want.error === 'NONODE' && node === null;
    else if (o.type === 'get') ok = node !== null && node.data === want.value && sameStat(want.stat);
    else ok = node !== null && JSON.stringify(node.children) === JSON.stringify(want.children) && sameStat(want.stat);
    if (!ok) mismatches.push(`op ${o.id} ${o.type} ${o.path} at zxid ${zxid}: real ${JSON.stringify(want)}, model ${JSON.stringify(node)}`);
    if (o.watch_registered) {
      counts.watches++;
      watches = WatchTable.register(watches, o.watch_registered, o.path!, String(o.id));
      received.set(o.id, []);
      registeredBy.set(o.session!, [...(registeredBy.get(o.session!) ?? []), o.id]);
    }
  }

  it('every write: result, error code, created path and stat (ctime/mtime aside)', () => {
    expect(mismatches.filter((m) => !m.includes(' at zxid '))).toEqual([]);
    // The sample's size, so that a truncated file cannot pass quietly.
    expect(counts.writesOk).toBe(200);
    expect(counts.writesError).toBe(206);
    expect(counts.createdPaths).toBe(84);
    expect(counts.stats).toBe(128);
  });

  it('every read placed at its reply zxid: existence, data, children and full stat', () => {
    expect(mismatches.filter((m) => m.includes(' at zxid '))).toEqual([]);
    expect(counts.reads).toBe(210);
  });

  it('every watch registration received exactly the events the real servers delivered', () => {
    expect(counts.watches).toBe(ops.filter((o) => o.watch_registered).length);
    expect(counts.watches).toBeGreaterThan(10);
    const bad: string[] = [];
    for (const o of ops) {
      if (!o.watch_registered) continue;
      const real = (o.watch_events ?? []).map((e) => `${e.type} ${e.path}`);
      const model = (received.get(o.id) ?? []).map((e) => `${e.type} ${e.path}`);
      if (JSON.stringify(real) !== JSON.stringify(model)) bad.push(`op ${o.id} (${o.watch_registered} ${o.path}): real [${real}] model [${model}]`);
    }
    expect(bad).toEqual([]);
  });
});
