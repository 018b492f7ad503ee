// Geometry-free facts the HTML report draws: which rows exist, which event sits
// on which row, where each message went (send/deliver pairing), when nodes were
// down and which side of a partition they were on. Pure and deterministic.
import type { TraceEvent } from '../trace/events.ts';
import { violatingEvent } from '../trace/slice.ts';
import type { TraceFile } from '../trace/format.ts';

export type Phase = TraceEvent['phase'];

export type Row = { kind: 'phase'; phase: Phase } | { kind: 'events'; events: number[] };

/** How a message's life ended. */
export type Fate =
  | 'delivered'
  /** The network dropped this packet (datagram drop). */
  | 'dropped'
  /** Lost with its connection (FIFO links: crash, connection break, partition, or sent to an unreachable peer). */
  | 'lost'
  /** Still in flight when the trace ends. */
  | 'pending';

export interface Arrow {
  from: string;
  to: string;
  text: string;
  type: string;
  /** Event that put this copy on the wire: the sender's step, or the network's duplicate step. */
  src: number;
  /** Event that ended it (delivery, drop, loss), or null while pending. */
  dst: number | null;
  fate: Fate;
  /** This copy was made by a duplicate action. */
  dup: boolean;
}

export interface Span {
  lane: string;
  /** Event index where the span starts, and where it ends (null: runs to the end). */
  start: number;
  end: number | null;
}

export interface Layout {
  rows: Row[];
  /** Row index of each event. */
  rowOf: number[];
  arrows: Arrow[];
  down: Span[];
  /** Lanes on the minority-numbered side of an active partition. */
  cut: Span[];
  /** Index of the event that broke the invariant, if any. */
  violation: number | null;
  /** Message type names in order of first appearance (the colour key). */
  types: string[];
  /** Whether the trace shows FIFO links (connection breaks or break notices). */
  fifo: boolean;
}

/** The leading identifier of a rendered message, e.g. "Promise" for "Promise(1.0, none)". */
export function messageType(text: string): string {
  const m = /^[A-Za-z_][\w-]*/.exec(text.trim());
  return m ? m[0] : 'message';
}

function msgKey(from: string, to: string, msg: unknown, text: string | undefined): string {
  return `${from}\u0000${to}\u0000${msg === undefined ? `text:${text ?? ''}` : JSON.stringify(msg)}`;
}

function startRowEvents(events: TraceEvent[]): number[] | null {
  // All start notices share step 0; one row with a dot per node reads better than
  // one row per node, as long as each node starts once.
  const idx: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < events.length && events[i].phase === 'start'; i++) {
    const e = events[i];
    if (e.action !== 'start' || e.node === undefined || seen.has(e.node)) return null;
    seen.add(e.node);
    idx.push(i);
  }
  return idx.length > 1 ? idx : null;
}

