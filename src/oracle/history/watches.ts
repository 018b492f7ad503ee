// Watch guarantees, judged against the changes of the final model replay:
// - one-shot: a registration fires at most once;
// - the event a registration gets is caused by the first change after the zxid it was
//   registered at that such a registration sees (FIRED_KINDS), and has that change's type;
//   it cannot arrive before the registering op or that change's write was invoked, and
//   only a registration gets one (watch-delivery.ts);
// - "a client receives the event before any reply that reflects the change that fired
//   it": no reply to the session carrying a zxid >= the firing zxid arrives before it,
//   and a registration that got no event had none (watch-delivery.ts);
// - events are delivered in order: a session's events fire at non-decreasing zxids.
// A registration still pending when its session moves to a new connection is sent
// again with SetWatches (ClientCnxn.primeConnection) and the new member decides from
// its current tree alone (DataTree.setWatches): the event can then be of another type
// than the first change it missed, several come at once in no zxid order, and only
// the replies of the old connection bound when it may arrive.
import { FIRED_KINDS, parentOf, WatchTable, type WatchTrigger } from '../../../models/znode/tree.ts';
import { firstFiring, replyReflectsChange } from '../guarantees.ts';
import { hex } from './order.ts';
import { connectionLosses, type POp, type Prepared } from './prepare.ts';
import type { Hidden } from './hidden.ts';
import type { Violation, WatchEvent, WatchEventType, WatchKind } from './types.ts';
import { checkDelivered, checkRegistered } from './watch-delivery.ts';

interface PathChanges {
  z: number[];
  type: WatchEventType[];
}

function upperBound(xs: readonly number[], x: number): number {
  return boundBy(xs, x, (v) => v);
}

