// The client guarantees of "What ZooKeeper promises" (../shared/history-format.md),
// each stated once and used by both judges: the zk model's properties
// (properties/zk.ts, on the ghost's view of a simulated run) and check-history
// (src/oracle/history, on a recorded one). Each is a pure predicate over the few
// numbers the guarantee is about; the callers only differ in where they read them.
import type { WatchEventType } from '../../models/znode/types.ts';
import { FIRED_KINDS, type WatchKind } from '../../models/znode/watches.ts';

/** What a session has observed so far: the newest zxid in any reply, and of its own writes. */
export interface SessionSeen {
  readonly seen: number;
  readonly wrote: number;
}

export const NOTHING_SEEN: SessionSeen = { seen: -1, wrote: -1 };

export type SessionGuarantee = 'session-fifo' | 'read-your-writes' | 'monotonic-reads';

/**
 * Session FIFO, read-your-writes and monotonic reads, judged at one reply of zxid z:
 * a write issued after the session saw zxid S takes effect after it (z > S); a read
 * never returns a state older than the session's own writes, nor than anything it has
 * seen (z >= S). Null when the reply keeps all three.
 */
export function sessionOrderBroken(s: SessionSeen, write: boolean, z: number): SessionGuarantee | null {
  if (write) return z <= s.seen ? 'session-fifo' : null;
  if (z < s.wrote) return 'read-your-writes';
  if (z < s.seen) return 'monotonic-reads';
  return null;
}

/** The session's view after that reply. */
export function afterReply(s: SessionSeen, write: boolean, z: number): SessionSeen {
  const seen = Math.max(s.seen, z);
  const wrote = write ? Math.max(s.wrote, z) : s.wrote;
  return seen === s.seen && wrote === s.wrote ? s : { seen, wrote };
}

/**
 * Watch before data, the cause half: the first change after `since` (the zxid the
 * watch was registered at) that fires a watch of `kind` on `path`, from changes in
 * zxid order; null if none does.
 */
export function firstFiring<C extends { readonly z: number; readonly type: WatchEventType; readonly path: string }>(changes: Iterable<C>, path: string, kind: WatchKind, since: number): C | null {
  for (const c of changes) if (c.z > since && c.path === path && FIRED_KINDS[c.type].includes(kind)) return c;
  return null;
}

/**
 * Watch before data, the order half: a reply carrying zxid z reflects the change at
 * zxid `fired` that fires a pending watch, so the client must have had the event first.
 */
export function replyReflectsChange(z: number, fired: number | null): boolean {
  return fired !== null && z >= fired;
}

/**
 * Ephemerals: once a member has applied the zxid at which the owner's session ended
 * (its close or expiry), the session's ephemerals are gone there.
 */
export function ephemeralOutlived(ownerEnded: number | undefined, appliedZ: number): boolean {
  return ownerEnded !== undefined && ownerEnded <= appliedZ;
}
