// Normalises parsed lines into the ops the checks work on. A `late` reply turns an op
// recorded as TIMEOUT back into a definite one: the server did answer, and its zxid
// tells us exactly where the op took effect (history-format.md, "late").
import type { HistoryLine, MetaLine, NemesisLine, OpLine, OpType, Outcome, SessionLine, WatchLine } from './types.ts';

const DEFINITE = 1;
const WRITE = 2;
const LATE = 4;

/**
 * One op as the checks read it: its line, and what a late reply or the session it
 * was sent on changes. Whatever the line says is read from it rather than copied
 * (200,000 of these are held through a check).
 */
export class POp {
  /** The session its request went to (an op invoked while connecting: the next one). */
  session: string | null;
  /** ok or error with a zxid: its txn (write) or serving member's (read) zxid; else NaN. */
  zxid: number;
  private flags: number;
  /** When a late reply arrived, if one did. */
  private lateAt: number | undefined = undefined;

  constructor(
    public line: OpLine,
    public outcome: Outcome,
  ) {
    this.session = line.session;
    const definite = isDefinite(outcome);
    this.zxid = definite ? (outcome.zxid as number) : NaN;
    this.flags = (definite ? DEFINITE : 0) | (WRITES.has(line.type) ? WRITE : 0);
  }

  get id(): number {
    return this.line.id;
  }

  get type(): OpType {
    return this.line.type;
  }

  get path(): string | null {
    return this.line.path;
  }

  get tInvoke(): number {
    return this.line.t_invoke;
  }

  /** Time the (possibly late) reply arrived; for info ops the time the client gave up. */
  get tComplete(): number {
    return this.lateAt ?? this.line.t_complete;
  }

  /** ok or error with a zxid: the op's position in zxid order is known. */
  get definite(): boolean {
    return (this.flags & DEFINITE) !== 0;
  }

  get write(): boolean {
    return (this.flags & WRITE) !== 0;
  }

  /** Answered by a late reply (history-format.md, "late"): definite since. */
  get late(): boolean {
    return (this.flags & LATE) !== 0;
  }

  /** The late reply `outcome` (definite) that arrived at time t. */
  answerLate(outcome: Outcome, t: number): void {
    this.outcome = outcome;
    this.zxid = outcome.zxid as number;
    this.lateAt = t;
    this.flags |= DEFINITE | LATE;
  }
}

export interface Prepared {
  meta: MetaLine;
  ops: POp[];
  watches: WatchLine[];
  sessions: SessionLine[];
  nemesis: NemesisLine[];
}

const WRITES: ReadonlySet<OpType> = new Set(['create', 'set', 'delete', 'close_session']);

/** Session lines that say a session's connection is gone (history-format.md, `session`). */
export const CONNECTION_LOST: ReadonlySet<string> = new Set(['DISCONNECTED', 'CLIENT_DROPS_CONNECTION', 'SESSION_EXPIRED']);

/** Times at which some session lost its connection: its session lines, or an op ending in CONNECTIONLOSS. */
export function connectionLosses(h: Prepared): { session: string | null; lo: number; hi: number }[] {
  const out: { session: string | null; lo: number; hi: number }[] = [];
  for (const l of h.sessions) if (CONNECTION_LOST.has(l.event)) out.push({ session: l.session, lo: l.t, hi: l.t });
  for (const p of h.ops) if (p.outcome.error === 'CONNECTIONLOSS') out.push({ session: p.session, lo: p.tInvoke, hi: p.tComplete });
  return out;
}

/**
 * The errors the server decided (history-format.md, "Definite errors"); any other
 * error leaves the outcome unknown, whatever the recorder labelled it.
 */
const DEFINITE_ERRORS: ReadonlySet<string> = new Set(['NONODE', 'NODEEXISTS', 'BADVERSION', 'NOTEMPTY', 'NOCHILDRENFOREPHEMERALS', 'NOAUTH', 'BADARGUMENTS', 'INVALIDACL']);

function isDefinite(o: Outcome): boolean {
  if (typeof o.zxid !== 'number') return false;
  return o.type === 'ok' || (o.type === 'error' && DEFINITE_ERRORS.has(o.error ?? ''));
}

/** Session lines after which a session is over on the client's side (its own close, or given up). */
const SESSION_OVER: ReadonlySet<string> = new Set(['CLOSING', 'CLOSED', 'CLIENT_REPLACES_SESSION', 'ABANDONED', 'SESSION_EXPIRED']);

/**
 * Windows in which the ensemble may have changed leader, as far as the clients saw:
 * a session that stays open lost its connection (a leader change drops every
 * follower's clients), from the loss until the session is connected again or a
 * `healthy` nemesis line names the leader, whichever comes first. A client
 * closing its own session, or a session that expired or was given up, says nothing
 * about the leader: its disconnection follows from the session's end.
 */