export function layout(t: TraceFile): Layout {
  const ev = t.events;
  const rows: Row[] = [];
  const rowOf: number[] = new Array(ev.length).fill(0);
  const merged = startRowEvents(ev);
  let phase: Phase | null = null;
  for (let i = 0; i < ev.length; i++) {
    if (ev[i].phase !== phase) {
      phase = ev[i].phase;
      rows.push({ kind: 'phase', phase });
    }
    if (merged !== null && i === merged[0]) {
      rows.push({ kind: 'events', events: merged });
      for (const j of merged) rowOf[j] = rows.length - 1;
      i = merged[merged.length - 1];
      continue;
    }
    rows.push({ kind: 'events', events: [i] });
    rowOf[i] = rows.length - 1;
  }

  const fifo = ev.some((e) => (e.action === 'drop' && e.text === undefined && e.msg === undefined) || e.linkDown === true);
  const arrows: Arrow[] = [];
  const inFlight = new Map<string, Arrow[]>();
  const types: string[] = [];
  const typeSeen = new Set<string>();
  const noteType = (ty: string) => {
    if (!typeSeen.has(ty)) {
      typeSeen.add(ty);
      types.push(ty);
    }
  };
  const take = (e: TraceEvent): Arrow | null => {
    const q = inFlight.get(msgKey(e.from ?? '', e.to ?? '', e.msg, e.text));
    // Earliest copy first: the head of a FIFO link, and a fair guess for datagrams.
    return q && q.length > 0 ? q.shift()! : null;
  };
  const loseWhere = (i: number, pred: (a: Arrow) => boolean) => {
    for (const q of inFlight.values()) {
      for (let k = q.length - 1; k >= 0; k--) {
        if (pred(q[k])) {
          q[k].fate = 'lost';
          q[k].dst = i;
          q.splice(k, 1);
        }
      }
    }
  };
  const crashed = new Set<string>();
  let sides: Map<string, number> | null = null;
  const down: Span[] = [];
  const openDown = new Map<string, Span>();
  const cut: Span[] = [];
  let openCut: Span[] = [];
  const closeCut = (i: number) => {
    for (const s of openCut) s.end = i;
    openCut = [];
  };

  for (let i = 0; i < ev.length; i++) {
    const e = ev[i];
    switch (e.action) {
      case 'deliver':
      case 'drop': {
        if (e.linkDown || (e.action === 'drop' && e.text === undefined && e.msg === undefined)) {
          if (e.action === 'drop' && fifo) loseWhere(i, (a) => (a.from === e.from && a.to === e.to) || (a.from === e.to && a.to === e.from));
          break;
        }
        const a = take(e);
        if (a !== null) {
          a.fate = e.action === 'deliver' ? 'delivered' : 'dropped';
          a.dst = i;
        }
        break;
      }
      case 'duplicate': {
        const text = e.text ?? '';
        const ty = messageType(text);
        noteType(ty);
        const a: Arrow = { from: e.from ?? '', to: e.to ?? '', text, type: ty, src: i, dst: null, fate: 'pending', dup: true };
        arrows.push(a);
        const k = msgKey(a.from, a.to, e.msg, e.text);
        inFlight.set(k, [...(inFlight.get(k) ?? []), a]);
        break;
      }
      case 'crash':
        if (e.node !== undefined) {
          crashed.add(e.node);
          const s: Span = { lane: e.node, start: i, end: null };
          down.push(s);
          openDown.set(e.node, s);
          if (fifo) loseWhere(i, (a) => a.from === e.node || a.to === e.node);
        }
        break;
      case 'restart':
        if (e.node !== undefined) {
          crashed.delete(e.node);
          const s = openDown.get(e.node);
          if (s) s.end = i;
          openDown.delete(e.node);
        }
        break;
      case 'partition': {
        closeCut(i);
        const g = e.groups ?? [];
        sides = new Map();
        g.forEach((side, k) => side.forEach((n) => sides!.set(n, k)));
        for (const n of g[1] ?? []) {
          const s: Span = { lane: n, start: i, end: null };
          cut.push(s);
          openCut.push(s);
        }
        if (fifo) {
          const sd = sides;
          loseWhere(i, (a) => sd.has(a.from) && sd.has(a.to) && sd.get(a.from) !== sd.get(a.to));
        }
        break;
      }
      case 'heal':
        closeCut(i);
        sides = null;
        break;
      default:
        break;
    }
    if (e.sends && e.node !== undefined) {
      for (const s of e.sends) {
        const ty = messageType(s.text);
        noteType(ty);
        const a: Arrow = { from: e.node, to: s.to, text: s.text, type: ty, src: i, dst: null, fate: 'pending', dup: false };
        arrows.push(a);
        const unreachable = crashed.has(s.to) || (sides !== null && sides.get(s.to) !== sides.get(e.node));
        if (fifo && unreachable) {
          // Over TCP the scheduler never queues this: there is no connection.
          a.fate = 'lost';
          a.dst = i;
          continue;
        }
        const k = msgKey(a.from, a.to, s.msg, s.text);
        const q = inFlight.get(k);
        if (q) q.push(a);
        else inFlight.set(k, [a]);
      }
    }
  }

  return { rows, rowOf, arrows, down, cut, violation: violatingEvent(t), types, fifo };
}
