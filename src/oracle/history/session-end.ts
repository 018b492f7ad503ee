// A session serves nothing once it has ended: after its close_session was answered, or
// after the client was told SESSION_EXPIRED, the ensemble has no such session, and any
// request sent on it is refused (SESSIONEXPIRED) or never sent. A definite reply to a
// request invoked on it later cannot have come from ZooKeeper (history-format.md,
// "Ephemerals": the session is gone at its close or expiry).
import { hex } from './order.ts';
import type { Prepared } from './prepare.ts';
import type { Violation } from './types.ts';

export function checkSessionEnds(h: Prepared, out: Violation[]): void {
  /** Per session, the earliest time it is known to be over, and what says so. */
  const ended = new Map<string, { t: number; why: string; op: number | null }>();
  const note = (s: string, t: number, why: string, op: number | null) => {
    const e = ended.get(s);
    if (!e || t < e.t) ended.set(s, { t, why, op });
  };
  for (const p of h.ops) {
    if (p.type === 'close_session' && p.definite && p.outcome.type === 'ok' && p.session !== null)
      note(p.session, p.tComplete, `its close_session (op ${p.id}) was answered at zxid ${hex(p.zxid)}`, p.id);
  }
  for (const l of h.sessions) if (l.event === 'SESSION_EXPIRED' && l.session !== null) note(l.session, l.t, `the client was told SESSION_EXPIRED at t=${l.t}`, null);
  if (ended.size === 0) return;
  const reported = new Set<string>();
  for (const p of h.ops) {
    if (!p.definite || p.session === null || reported.has(p.session)) continue;
    const e = ended.get(p.session);
    if (!e || p.tInvoke <= e.t) continue;
    reported.add(p.session);
    out.push({
      guarantee: 'session-lifetime',
      ops: e.op === null ? [p.id] : [p.id, e.op],
      message: `op ${p.id} (${p.type}${p.path === null ? '' : ` ${p.path}`}) was invoked on session ${p.session} at t=${p.tInvoke} and answered ${p.outcome.type} at zxid ${hex(p.zxid)}, but ${e.why}: an ended session serves nothing.`,
    });
  }
}