export function leaderChangeWindows(h: Prepared): { lo: number; hi: number }[] {
  const endedAt = new Map<string, number>();
  const note = (s: string, t: number) => {
    if (t < (endedAt.get(s) ?? Infinity)) endedAt.set(s, t);
  };
  for (const p of h.ops) if (p.type === 'close_session' && p.session !== null) note(p.session, p.tInvoke);
  for (const l of h.sessions) if (l.session !== null && SESSION_OVER.has(l.event)) note(l.session, l.t);
  // Reconnections per session, in time order.
  const connected = new Map<string, number[]>();
  for (const l of h.sessions) {
    if (l.session === null || l.event !== 'CONNECTED') continue;
    let xs = connected.get(l.session);
    if (!xs) connected.set(l.session, (xs = []));
    xs.push(l.t);
  }
  for (const xs of connected.values()) xs.sort((a, b) => a - b);
  const healthy = h.nemesis.filter((n) => n.action === 'healthy').map((n) => n.t);
  const until = (s: string | null, t: number) => {
    const xs = s === null ? undefined : connected.get(s);
    return Math.min(xs?.find((x) => x > t) ?? Infinity, healthy.filter((x) => x > t).reduce((a, b) => Math.min(a, b), Infinity) ?? Infinity);
  };
  const out: { lo: number; hi: number }[] = [];
  for (const l of h.sessions) {
    if (l.event !== 'DISCONNECTED' && l.event !== 'CLIENT_DROPS_CONNECTION') continue;
    if (l.session !== null && l.t >= (endedAt.get(l.session) ?? Infinity)) continue;
    out.push({ lo: l.t, hi: until(l.session, l.t) });
  }
  for (const p of h.ops) {
    if (p.outcome.error !== 'CONNECTIONLOSS' || p.session === null || p.tInvoke >= (endedAt.get(p.session) ?? Infinity)) continue;
    out.push({ lo: p.tInvoke, hi: Math.max(p.tComplete, until(p.session, p.tComplete)) });
  }
  return out;
}

export function prepare(lines: readonly HistoryLine[]): Prepared {
  let meta: MetaLine | undefined;
  const ops: POp[] = [];
  const watches: WatchLine[] = [];
  const sessions: SessionLine[] = [];
  const nemesis: NemesisLine[] = [];
  const late = new Map<number, { t: number; outcome: Outcome; watch?: OpLine['watch_registered'] }>();
  for (const l of lines) {
    switch (l.kind) {
      case 'meta':
        meta ??= l;
        break;
      case 'op': {
        ops.push(new POp(l, l.outcome));
        break;
      }
      case 'watch':
        watches.push(l);
        break;
      case 'session':
        sessions.push(l);
        break;
      case 'nemesis':
        nemesis.push(l);
        break;
      case 'late':
        // One late line per op (the reader refuses a second: parse.ts); only a definite one is a reply.
        if (!late.has(l.op) && isDefinite(l.outcome)) late.set(l.op, { t: l.t, outcome: l.outcome, watch: l.watch_registered });
        break;
      default:
        break;
    }
  }
  const byId = late.size > 0 ? new Map(ops.map((p) => [p.id, p])) : new Map<number, POp>();
  for (const [id, r] of late) {
    const p = byId.get(id);
    if (!p || p.definite) continue;
    p.answerLate(r.outcome, r.t);
    // A watch the late reply set is judged like any other registration.
    if (r.watch && !p.line.watch_registered) p.line = { ...p.line, watch_registered: r.watch };
  }
  // An op invoked while its client's new session was still connecting is sent once
  // it connects: it belongs to the session of the client's next CONNECTED line.
  if (ops.some((p) => p.session === null)) {
    const connected = sessions.filter((l) => l.event === 'CONNECTED' && l.session !== null).sort((a, b) => a.t - b.t);
    for (const p of ops) {
      if (p.session !== null) continue;
      const c = connected.find((l) => l.client === p.line.client && l.t >= p.tInvoke && l.t <= p.tComplete);
      if (c) p.session = c.session;
    }
  }
  let sorted = true;
  for (let i = 1; i < ops.length && sorted; i++) sorted = ops[i - 1].tInvoke < ops[i].tInvoke || (ops[i - 1].tInvoke === ops[i].tInvoke && ops[i - 1].id < ops[i].id);
  if (!sorted) ops.sort((a, b) => a.tInvoke - b.tInvoke || a.id - b.id);
  return { meta: meta ?? { kind: 'meta', format: 'zk-history/1', root: '/' }, ops, watches, sessions, nemesis };
}
