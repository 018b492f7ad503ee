// Watches, as ZooKeeper's server keeps them (WatchManager): per path, the set of
// watchers (a watcher is a connection; here, any id the caller picks, e.g. a
// session). One-shot: a trigger removes every registration it fires, and a
// watcher gets one event per trigger even when several of its registrations
// match (DataTree.deleteNode fires the data table, then the child table with the
// watchers already notified suppressed).
//
// Which registrations an event fires (ZKWatchManager on the client, DataTree on
// the server):
//   NodeCreated, NodeDataChanged -> data and exist watches on the path
//   NodeDeleted                  -> data, exist and child watches on the path
//   NodeChildrenChanged          -> child watches on the parent
// A getData or getChildren on a missing node fails and registers nothing; an
// exists registers whether or not the node is there (that is how one waits for
// a create).
import { pmapDelete, pmapEmpty, pmapForEach, pmapGet, pmapSet, type PMap } from './pmap.ts';
import { ssetAdd, ssetRemove, ssetSize, ssetToArray, SSET_EMPTY, type SSet } from './sset.ts';
import type { WatchEventType, WatchTrigger } from './types.ts';
import { znodeVariant } from './mutants.ts';

export type WatchKind = 'data' | 'exist' | 'child';

export const WATCH_KINDS: readonly WatchKind[] = ['data', 'exist', 'child'];

/** The registrations each event type fires. */
export const FIRED_KINDS: Readonly<Record<WatchEventType, readonly WatchKind[]>> = {
  NodeCreated: ['data', 'exist'],
  NodeDataChanged: ['data', 'exist'],
  NodeDeleted: ['data', 'exist', 'child'],
  NodeChildrenChanged: ['child'],
};

export interface WatchTable {
  readonly data: PMap<SSet>;
  readonly exist: PMap<SSet>;
  readonly child: PMap<SSet>;
}

export interface WatchEvent {
  readonly watcher: string;
  readonly type: WatchEventType;
  readonly path: string;
  /** The zxid of the txn that fired it. */
  readonly zxid: number;
  /** The watcher's registrations this event consumed. */
  readonly kinds: readonly WatchKind[];
}

function emptyTable(): WatchTable {
  return { data: pmapEmpty(), exist: pmapEmpty(), child: pmapEmpty() };
}

function register(t: WatchTable, kind: WatchKind, path: string, watcher: string): WatchTable {
  const m = t[kind];
  const cur = pmapGet(m, path) ?? SSET_EMPTY;
  const next = ssetAdd(cur, watcher);
  if (next === cur) return t;
  return { ...t, [kind]: pmapSet(m, path, next) };
}

function watchers(t: WatchTable, kind: WatchKind, path: string): readonly string[] {
  const s = pmapGet(t[kind], path);
  return s === undefined ? [] : ssetToArray(s);
}

/**
 * Fire the watches the triggers of one txn set off, in order. Mutants:
 * `watch-fires-twice` keeps registrations after firing; `watch-never-fires`
 * removes them without notifying anyone; `data-change-fires-child-watch`
 * lets NodeDataChanged fire child watches too.
 */
function fire(t: WatchTable, triggers: readonly WatchTrigger[], mutant: string | null = null): { table: WatchTable; events: WatchEvent[] } {
  const rules = znodeVariant(mutant);
  let table = t;
  const events: WatchEvent[] = [];
  for (const tr of triggers) {
    // data-change-fires-child-watch: the server's trigger also takes the node's child watches.
    const kinds = tr.type === 'NodeDataChanged' && !rules.dataChangeSparesChildWatches ? WATCH_KINDS : FIRED_KINDS[tr.type];
    const hit = new Map<string, WatchKind[]>();
    for (const k of kinds) {
      const ws = pmapGet(table[k], tr.path);
      if (ws === undefined) continue;
      for (const w of ssetToArray(ws)) {
        const ks = hit.get(w);
        if (ks === undefined) hit.set(w, [k]);
        else ks.push(k);
      }
      if (rules.watchFiresOnce) table = { ...table, [k]: pmapDelete(table[k], tr.path) };
    }
    if (!rules.watchNotifies) continue;
    for (const w of [...hit.keys()].sort()) events.push({ watcher: w, type: tr.type, path: tr.path, zxid: tr.zxid, kinds: hit.get(w)! });
  }
  return { table, events };
}

/** A watcher's connection closed (or its session ended): the server forgets all its watches. */
function removeWatcher(t: WatchTable, watcher: string): WatchTable {
  let out = t;
  for (const k of WATCH_KINDS) {
    let m = out[k];
    pmapForEach(out[k], (path, ws) => {
      const next = ssetRemove(ws, watcher);
      if (next !== ws) m = ssetSize(next) === 0 ? pmapDelete(m, path) : pmapSet(m, path, next);
    });
    if (m !== out[k]) out = { ...out, [k]: m };
  }
  return out;
}

/** Registrations in the table: (kind, path, watcher) triples, sorted. */
function entries(t: WatchTable): { kind: WatchKind; path: string; watcher: string }[] {
  const out: { kind: WatchKind; path: string; watcher: string }[] = [];
  for (const k of WATCH_KINDS) pmapForEach(t[k], (path, ws) => ssetToArray(ws).forEach((w) => out.push({ kind: k, path, watcher: w })));
  return out.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.path !== b.path ? (a.path < b.path ? -1 : 1) : a.watcher < b.watcher ? -1 : a.watcher > b.watcher ? 1 : 0));
}

/**
 * DataTree.setWatches, for one re-registered watch: the event it fires at once
 * against the member's current node (null: absent), given the client's last
 * zxid `rel`, or null when the watch is simply registered again. It looks at the
 * current node only, so the event can differ from the first change the watch
 * missed: a node deleted and created again while the client was away comes back
 * as NodeDataChanged, and an exist watch misses a create that was deleted again.
 */
function rewatch(kind: WatchKind, node: { readonly mzxid: number; readonly pzxid: number } | null, rel: number): WatchEventType | null {
  if (kind === 'exist') return node !== null ? 'NodeCreated' : null;
  if (node === null) return 'NodeDeleted';
  if (kind === 'data') return node.mzxid > rel ? 'NodeDataChanged' : null;
  return node.pzxid > rel ? 'NodeChildrenChanged' : null;
}

export const WatchTable = { empty: emptyTable, register, watchers, fire, removeWatcher, entries, rewatch };
