// The events the history leaves without a zxid ("hidden" events): indeterminate (info)
// writes, which may or may not have taken effect, possibly later, and the unrecorded
// expiry of a session that still owns ephemerals. Each gets the window of zxids the
// guarantees allow it (session FIFO, real time, before its session's end); a placement
// assigns some of them free zxids in their windows, and valid/validDiff say whether a
// placement keeps every constraint.
import { lowerBound } from '../../../models/znode/sset.ts';
import { parentOf, type Txn } from '../../../models/znode/tree.ts';
import { isEphemeralMode, isSequentialMode, txnOf } from './compare.ts';
import type { POp } from './prepare.ts';
import type { Replay } from './replay.ts';

export interface Hidden {
  hid: number;
  /** An indeterminate write, or the unrecorded expiry (close) of a session. */
  kind: 'op' | 'end';
  op: POp | null;
  session: string;
  /** Exclusive bounds on the zxid it may take effect at. */
  lo: number;
  hi: number;
  /** Paths whose node it may change (a create/delete also changes the parent). */
  touches: ReadonlySet<string>;
  /** Free zxids at which an observation of its unique value places it. */
  hints: number[];
}

export type Placement = ReadonlyMap<number, number>;
/** A change to a placement: event -> new zxid, or null to drop it. */
export type Diff = [number, number | null][];

/** Fills r.hidden, r.endHid and r.sessionHidden from the prepared history. */
export function buildHidden(r: Replay): void {
  const ops = r.h.ops;
  // Nothing is hidden when every write is definite and every session with ephemerals closed.
  let any = false;
  const ephemeralOwners = new Set<string>();
  for (const p of ops) {
    if (p.session === null) continue;
    if (!p.definite && p.write) any = true;
    else if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) ephemeralOwners.add(p.session);
  }
  for (const s of ephemeralOwners) if (!r.closedAt.has(s)) any = true;
  if (!any) return;
  // Real time: a hidden op takes effect after it was invoked, so after every zxid
  // some client had already received. Asked only at the invocations of indeterminate
  // writes: each reply raises the answer at the first of them after it arrived, and a
  // running maximum carries it to the later ones (one pass, no sort of the replies).
  const asks = ops
    .filter((p) => p.session !== null && !p.definite && p.write && p.type !== 'close_session')
    .map((p) => p.tInvoke)
    .sort((a, b) => a - b);
  const seenBy = new Array<number>(asks.length).fill(-1);
  for (const p of ops) {
    if (!p.definite) continue;
    let k = lowerBound(asks, p.tComplete);
    while (k < asks.length && asks[k] === p.tComplete) k++;
    if (k < asks.length && p.zxid > seenBy[k]) seenBy[k] = p.zxid;
  }
  for (let i = 1; i < seenBy.length; i++) seenBy[i] = Math.max(seenBy[i], seenBy[i - 1]);
  /** The largest zxid a reply that arrived before t (one of asks) carried, or -1. */
  const committedBefore = (t: number) => seenBy[lowerBound(asks, t)];
  const bySession = new Map<string, POp[]>();
  for (const p of ops) {
    if (p.session === null) continue;
    let xs = bySession.get(p.session);
    if (!xs) bySession.set(p.session, (xs = []));
    xs.push(p);
  }
  // Unique written values identify the write an observation saw (history-format:
  // "a write's value is unique").
  const infoByValue = new Map<string, POp>();
  for (const p of ops) {
    if (p.definite || p.session === null) continue;
    if ((p.type === 'set' || p.type === 'create') && typeof p.line.args.value === 'string') infoByValue.set(p.line.args.value, p);
  }
  const hints = new Map<number, number[]>();
  if (infoByValue.size > 0) {
    for (const p of ops) {
      if (!p.definite || p.type !== 'get' || p.outcome.type !== 'ok') continue;
      const v = p.outcome.value;
      const st = p.outcome.stat;
      if (typeof v !== 'string' || !st) continue;
      const w = infoByValue.get(v);
      if (!w) continue;
      const pathOk = w.type === 'set' ? p.path === w.path : isSequentialMode(w.line.args.mode) ? p.path!.startsWith(w.path!) : p.path === w.path;
      if (!pathOk) continue;
      const z = w.type === 'set' ? st.mzxid : st.czxid;
      let xs = hints.get(w.id);
      if (!xs) hints.set(w.id, (xs = []));
      if (!xs.includes(z)) xs.push(z);
    }
  }
  for (const [s, xs] of bySession) {
    let lastZ = -1;
    const ephPaths = new Set<string>();
    for (let i = 0; i < xs.length; i++) {
      const p = xs[i];
      if (p.definite) {
        lastZ = Math.max(lastZ, p.zxid);
        if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) {
          const cp = p.outcome.created_path ?? p.path!;
          ephPaths.add(cp);
          ephPaths.add(parentOf(cp) ?? '/');
        }
        continue;
      }
      if (!p.write) continue;
      if (p.type === 'close_session') continue; // an indeterminate close is the session's end event
      // FIFO: before the session's later writes take effect.
      let hi = r.closedAt.get(s) ?? Infinity;
      for (let j = i + 1; j < xs.length; j++) {
        const q = xs[j];
        if (q.definite && q.write) {
          hi = Math.min(hi, q.zxid);
          break;
        }
      }
      const lo = Math.max(lastZ, committedBefore(p.tInvoke));
      const path = p.path!;
      const parent = parentOf(path) ?? '/';
      const touches = new Set<string>();
      if (p.type === 'set') touches.add(path);
      else {
        if (!(p.type === 'create' && isSequentialMode(p.line.args.mode))) touches.add(path);
        touches.add(parent);
      }
      if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) for (const x of touches) ephPaths.add(x);
      if (hi <= lo + 1) continue; // no zxid left for it: it did not take effect
      let hs = r.sessionHidden.get(s);
      if (!hs) r.sessionHidden.set(s, (hs = []));
      hs.push(r.hidden.length);
      r.hidden.push({ hid: r.hidden.length, kind: 'op', op: p, session: s, lo, hi, touches, hints: hints.get(p.id) ?? [] });
    }
    // An expiry happens after the session last heard from the ensemble; a session with
    // a definite close cannot also expire. Without ephemerals it changes no node.
    if (!r.closedAt.has(s) && ephPaths.size > 0) {
      r.endHid.set(s, r.hidden.length);
      r.hidden.push({ hid: r.hidden.length, kind: 'end', op: null, session: s, lo: lastZ, hi: Infinity, touches: ephPaths, hints: [] });
    }
  }
}

