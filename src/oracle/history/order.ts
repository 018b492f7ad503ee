// Checks that need only zxids and times, not the tree: real-time order of writes,
// per-session FIFO, monotonic reads / read-your-writes, and sync freshness.
// Each is one pass over the ops (plus a sort), so they stay linear-ish at any size.
import { leaderChangeWindows, type POp, type Prepared } from './prepare.ts';
import { afterReply, NOTHING_SEEN, sessionOrderBroken, type SessionSeen } from '../guarantees.ts';
import type { Violation } from './types.ts';

export function hex(z: number): string {
  return Number.isFinite(z) ? '0x' + z.toString(16) : String(z);
}

function opDesc(p: POp): string {
  const path = p.type === 'close_session' ? '' : ` ${p.path}`;
  return `op ${p.id} (${p.type}${path}, session ${p.session ?? 'none'})`;
}

/** Whether a member may have been leading at some time in [t0, t1]. */
export type MayLead = (server: string | null | undefined, t0: number, t1: number) => boolean;

/**
 * Who led when, as far as the history says: the meta line's `role_at_start`, then
 * unknown from any nemesis action until a `healthy` line names each member's mode;
 * and, besides, any member while a session that stays open has lost its connection
 * (leaderChangeWindows: a leader change drops every follower's clients, so an
 * unrecorded one shows up as one). Where nothing says, any member may have led.
 */
export function leadership(h: Prepared): MayLead {
  const leaderOf = (xs: unknown, role: string): string | null => {
    if (!Array.isArray(xs)) return null;
    const ls = xs.filter((m) => m && typeof m === 'object' && (m as Record<string, unknown>)[role] === 'leader');
    const name = ls.length === 1 ? (ls[0] as Record<string, unknown>).name : null;
    return typeof name === 'string' ? name : null;
  };
  // Periods from t on: the one known leader, or null (unknown).
  const from: number[] = [-Infinity];
  const leader: (string | null)[] = [leaderOf(h.meta.ensemble, 'role_at_start')];
  const marks = h.nemesis.map((n) => ({ t: n.t, leader: n.action === 'healthy' ? leaderOf(n.members, 'mode') : null }));
  for (const m of marks.sort((a, b) => a.t - b.t)) {
    from.push(m.t);
    leader.push(m.leader);
  }
  const lost = leaderChangeWindows(h);
  return (server, t0, t1) => {
    if (typeof server !== 'string') return true;
    for (const w of lost) if (w.lo <= t1 && w.hi >= t0) return true;
    for (let i = 0; i < from.length; i++) {
      const end = i + 1 < from.length ? from[i + 1] : Infinity;
      if (end < t0 || from[i] > t1) continue;
      if (leader[i] === null || leader[i] === server) return true;
    }
    return false;
  };
}

/**
 * "Writes are linearizable, in zxid order, consistent with real time": once a reply
 * carrying zxid Z reached a client, Z was committed, so any write invoked later must
 * get a larger zxid. A sync through a follower is handled by the leader after it is
 * invoked, and the leader's SYNC follows every COMMIT it sent before, so its reply
 * zxid is at least every zxid already seen by anyone ("sync then a read gives a read
 * at least as new as the leader's state when it handled the sync"). A sync on the
 * leader itself is not: the leader's CommitProcessor answers it like a read, from an
 * applied state that may trail a txn the quorum committed and a follower has already
 * answered, so a sync a leader may have served is bounded only by the replies that
 * member had already sent (one member's applied state never goes back).
 * Reads are not constrained here: they may be served by a lagging member.
 */
export function checkRealTime(ops: readonly POp[], mayLead: MayLead, out: Violation[]): void {
  const byComplete = ops.filter((p) => p.definite).sort((a, b) => a.tComplete - b.tComplete);
  let k = 0;
  let maxZ = -Infinity;
  let maxOp: POp | undefined;
  // Per member: the newest reply it had sent (its applied state never goes back).
  const byMember = new Map<string, POp>();
  for (const p of ops) {
    if (!p.definite) continue;
    while (k < byComplete.length && byComplete[k].tComplete < p.tInvoke) {
      const q = byComplete[k++];
      if (q.zxid > maxZ) {
        maxZ = q.zxid;
        maxOp = q;
      }
      const m = q.outcome.server;
      if (m) {
        const b = byMember.get(m);
        if (!b || q.zxid > b.zxid) byMember.set(m, q);
      }
    }
    if (!maxOp) continue;
    if (p.write && p.zxid <= maxZ) {
      out.push({
        guarantee: 'real-time-order',
        ops: [p.id, maxOp.id],
        message: `${opDesc(p)} was invoked after ${opDesc(maxOp)} had completed with zxid ${hex(maxZ)}, ` + `so its txn must have a larger zxid; observed ${hex(p.zxid)}.`,
      });
    } else if (p.type === 'sync' && p.zxid < maxZ) {
      const member = p.outcome.server ?? p.line.server;
      // A member the leader may have been: only its own earlier replies bound it.
      const led = mayLead(member, p.tInvoke, p.tComplete);
      const q = led ? (member ? byMember.get(member) : undefined) : maxOp;
      if (q && p.zxid < q.zxid) {
        out.push({
          guarantee: 'sync',
          ops: [p.id, q.id],
          message:
            `${opDesc(p)} was invoked after ${opDesc(q)} had completed with zxid ${hex(q.zxid)}` +
            (led ? ` through the same member ${member}` : '') +
            `; the sync must return a state at least that new; observed zxid ${hex(p.zxid)}.`,
        });
      }
    }
  }
}

