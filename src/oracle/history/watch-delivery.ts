// The two halves of watch delivery that look at a registration and its events as a
// whole rather than at one event:
// - an event goes only to a registration: a `watch` line (or an op's `watch_events`)
//   naming an op that set no watch was not sent by ZooKeeper (a server fires only the
//   watches it holds, WatchManager.triggerWatch);
// - a registration whose change happened gets its event before any reply reflecting
//   that change (history-format.md, "Watches"), so one that got no event at all while
//   its session went on to receive such a reply lost it. The member that answers that
//   reply applied the change first and queued the notification ahead of the reply on
//   the same connection; after a move, SetWatches carries the registration with the
//   last zxid the client saw, and the new member fires at once for a change past it
//   (DataTree.setWatches), again before any later reply. Except for a watch on a node's
//   existence: SetWatches fires it only if the node is there now, so a node created and
//   deleted while the client was away never fires it (the one lost watch the
//   Programmer's Guide names, "Things to Remember about Watches"). Such a registration,
//   when its node may be gone again by the reply, is judged only by replies on the
//   connection it was made on.
import { hex } from './order.ts';
import type { POp, Prepared } from './prepare.ts';
import type { Violation } from './types.ts';

/** Events naming an op that registered no watch (its line, or a late reply, says which it set). */
export function checkRegistered(h: Prepared, out: Violation[]): void {
  const byId = new Map<number, POp>();
  const named = new Map<number, string>();
  for (const p of h.ops) {
    if (p.line.watch_registered) continue;
    byId.set(p.id, p);
    const e = p.line.watch_events?.[0];
    if (e) named.set(p.id, `${e.type} on ${e.path} (t=${e.t})`);
  }
  if (byId.size === 0) return;
  for (const w of h.watches) for (const id of w.ops) if (byId.has(id) && !named.has(id)) named.set(id, `${w.type} on ${w.path} (t=${w.t})`);
  for (const [id, ev] of named) {
    const p = byId.get(id) as POp;
    out.push({
      guarantee: 'watch-cause',
      ops: [id],
      message: `op ${id} (${p.type}${p.path === null ? '' : ` ${p.path}`}) set no watch, yet the event ${ev} is recorded as its registration's; a member fires only the watches it holds.`,
    });
  }
}

/**
 * `silent`: definite registrations that got no event. `moved`: whether the session may
 * have changed connection in a time window. `firing(r)`: the first recorded write after
 * r's zxid that fires it, or null when none does (then nothing is judged).
 * `mayVanish(path, after, upTo)`: whether the node may have been deleted at a zxid in
 * (after, upTo].
 */
export function checkDelivered(
  h: Prepared,
  silent: readonly POp[],
  moved: (session: string, from: number, to: number) => boolean,
  firing: (r: POp) => { z: number; type: string } | null,
  mayVanish: (path: string, after: number, upTo: number) => boolean,
  out: Violation[],
): void {
  if (silent.length === 0) return;
  const sessions = new Set<string>();
  for (const r of silent) sessions.add(r.session as string);
  // Each session's definite replies in arrival order. A close_session's own reply is
  // left out: the close deletes the session's ephemerals and drops its watches in one
  // txn, and whether the closing connection still gets their events is not promised.
  const replies = new Map<string, POp[]>();
  for (const p of h.ops) {
    if (!p.definite || p.session === null || !sessions.has(p.session) || p.type === 'close_session') continue;
    const xs = replies.get(p.session);
    if (xs) xs.push(p);
    else replies.set(p.session, [p]);
  }
  for (const xs of replies.values()) xs.sort((a, b) => a.tComplete - b.tComplete);
  for (const r of silent) {
    const f = firing(r);
    if (f === null) continue;
    const xs = replies.get(r.session as string) ?? [];
    let lo = 0;
    for (let hi = xs.length; lo < hi; ) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid].tComplete <= r.tComplete) lo = mid + 1;
      else hi = mid;
    }
    let q: POp | undefined;
    for (let i = lo; i < xs.length && q === undefined; i++) if (xs[i].zxid >= f.z) q = xs[i];
    if (q === undefined) continue;
    if (r.line.watch_registered === 'exist' && moved(r.session as string, r.tComplete, q.tComplete) && mayVanish(r.path as string, f.z, q.zxid)) continue;
    out.push({
      guarantee: 'watch-before-data',
      ops: [r.id, q.id],
      message:
        `op ${r.id} (${r.type} ${r.path}) registered a ${r.line.watch_registered} watch at zxid ${hex(r.zxid)}; the change at zxid ${hex(f.z)} (${f.type}) fires it, ` +
        `and op ${q.id}'s reply (zxid ${hex(q.zxid)}) already reflects that change, but the session never received the event.`,
    });
  }
}