/** The first index of xs (ascending by key) whose key exceeds x (or, not strictly, reaches it). */
function boundBy<T>(xs: readonly T[], x: number, key: (v: T) => number, strict = true): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = key(xs[mid]);
    if (strict ? k <= x : k < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A registration's event, and the newest reply its session had received by upTo. */
interface BeforeData {
  r: POp;
  e: WatchEvent;
  /** The zxid of the change that fired it. */
  F: number;
  kind: WatchKind;
  upTo: number;
  /** Of the session's replies that arrived at or before upTo, the one with the highest zxid (the first to arrive of those), and its index in h.ops. */
  best: POp | null;
  at: number;
}

/** Whether reply p (index i) is newer than b (index j): a higher zxid, or the same one arriving first. */
function newer(p: POp, i: number, b: POp | null, j: number): boolean {
  return b === null || p.zxid > b.zxid || (p.zxid === b.zxid && (p.tComplete < b.tComplete || (p.tComplete === b.tComplete && i < j)));
}

/**
 * Fills each ask's newest reply: one pass over the replies puts each into the first
 * ask of its session at or after its arrival, and a running maximum over each
 * session's asks (by upTo) carries it to the later ones.
 */
function newestReplies(h: Prepared, asks: BeforeData[]): void {
  const bySession = new Map<string, BeforeData[]>();
  for (const a of asks) {
    const xs = bySession.get(a.r.session as string);
    if (xs) xs.push(a);
    else bySession.set(a.r.session as string, [a]);
  }
  for (const xs of bySession.values()) xs.sort((a, b) => a.upTo - b.upTo);
  const ops = h.ops;
  for (let i = 0; i < ops.length; i++) {
    const p = ops[i];
    if (!p.definite || p.session === null) continue;
    const xs = bySession.get(p.session);
    if (!xs) continue;
    const k = boundBy(xs, p.tComplete, (a) => a.upTo, false);
    if (k < xs.length && newer(p, i, xs[k].best, xs[k].at)) {
      xs[k].best = p;
      xs[k].at = i;
    }
  }
  for (const xs of bySession.values()) {
    for (let k = 1; k < xs.length; k++) {
      const prev = xs[k - 1];
      if (prev.best !== null && newer(prev.best, prev.at, xs[k].best, xs[k].at)) {
        xs[k].best = prev.best;
        xs[k].at = prev.at;
      }
    }
  }
}

/** One path's changes from index `from` on, as the shared guarantee reads them. */
function* changesFrom(c: PathChanges, path: string, from: number): Generator<{ z: number; type: WatchEventType; path: string }> {
  for (let i = from; i < c.z.length; i++) yield { z: c.z[i], type: c.type[i], path };
}

/** Besides a lost connection: session lines of a new one. */
const CONNECTION_OPENED: ReadonlySet<string> = new Set(['CONNECTING', 'CONNECTED']);

interface Window {
  lo: number;
  hi: number;
}

/**
 * Per session, the time windows in which its connection may have changed: the
 * recorder's session lines, a connection loss, or (for histories without session
 * lines) consecutive ops invoked through different members.
 */
function connectionChanges(h: Prepared, sessions: ReadonlySet<string>): Map<string, Window[]> {
  const out = new Map<string, Window[]>();
  const add = (s: string, lo: number, hi: number) => {
    let xs = out.get(s);
    if (!xs) out.set(s, (xs = []));
    xs.push({ lo, hi });
  };
  for (const c of connectionLosses(h)) if (c.session !== null && sessions.has(c.session)) add(c.session, c.lo, c.hi);
  for (const l of h.sessions) if (l.session !== null && sessions.has(l.session) && CONNECTION_OPENED.has(l.event)) add(l.session, l.t, l.t);
  const last = new Map<string, POp>();
  for (const p of h.ops) {
    if (p.session === null || !sessions.has(p.session)) continue;
    const q = last.get(p.session);
    if (q && q.line.server !== null && p.line.server !== null && q.line.server !== p.line.server) add(p.session, q.tInvoke, p.tInvoke);
    last.set(p.session, p);
  }
  return out;
}

/**
 * The event types a registration made at zxid R (the node `present` then) can get
 * once re-sent by SetWatches to a member whose tree is at some Z >= rel >= R: what
 * WatchTable.rewatch fires against the node at any such Z (taking rel = R, the
 * loosest), or, re-registered, any later change that fires it.
 */
function rewatchTypes(kind: WatchKind, present: boolean, R: number, c: PathChanges | undefined): Set<WatchEventType> {
  const types = new Set<WatchEventType>();
  const node = { present, mzxid: -1, pzxid: -1 };
  const at = () => {
    const ev = WatchTable.rewatch(kind, node.present ? node : null, R);
    if (ev !== null) types.add(ev);
  };
  at();
  if (!c) return types;
  for (let i = upperBound(c.z, R); i < c.z.length; i++) {
    const z = c.z[i];
    const type = c.type[i];
    if (type === 'NodeCreated') Object.assign(node, { present: true, mzxid: z, pzxid: z });
    else if (type === 'NodeDeleted') node.present = false;
    else if (type === 'NodeDataChanged') node.mzxid = z;
    else node.pzxid = z;
    if (FIRES[kind].has(type)) types.add(type);
    at();
  }
  return types;
}

const FIRES: Record<WatchKind, ReadonlySet<WatchEventType>> = {
  data: new Set(),
  exist: new Set(),
  child: new Set(),
};
for (const [type, kinds] of Object.entries(FIRED_KINDS) as [WatchEventType, readonly WatchKind[]][]) {
  for (const k of kinds) (FIRES[k] as Set<WatchEventType>).add(type);
}

/**
 * `uncertain`: hidden events whose zxid the history does not pin down. A registration
 * whose path one of them may have changed between its zxid and the change we find is
 * not judged (the event may have been fired by that unrecorded change). With
 * `modelOk` false (the replay found no explanation) only one-shot is checked.
 */
export function checkWatches(h: Prepared, triggers: readonly WatchTrigger[], uncertain: readonly Hidden[], modelOk: boolean, out: Violation[]): void {
  checkRegistered(h, out);
  const watched = new Set<string>();
  for (const p of h.ops) if (p.line.watch_registered && p.path !== null) watched.add(p.path);
  if (watched.size === 0 && h.watches.length === 0) return;
  const changes = new Map<string, PathChanges>();
  for (const tr of triggers) {
    if (!watched.has(tr.path)) continue;
    let c = changes.get(tr.path);
    if (!c) changes.set(tr.path, (c = { z: [], type: [] }));
    c.z.push(tr.zxid);
    c.type.push(tr.type);
  }
  // Events per registration: from the op line, else from the `watch` lines naming it.
  const fromLines = new Map<number, WatchEvent[]>();
  for (const w of h.watches) {
    for (const id of w.ops) {
      let xs = fromLines.get(id);
      if (!xs) fromLines.set(id, (xs = []));
      xs.push({ type: w.type, path: w.path, t: w.t });
    }
  }
  // Only sessions that received an event need their replies and connections indexed.
  const notified = new Set<string>();
  for (const p of h.ops) if (p.session !== null && (p.line.watch_events?.length ?? 0) > 0) notified.add(p.session);
  for (const w of h.watches) if (w.session !== null) notified.add(w.session);
  // Registrations whose event is judged against the replies their session had received
  // before it (watch-before-data), answered after the loop below in one pass over the replies.
  const asks: BeforeData[] = [];
  const moves = connectionChanges(h, notified);
  /** The earliest time after `from` and before `to` at which the session may have moved to a new connection. */
  const movedBetween = (session: string, from: number, to: number): number | null => {
    let first: number | null = null;
    for (const w of moves.get(session) ?? []) if (w.lo < to && w.hi > from) first = Math.min(first ?? Infinity, Math.max(w.lo, from));
    return first;
  };
  // Per path, the uncertain events that may change it or a child of it.
  const near = new Map<string, Hidden[]>();
  const nearTo = (path: string, hd: Hidden) => {
    const xs = near.get(path);
    if (!xs) near.set(path, [hd]);
    else if (xs[xs.length - 1] !== hd) xs.push(hd);
  };
  for (const hd of uncertain) {
    for (const x of hd.touches) {
      nearTo(x, hd);
      const up = parentOf(x);
      if (up !== null) nearTo(up, hd);
    }
  }
  const mayHide = (path: string, after: number, before: number) => (near.get(path) ?? []).some((hd) => hd.hi > after + 1 && hd.lo < before);
  const fired = new Map<string, { t: number; z: number; op: number }[]>();
  // The recorded write at each zxid (hidden events have no time to compare with; of
  // two writes reporting one zxid, the later line), found in the writes by zxid.
  let writes: POp[] | null = null;
  const writeAt = (z: number): POp | undefined => {
    writes ??= h.ops.filter((p) => p.write && p.definite).sort((a, b) => a.zxid - b.zxid);
    const k = boundBy(writes, z, (p) => p.zxid);
    return k > 0 && writes[k - 1].zxid === z ? writes[k - 1] : undefined;
  };
  /**
   * The first recorded write after r's zxid that fires r's watch. An unrecorded event
   * before it could only have fired the watch earlier, and one the replay placed may
   * not have happened: the event is due by this change whatever they did.
   */
  const firstRecordedFiring = (r: POp): { z: number; type: WatchEventType } | null => {
    const c = changes.get(r.path as string);
    const kind = r.line.watch_registered as WatchKind;
    if (!c) return null;
    for (let i = upperBound(c.z, r.zxid); i < c.z.length; i++) if (FIRES[kind].has(c.type[i]) && writeAt(c.z[i]) !== undefined) return { z: c.z[i], type: c.type[i] };
    return null;
  };

  /** Registrations that got no event: judged once the loop is done (watch-delivery.ts). */
  const silent: POp[] = [];
  for (const r of h.ops) {
    const kind = r.line.watch_registered;
    if (!kind || !r.definite || r.session === null || r.path === null) continue;
    const evs = r.line.watch_events ?? fromLines.get(r.id) ?? [];
    const nLines = fromLines.get(r.id)?.length ?? 0;
    const n = Math.max(evs.length, nLines);
    if (n > 1) {
      out.push({
        guarantee: 'watch-one-shot',
        ops: [r.id],
        message: `op ${r.id} (${r.type} ${r.path}) registered one ${kind} watch, which fired ${n} times (${evs.map((e) => `${e.type}@${e.t}`).join(', ')}); a watch fires at most once.`,
      });
    }
    if (n === 0) {
      if (modelOk) silent.push(r);
      continue;
    }
    const e = evs[0];
    // No event before its registration was asked for.
    if (e.t < r.tInvoke) {
      out.push({
        guarantee: 'watch-cause',
        ops: [r.id],
        message: `op ${r.id} (${r.type} ${r.path}) was invoked at t=${r.tInvoke}, but the event of the watch it registered arrived earlier (t=${e.t}).`,
      });
      continue;
    }
    if (!modelOk) continue;
    const R = r.zxid;
    const c = changes.get(r.path);
    const first = c ? firstFiring(changesFrom(c, r.path, upperBound(c.z, R)), r.path, kind, R) : null;
    const F = first?.z ?? -1;
    const Ftype: WatchEventType | null = first?.type ?? null;
    const moved = movedBetween(r.session, r.tComplete, e.t);
    // An indeterminate write or expiry at an unknown zxid may be what fired it: its type
    // and cause are not judged, but it is still due before any reply reflecting the
    // first recorded change that fires it.
    if (mayHide(r.path, R, Ftype === null ? Infinity : F)) {
      const due = firstRecordedFiring(r);
      if (due !== null && notified.has(r.session)) asks.push({ r, e, F: due.z, kind, upTo: Math.min(e.t, moved ?? Infinity) - 1, best: null, at: -1 });
      continue;
    }
    if (moved !== null) {
      // Re-sent by SetWatches: judged by what a member could have fired then, and
      // bounded only by the replies that came on the connection it was made on.
      const present = r.type === 'exists' ? r.outcome.exists === true : true;
      const ok = e.path === r.path && rewatchTypes(kind, present, R, c).has(e.type);
      if (!ok) {
        out.push({
          guarantee: 'watch-cause',
          ops: [r.id],
          message: `op ${r.id} registered a ${kind} watch on ${r.path} at zxid ${hex(R)} and got ${e.type} on ${e.path} after its session reconnected, but neither SetWatches against any later state nor a later change fires that.`,
        });
        continue;
      }
    } else if (Ftype === null || e.type !== Ftype || e.path !== r.path) {
      out.push({
        guarantee: 'watch-cause',
        ops: [r.id],
        message:
          Ftype === null
            ? `op ${r.id} registered a ${kind} watch on ${r.path} at zxid ${hex(R)} and got ${e.type}, but no later change to ${r.path} fires such a watch.`
            : `op ${r.id} registered a ${kind} watch on ${r.path} at zxid ${hex(R)}; the first change that fires it (zxid ${hex(F)}) is ${Ftype}, observed ${e.type} on ${e.path}.`,
      });
      continue;
    }
    // Nor before the write that fired it was invoked.
    const cause = moved === null && Ftype !== null ? writeAt(F) : undefined;
    if (cause && e.t < cause.tInvoke) {
      out.push({
        guarantee: 'watch-cause',
        ops: [r.id, cause.id],
        message: `op ${r.id}'s ${kind} watch on ${r.path} fired (${e.type}) for the change at zxid ${hex(F)}, made by op ${cause.id} invoked at t=${cause.tInvoke}, but the event arrived earlier (t=${e.t}).`,
      });
      continue;
    }
    // Replies strictly before the event (and the move).
    if (notified.has(r.session) && Ftype !== null) asks.push({ r, e, F, kind, upTo: Math.min(e.t, moved ?? Infinity) - 1, best: null, at: -1 });
    if (moved !== null) continue; // SetWatches fires in list order, not zxid order
    let xs = fired.get(r.session);
    if (!xs) fired.set(r.session, (xs = []));
    xs.push({ t: e.t, z: F, op: r.id });
  }
  const silentMoves = silent.length > 0 ? connectionChanges(h, new Set(silent.map((r) => r.session as string))) : new Map<string, Window[]>();
  checkDelivered(
    h,
    silent,
    (session, from, to) => (silentMoves.get(session) ?? []).some((w) => w.lo < to && w.hi > from),
    firstRecordedFiring,
    // Whether the node may be gone again at some zxid in (after, upTo]: a recorded delete, or an unrecorded event there.
    (path, after, upTo) => {
      const c = changes.get(path);
      if (c) for (let i = upperBound(c.z, after); i < c.z.length && c.z[i] <= upTo; i++) if (c.type[i] === 'NodeDeleted') return true;
      return mayHide(path, after, upTo + 1);
    },
    out,
  );
  newestReplies(h, asks);
  for (const { r, e, F, kind, best: q } of asks) {
    if (q === null || !replyReflectsChange(q.zxid, F)) continue;
    out.push({
      guarantee: 'watch-before-data',
      ops: [r.id, q.id],
      message:
        `op ${r.id}'s ${kind} watch on ${r.path} fired (${e.type}) for the change at zxid ${hex(F)}, but the event arrived at t=${e.t}, ` +
        `after op ${q.id}'s reply (t=${q.tComplete}) which already reflects zxid ${hex(q.zxid)} >= ${hex(F)}; the event must come first.`,
    });
  }
  for (const [session, xs] of fired) {
    xs.sort((a, b) => a.t - b.t);
    for (let i = 1; i < xs.length; i++) {
      // In order per connection: a member the session moved to may lag the one before.
      if (movedBetween(session, xs[i - 1].t, xs[i].t) !== null) continue;
      if (xs[i].z < xs[i - 1].z && xs[i].t > xs[i - 1].t) {
        out.push({
          guarantee: 'watch-order',
          ops: [xs[i].op, xs[i - 1].op],
          message: `the event for op ${xs[i].op} (change at zxid ${hex(xs[i].z)}) arrived after the event for op ${xs[i - 1].op} (zxid ${hex(xs[i - 1].z)}); events are delivered in zxid order.`,
        });
        break;
      }
    }
  }
}
