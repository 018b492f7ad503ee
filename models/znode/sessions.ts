// Sessions are part of the replicated state: createSession and closeSession are
// transactions with their own zxids. Closing (by the client, or by the leader on
// expiry) deletes every ephemeral of the session at that zxid
// (DataTree.killSession), each delete moving its parent's pzxid and cversion and
// firing NodeDeleted and NodeChildrenChanged.
import { removeNode } from './ops.ts';
import { znodeVariant } from './mutants.ts';
import { pmapDelete, pmapGet, pmapHas, pmapKeys, pmapSet } from './pmap.ts';
import type { SessionId } from './stat.ts';
import { SSET_EMPTY, ssetToArray } from './sset.ts';
import type { Applied, Tree, TxnCtx, WatchTrigger } from './types.ts';

export function createSession(t: Tree, session: SessionId): Applied {
  if (pmapHas(t.sessions, session)) return { tree: t, result: { ok: true, type: 'createSession' }, triggers: [] };
  return { tree: { nodes: t.nodes, sessions: pmapSet(t.sessions, session, SSET_EMPTY) }, result: { ok: true, type: 'createSession' }, triggers: [] };
}

/**
 * Closing a session that is not live changes nothing (killSession finds no
 * ephemerals) but is still a txn: its zxid is consumed.
 */
export function closeSession(t: Tree, session: SessionId, ctx: TxnCtx): Applied {
  const set = pmapGet(t.sessions, session);
  if (set === undefined) return { tree: t, result: { ok: true, type: 'closeSession', deleted: [] }, triggers: [] };
  const paths = ssetToArray(set);
  const triggers: WatchTrigger[] = [];
  let w: Tree = { nodes: t.nodes, sessions: pmapDelete(t.sessions, session) };
  // Only a mutant (`ephemeral-survives-close`) lets the session go and its ephemerals stay.
  const deletes = znodeVariant(ctx.mutant).closeDeletesEphemerals;
  if (deletes) {
    for (const p of paths) {
      const node = pmapGet(w.nodes, p);
      if (node !== undefined) w = removeNode(w, p, node, ctx, triggers);
    }
  }
  return { tree: w, result: { ok: true, type: 'closeSession', deleted: deletes ? paths : [] }, triggers };
}

/** Live sessions, sorted. */
export function liveSessions(t: Tree): SessionId[] {
  return pmapKeys(t.sessions).sort();
}

/** The session's ephemerals, sorted ([] for a session that is not live). */
export function ephemeralsOf(t: Tree, session: SessionId): readonly string[] {
  const s = pmapGet(t.sessions, session);
  return s === undefined ? [] : ssetToArray(s);
}

export function isLive(t: Tree, session: SessionId): boolean {
  return pmapHas(t.sessions, session);
}
