// The ZooKeeper 3.8 data tree as a pure value: applyTxn(tree, txn, {zxid, time})
// returns the next tree, the txn's result and the watch triggers it fired, and
// never touches its input. Given the same transaction order it is deterministic,
// which is what lets it judge a real ensemble's history (writes are totally
// ordered by zxid) and serve as every replica's state in the ensemble model.
//
// A failed write is still a transaction (an error txn with its own zxid): it
// returns the same tree object and an error result, and the caller's zxid
// counter moves on all the same.
import { applyMulti } from './multi.ts';
import { applyOp, deleteContainer } from './ops.ts';
import { pmapEmpty, pmapForEach, pmapGet, pmapSet } from './pmap.ts';
import { closeSession, createSession } from './sessions.ts';
import { NO_OWNER, reportedCversion, statEquals, type Stat } from './stat.ts';
import { ssetToArray } from './sset.ts';
import type { Applied, StoredNode, Tree, Txn, TxnCtx, WatchTrigger, ZNode } from './types.ts';

export * from './types.ts';
export * from './errors.ts';
export { pathProblem, parentOf, nameOf, sequenceOf } from './path.ts';
export { NO_OWNER, CONTAINER_OWNER, sessionHex, isSessionOwner, utf8Length, statEquals, childCreates, type Stat } from './stat.ts';
export { WatchTable, FIRED_KINDS, type WatchKind } from './watches.ts';
export { liveSessions, ephemeralsOf, isLive } from './sessions.ts';

function systemNode(children: readonly string[], aversion = 0): StoredNode {
  const stat: Stat = {
    czxid: 0,
    mzxid: 0,
    pzxid: 0,
    ctime: 0,
    mtime: 0,
    version: 0,
    cversion: reportedCversion(0, children.length),
    aversion,
    ephemeralOwner: NO_OWNER,
    dataLength: 0,
    numChildren: children.length,
  };
  return { data: '', stat, children, creates: 0, owner: NO_OWNER };
}

/**
 * A fresh server's tree (DataTree's constructor): "/", "/zookeeper",
 * "/zookeeper/quota" and "/zookeeper/config", all with zero stats and empty
 * data, none created by a txn. So "/" reports cversion -1 (one child, no
 * creates) and the first sequential child of "/" gets suffix 0000000000. The
 * config node's ACL was set with version -1, hence its aversion -1. (A quorum
 * server later writes its dynamic configuration into /zookeeper/config; that is
 * outside client-visible znodes and not modelled.)
 */
export function emptyTree(): Tree {
  let nodes = pmapEmpty<StoredNode>();
  nodes = pmapSet(nodes, '/', systemNode(['zookeeper']));
  nodes = pmapSet(nodes, '/zookeeper', systemNode(['config', 'quota']));
  nodes = pmapSet(nodes, '/zookeeper/quota', systemNode([]));
  nodes = pmapSet(nodes, '/zookeeper/config', systemNode([], -1));
  return { nodes, sessions: pmapEmpty() };
}

/** The node at `path`, or null. Its stat is what getData/exists/getChildren2 return. */
export function getNode(t: Tree, path: string): ZNode | null {
  const n = pmapGet(t.nodes, path);
  return n === undefined ? null : view(n);
}

/** The client's view of a stored node: the node itself unless its children outgrew a flat array. */
function view(n: StoredNode): ZNode {
  return Array.isArray(n.children) ? (n as ZNode) : { ...n, children: ssetToArray(n.children) };
}

export function nodeCount(t: Tree): number {
  return t.nodes.size;
}

/** Every (path, node), in no particular order. */
export function forEachNode(t: Tree, f: (path: string, node: ZNode) => void): void {
  pmapForEach(t.nodes, (p, n) => f(p, view(n)));
}

/** All paths, sorted. */
export function paths(t: Tree): string[] {
  const out: string[] = [];
  pmapForEach(t.nodes, (p) => out.push(p));
  return out.sort();
}

/** Same nodes with the same data, stats and children, and the same live sessions. */
export function treeEquals(a: Tree, b: Tree): boolean {
  if (a === b) return true;
  if (a.nodes.size !== b.nodes.size || a.sessions.size !== b.sessions.size) return false;
  let same = true;
  pmapForEach(a.nodes, (p, n) => {
    if (!same) return;
    const m = pmapGet(b.nodes, p);
    if (m === undefined || m.data !== n.data || !statEquals(m.stat, n.stat) || m.creates !== n.creates || m.owner !== n.owner) {
      same = false;
      return;
    }
    if (m.children === n.children) return;
    const xs = ssetToArray(n.children);
    const ys = ssetToArray(m.children);
    if (xs.length !== ys.length || xs.some((x, i) => x !== ys[i])) same = false;
  });
  if (!same) return false;
  pmapForEach(a.sessions, (s, eph) => {
    const other = pmapGet(b.sessions, s);
    if (other === eph) return;
    const x = other === undefined ? null : ssetToArray(other);
    const y = ssetToArray(eph);
    if (x === null || x.length !== y.length || x.some((v, i) => v !== y[i])) same = false;
  });
  return same;
}

/** Apply one transaction at ctx.zxid. See the header for error txns. */
export function applyTxn(t: Tree, txn: Txn, ctx: TxnCtx): Applied {
  switch (txn.type) {
    case 'create':
    case 'delete':
    case 'setData':
    case 'check': {
      const triggers: WatchTrigger[] = [];
      const r = applyOp(t, txn, txn.session, ctx, triggers);
      if (typeof r === 'string') return { tree: t, result: { ok: false, type: txn.type, code: r }, triggers: [] };
      const res = r.res;
      const result =
        res.type === 'create'
          ? { ok: true as const, type: txn.type, path: res.path, stat: res.stat }
          : res.type === 'setData'
            ? { ok: true as const, type: txn.type, path: txn.path, stat: res.stat }
            : { ok: true as const, type: txn.type, path: txn.path };
      return { tree: r.tree, result, triggers };
    }
    case 'multi':
      return applyMulti(t, txn.ops, txn.session, ctx);
    case 'createSession':
      return createSession(t, txn.session);
    case 'closeSession':
      return closeSession(t, txn.session, ctx);
    case 'deleteContainer': {
      const triggers: WatchTrigger[] = [];
      const r = deleteContainer(t, txn.path, ctx, triggers);
      if (typeof r === 'string') return { tree: t, result: { ok: false, type: txn.type, code: r }, triggers: [] };
      return { tree: r.tree, result: { ok: true, type: txn.type, path: txn.path }, triggers };
    }
  }
}
