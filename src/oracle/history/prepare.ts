// Normalises parsed lines into the ops the checks work on. A `late` reply turns an op
// recorded as TIMEOUT back into a definite one: the server did answer, and its zxid
// tells us exactly where the op took effect (history-format.md, "late").
import type { HistoryLine, MetaLine, NemesisLine, OpLine, OpType, Outcome, SessionLine, WatchLine } from './types.ts';

export interface POp {
  id: number;
  line: OpLine;
  session: string | null;
  type: OpType;
  path: string | null;
  tInvoke: number;
  /** Time the (possibly late) reply arrived; for info ops the time the client gave up. */
  tComplete: number;
  outcome: Outcome;
  /** ok or error with a zxid: the op's position in zxid order is known. */
  definite: boolean;
  zxid: number;
  write: boolean;
  late: boolean;
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
        const definite = isDefinite(l.outcome);
        const p: POp = {
          id: l.id,
          line: l,
          session: l.session,
          type: l.type,
          path: l.path,
          tInvoke: l.t_invoke,
          tComplete: l.t_complete,
          outcome: l.outcome,
          definite,
          zxid: definite ? (l.outcome.zxid as number) : NaN,
          write: WRITES.has(l.type),
          late: false,
        };
        ops.push(p);
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
        // The first definite late reply wins; a later duplicate cannot change history.
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
    p.outcome = r.outcome;
    p.definite = true;
    p.zxid = r.outcome.zxid as number;
    p.tComplete = r.t;
    p.late = true;
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