export function hiddenTxn(hd: Hidden): Txn | null {
  return hd.kind === 'end' ? { type: 'closeSession', session: hd.session } : txnOf(hd.op!);
}

/** The guarantees' constraints on a set of placements (each checked lazily on use). */
export function valid(r: Replay, P: Placement): boolean {
  const used = new Set<number>();
  for (const [hid, g] of P) {
    const hd = r.hidden[hid];
    if (!(g > hd.lo && g < hd.hi) || r.knownZ.has(g) || used.has(g)) return false;
    used.add(g);
    if (hd.kind === 'op') {
      // A session's requests take effect before its end.
      const e = r.endHid.get(hd.session);
      const ge = e === undefined ? undefined : P.get(e);
      if (ge !== undefined && g > ge) return false;
    }
  }
  return true;
}

/** valid(P changed by d), checking only the constraints the changed events take part in. */
export function validDiff(r: Replay, P: Placement, d: Diff, usedBy: ReadonlyMap<number, number>): boolean {
  const changed = new Map(d);
  const at = (hid: number) => (changed.has(hid) ? changed.get(hid) : P.get(hid));
  const mine = new Set<number>();
  for (const [hid, g] of d) {
    if (g === null) continue;
    const hd = r.hidden[hid];
    if (!(g > hd.lo && g < hd.hi) || r.knownZ.has(g) || mine.has(g)) return false;
    const other = usedBy.get(g);
    if (other !== undefined && other !== hid && !changed.has(other)) return false;
    mine.add(g);
    // A session's requests take effect before its end.
    if (hd.kind === 'op') {
      const e = r.endHid.get(hd.session);
      const ge = e === undefined ? undefined : at(e);
      if (ge !== undefined && ge !== null && g > ge) return false;
    } else {
      for (const o of r.sessionHidden.get(hd.session) ?? []) {
        const go = at(o);
        if (go !== undefined && go !== null && go > g) return false;
      }
    }
  }
  return true;
}
