// The leader's session tracker (SessionTrackerImpl + LearnerHandler's
// REVALIDATE): volatile, rebuilt by every new leader. It records which server
// owns each session (the owner check of PrepRequestProcessor that answers
// SESSIONMOVED to a request from a server the session has left), and expires
// sessions nobody touches: an expiry is a closeSession txn the leader proposes,
// so the session's ephemerals go at one zxid on every replica.
//
// Time is the adversary's: a session that no server touches becomes suspect at
// one expiry tick and is expired at the next (ExpiryQueue buckets), unless a
// server revalidates it in between.
import { zkVariant } from './mutants.ts';
import type { NodeId } from '../../src/model.ts';
import { pmapForEach, pmapHas } from '../znode/pmap.ts';
import { decode, encode, OP_CREATE_SESSION, OP_EXPIRE, sessionId } from './config.ts';
import type { ZkFx } from './fx.ts';
import type { Lease, ServerState, ZkConfig } from './types.ts';

export function findLease(ls: readonly Lease[], c: number, g: number): Lease | null {
  for (let i = 0; i < ls.length; i++) if (ls[i].c === c && ls[i].g === g) return ls[i];
  return null;
}

export function setLease(ls: readonly Lease[], l: Lease): readonly Lease[] {
  const out = ls.slice();
  for (let i = 0; i < out.length; i++) {
    if (out[i].c === l.c && out[i].g === l.g) {
      out[i] = l;
      return out;
    }
  }
  out.push(l);
  return out;
}

export function dropLease(ls: readonly Lease[], c: number, g: number): readonly Lease[] {
  const i = ls.findIndex((l) => l.c === c && l.g === g);
  if (i < 0) return ls;
  return ls.slice(0, i).concat(ls.slice(i + 1));
}

/** A touch from `owner` (on learner connection `os`): it owns the session now, and it is fresh. */
export function touch(ls: readonly Lease[], c: number, g: number, owner: NodeId, os: number): readonly Lease[] {
  const l = findLease(ls, c, g);
  if (l !== null && l.owner === owner && l.os === os && !l.suspect && !l.left) return ls;
  return setLease(ls, { c, g, owner, os, suspect: false, closing: l?.closing ?? false, left: false });
}

/** Is someone still touching the session: its owner holds the client and is connected to me. */
export function alive(s: ServerState, l: Lease, me: NodeId): boolean {
  if (l.left || l.owner < 0) return false;
  if (l.owner === me) {
    const conn = s.conns[l.c];
    return conn !== null && conn.g === l.g;
  }
  const p = s.zab.lead?.peers[l.owner] ?? null;
  return p !== null && p.s === l.os && p.st === 'active';
}

/** Session ids are sessionHex(c + 1, g): the owner of a live session in the tree. */
function parseSession(sid: string): { c: number; g: number } {
  return { c: parseInt(sid.slice(2, 10), 16) - 1, g: parseInt(sid.slice(10), 16) };
}

/** Live sessions nobody touches, that the expiry tick still has to deal with. */
export function needsTick(s: ServerState, me: NodeId): boolean {
  const ls = s.leases;
  if (ls === null) return false;
  let need = false;
  pmapForEach(s.tree.sessions, (sid) => {
    if (need) return;
    const { c, g } = parseSession(sid);
    const l = findLease(ls, c, g);
    if (l === null || (!l.closing && !alive(s, l, me))) need = true;
  });
  return need;
}

/**
 * PrepRequestProcessor's session check for a write from `from` (connection os):
 * a request for a session owned by another server is refused (SESSIONMOVED, an
 * error txn); a session with no owner yet (a new leader) is claimed. Returns the
 * payload to propose and the new leases.
 */
export function prep(s: ServerState, v: number, from: NodeId, os: number, cfg: ZkConfig, fx: ZkFx): { v: number; leases: readonly Lease[] } {
  const ls = s.leases as readonly Lease[];
  const p = decode(v);
  if (p.moved) return { v, leases: ls };
  if (p.op === OP_CREATE_SESSION) return { v, leases: touch(ls, p.c, p.g, from, os) };
  const l = findLease(ls, p.c, p.g);
  if (l === null || l.owner < 0) {
    // No owner yet (a new leader): the first server to use the session claims it,
    // if the session is alive at all (else the txn fails as SESSIONEXPIRED).
    if (l === null && !pmapHas(s.tree.sessions, sessionId(p.c, p.g))) return { v, leases: ls };
    return { v, leases: touch(ls, p.c, p.g, from, os) };
  }
  // no-session-moved: the owner check is gone, so a request a client left behind on its old server still applies.
  if ((l.owner !== from || l.os !== os) && !zkVariant(cfg).noSessionMoved) {
    fx.note({ t: 'moved', c: p.c, k: p.op });
    return { v: v | 1, leases: ls };
  }
  let leases = touch(ls, p.c, p.g, from, os);
  // A close marks the session closing: it cannot be revalidated any more.
  if (cfg.ops[p.c]?.[p.op]?.op === 'close') leases = setLease(leases, { ...(findLease(leases, p.c, p.g) as Lease), closing: true });
  return { v, leases };
}

/**
 * REVALIDATE: valid while the tracker knows the session (from my tree, or since
 * I prepared its createSession) and no close of it is under way; the asker owns
 * it from now on.
 */
export function revalidate(s: ServerState, c: number, g: number, sid: string, from: NodeId, os: number): { ok: boolean; leases: readonly Lease[] } {
  const ls = s.leases as readonly Lease[];
  const l = findLease(ls, c, g);
  const known = l !== null || pmapHas(s.tree.sessions, sid);
  if (!known || (l !== null && l.closing)) return { ok: false, leases: ls };
  return { ok: true, leases: touch(ls, c, g, from, os) };
}

/**
 * One expiry tick: untouched sessions become suspect, suspect ones are expired
 * (their closeSession payloads are returned, for the caller to propose).
 */
export function expiryTick(s: ServerState, me: NodeId, fx: ZkFx): { leases: readonly Lease[]; expire: number[] } {
  let ls = s.leases as readonly Lease[];
  const expire: number[] = [];
  pmapForEach(s.tree.sessions, (sid) => {
    const { c, g } = parseSession(sid);
    const l = findLease(ls, c, g);
    if (l !== null && (l.closing || alive(s, l, me))) return;
    if (l !== null && l.suspect) {
      ls = setLease(ls, { ...l, closing: true });
      expire.push(encode(c, g, OP_EXPIRE));
      fx.note({ t: 'expire', c, g });
    } else {
      ls = setLease(ls, { c, g, owner: l?.owner ?? -1, os: l?.os ?? 0, suspect: true, closing: false, left: l?.left ?? false });
    }
  });
  return { leases: ls, expire };
}
