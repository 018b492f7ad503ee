// The reference znode tree: ZooKeeper 3.8's data tree written as plainly as it
// can be, to judge the znode model and real histories with a specification that
// shares no code with models/znode (only its type names, and a binary search). A tree is its nodes
// (nodes.ts: each node's record and its children, as DataTree holds them) and a
// set of live sessions; every other derived fact (numChildren, a session's
// ephemerals) is read off the nodes when asked, never kept alongside them, so
// there is no second copy of anything to fall out of step. Versions share
// structure: a txn copies only the path to what it changes (check-history keeps
// a version per checkpoint to backtrack over).
import type { Stat } from '../../../models/znode/stat.ts';
import { childNames } from './children.ts';
import { dirAt, nodesOfRoot, nodesPut, nodesRemove, nodesSame, nodesWhere, type RefNodes } from './nodes.ts';
export type { Stat };

/**
 * What the tree remembers per node: the stat fields ZooKeeper stores, as
 * counters the txns move (the derived ones, ephemeralOwner, dataLength and
 * numChildren, are computed when read). cversion is as clients see it: one step
 * per child created or deleted here (the system nodes start at -children).
 */
export type RefNode = Omit<Stat, 'ephemeralOwner' | 'dataLength' | 'numChildren'> & {
  readonly data: string | null;
  /** Children ever created here by a txn: the next sequential child's number. */
  readonly childCreates: number;
  /** 'persistent', 'container', or the owning session of an ephemeral. */
  readonly owner: string;
};

export interface RefTree {
  /** path -> record, read like a ReadonlyMap. */
  readonly nodes: RefNodes;
  readonly sessions: ReadonlySet<string>;
}

/** What a read returns: the node's data, its stat as a client receives it, its children sorted. */
export interface RefView {
  readonly data: string | null;
  readonly stat: Stat;
  readonly children: readonly string[];
  /** 'persistent', 'container' or a session id. */
  readonly owner: string;
}

export const PERSISTENT = 'persistent';
export const CONTAINER = 'container';
/** ephemeralOwner of anything but a session's ephemeral. */
export const ZERO_OWNER = '0x0000000000000000';

export function isSessionOwned(n: { readonly owner: string }): boolean {
  return n.owner !== PERSISTENT && n.owner !== CONTAINER;
}

/** "/a/b" -> "/a", "/a" -> "/", "/" -> null. */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

function systemNode(children: number, aversion: number): RefNode {
  return { data: '', czxid: 0, mzxid: 0, pzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: -children, aversion, childCreates: 0, owner: PERSISTENT };
}

/** A fresh server: "/", "/zookeeper" and its quota and config nodes, none made by a txn; the config ACL was set at version -1. */
export function refEmpty(): RefTree {
  let nodes = nodesOfRoot(systemNode(1, 0));
  nodes = nodesPut(nodes, '/zookeeper', systemNode(2, 0));
  nodes = nodesPut(nodes, '/zookeeper/quota', systemNode(0, 0));
  nodes = nodesPut(nodes, '/zookeeper/config', systemNode(0, -1));
  return { nodes, sessions: new Set() };
}

/** `t` with the record at `path` set (added when absent: its parent must exist); sessions unchanged. */
export function refPut(t: RefTree, path: string, node: RefNode): RefTree {
  return { nodes: nodesPut(t.nodes, path, node), sessions: t.sessions };
}

/** `t` without the childless node at `path`; sessions unchanged. */
export function refRemove(t: RefTree, path: string): RefTree {
  return { nodes: nodesRemove(t.nodes, path), sessions: t.sessions };
}

/** Children names of `path`, sorted (UTF-16 order). */
export function refChildren(t: RefTree, path: string): readonly string[] {
  const d = dirAt(t.nodes.root, path);
  return d === undefined ? [] : childNames(d.kids);
}

/** Bytes of UTF-8 (a lone surrogate is encoded as U+FFFD, 3 bytes, as Java's encoder does). */
function byteLength(data: string | null): number {
  return data === null ? 0 : Buffer.byteLength(data, 'utf8');
}

/** The stat of `path`, whose record is n. */
export function refStat(t: RefTree, path: string, n: RefNode): Stat {
  return statOf(n, dirAt(t.nodes.root, path)?.kids.size ?? 0);
}

function statOf(n: RefNode, numChildren: number): Stat {
  return {
    czxid: n.czxid,
    mzxid: n.mzxid,
    pzxid: n.pzxid,
    ctime: n.ctime,
    mtime: n.mtime,
    version: n.version,
    cversion: n.cversion,
    aversion: n.aversion,
    ephemeralOwner: isSessionOwned(n) ? n.owner : ZERO_OWNER,
    dataLength: byteLength(n.data),
    numChildren,
  };
}

/** The node at `path` as a read sees it, or null. */
export function refGet(t: RefTree, path: string): RefView | null {
  const d = dirAt(t.nodes.root, path);
  if (d === undefined) return null;
  const n = d.node;
  return { data: n.data, stat: statOf(n, d.kids.size), children: childNames(d.kids), owner: n.owner };
}

/** The live session's ephemerals, sorted ([] for any other). */
export function refEphemerals(t: RefTree, session: string): string[] {
  return nodesWhere(t.nodes, (n) => n.owner === session).sort();
}

export function refPaths(t: RefTree): string[] {
  return [...t.nodes.keys()].sort();
}

function sameRecord(x: RefNode, y: RefNode): boolean {
  return (
    x.data === y.data &&
    x.czxid === y.czxid &&
    x.mzxid === y.mzxid &&
    x.pzxid === y.pzxid &&
    x.ctime === y.ctime &&
    x.mtime === y.mtime &&
    x.version === y.version &&
    x.cversion === y.cversion &&
    x.aversion === y.aversion &&
    x.childCreates === y.childCreates &&
    x.owner === y.owner
  );
}

/**
 * Whether two versions are the same state: the same records at the same paths and
 * the same live sessions. Every txn's outcome is a function of that state, so two
 * replays that reach it go on alike.
 */
export function refSame(a: RefTree, b: RefTree): boolean {
  if (a === b) return true;
  if (a.sessions !== b.sessions) {
    if (a.sessions.size !== b.sessions.size) return false;
    for (const s of a.sessions) if (!b.sessions.has(s)) return false;
  }
  return a.nodes === b.nodes || nodesSame(a.nodes, b.nodes, sameRecord);
}