/**
 * "Each write txn has its own zxid": two writes (ok or error, both commit a txn) that
 * report the same zxid cannot both be right.
 */
export function checkDistinctZxids(ops: readonly POp[], out: Violation[]): void {
  // Sorted, the zxids show a repeat next to each other; only then are the ops named.
  let n = 0;
  for (const p of ops) if (p.write && p.definite) n++;
  const zs = new Float64Array(n);
  n = 0;
  for (const p of ops) if (p.write && p.definite) zs[n++] = p.zxid;
  zs.sort();
  let repeated = false;
  for (let i = 1; i < n && !repeated; i++) repeated = zs[i] === zs[i - 1];
  if (!repeated) return;
  const seen = new Map<number, POp>();
  for (const p of ops) {
    if (!p.write || !p.definite) continue;
    const q = seen.get(p.zxid);
    if (q === undefined) {
      seen.set(p.zxid, p);
      continue;
    }
    out.push({
      guarantee: 'linearizable-writes',
      ops: [p.id, q.id],
      message: `${opDesc(p)} and ${opDesc(q)} both report txn zxid ${hex(p.zxid)}; each write commits its own txn, with its own zxid.`,
    });
  }
}

/**
 * Per session (also across reconnects: the key is the session id, not the connection):
 * - FIFO: requests take effect in invocation order, so a write's zxid exceeds the zxid
 *   of every earlier request of the session; and replies arrive in invocation order.
 * - a read never returns an older state than the session has seen (monotonic reads)
 *   and always includes the session's own earlier writes (read-your-writes).
 */
export function checkSessions(ops: readonly POp[], out: Violation[]): void {
  // One pass: ops are already in invocation order (prepare sorts by t_invoke, then
  // id), and so is each session's part of them.
  const sessions = new Map<string, SessionState>();
  for (const p of ops) {
    if (!p.definite || p.session === null) continue;
    let s = sessions.get(p.session);
    if (!s) sessions.set(p.session, (s = { view: NOTHING_SEEN, seen: undefined, wrote: undefined, answered: undefined }));
    let { view, seen, wrote, answered } = s;
    const broken = sessionOrderBroken(view, p.write, p.zxid);
    if (broken === 'session-fifo' && seen) {
      out.push({
        guarantee: 'session-fifo',
        ops: [p.id, seen.id],
        message: `${opDesc(p)} was issued after ${opDesc(seen)} in the same session, so it must take effect ` + `after it: expected a zxid > ${hex(seen.zxid)}, observed ${hex(p.zxid)}.`,
      });
    } else if (broken === 'read-your-writes' && wrote) {
      out.push({
        guarantee: 'read-your-writes',
        ops: [p.id, wrote.id],
        message: `${opDesc(p)} was served at zxid ${hex(p.zxid)}, older than the session's own earlier write ` + `${opDesc(wrote)} at ${hex(wrote.zxid)}.`,
      });
    } else if (broken === 'monotonic-reads' && seen) {
      out.push({
        guarantee: 'monotonic-reads',
        ops: [p.id, seen.id],
        message: `${opDesc(p)} was served at zxid ${hex(p.zxid)}, older than zxid ${hex(seen.zxid)} ` + `the session had already seen in ${opDesc(seen)}.`,
      });
    }
    // Late replies and close_session (whose completion waits for the connection to
    // close) carry no reliable reply time.
    if (!p.late && p.type !== 'close_session') {
      if (answered && p.tComplete < answered.tComplete) {
        out.push({
          guarantee: 'session-fifo',
          ops: [p.id, answered.id],
          message: `${opDesc(p)} was issued after ${opDesc(answered)} in the same session but answered before it ` + `(t_complete ${p.tComplete} < ${answered.tComplete}).`,
        });
      }
      if (!answered || p.tComplete > answered.tComplete) answered = p;
    }
    if (!seen || p.zxid > seen.zxid) seen = p;
    if (p.write && (!wrote || p.zxid > wrote.zxid)) wrote = p;
    view = afterReply(view, p.write, p.zxid);
    s.view = view;
    s.seen = seen;
    s.wrote = wrote;
    s.answered = answered;
  }
}

/** What a session's replies so far showed (checkSessions). */
interface SessionState {
  view: SessionSeen;
  /** The op whose reply carried the highest zxid so far. */
  seen: POp | undefined;
  /** The session's own write with the highest zxid. */
  wrote: POp | undefined;
  /** The latest reply so far. */
  answered: POp | undefined;
}
