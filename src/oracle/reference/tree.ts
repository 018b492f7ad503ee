// The reference znode tree: ZooKeeper 3.8's data tree written as plainly as it
// can be, to judge the znode model and real histories with a specification that
// shares no code with models/znode (only its type names). A tree is a Map of
// path -> node record and a set of live sessions; every derived fact (children,
// numChildren, a session's ephemerals) is found by scanning the map, never kept
// alongside it, so there is no second copy of anything to fall out of step.
// Slow on purpose: O(nodes) per lookup, a copied Map per write.
import type { Stat } from '../../../models/znode/stat.ts';
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
  readonly nodes: ReadonlyMap<string, RefNode>;
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

/** The last name of a path ("" for "/"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function systemNode(children: number, aversion: number): RefNode {
  return { data: '', czxid: 0, mzxid: 0, pzxid: 0, ctime: 0, mtime: 0, version: 0, cversion: -children, aversion, childCreates: 0, owner: PERSISTENT };
}

/** A fresh server: "/", "/zookeeper" and its quota and config nodes, none made by a txn; the config ACL was set at version -1. */
export function refEmpty(): RefTree {
  const nodes = new Map<string, RefNode>([
    ['/', systemNode(1, 0)],
    ['/zookeeper', systemNode(2, 0)],
    ['/zookeeper/quota', systemNode(0, 0)],
    ['/zookeeper/config', systemNode(0, -1)],
  ]);
  return { nodes, sessions: new Set() };
}

const childIndex = new WeakMap<RefTree, Map<string, string[]>>();
/** Above this many nodes a tree's children are indexed once (check-history's trees), below it scanned per lookup. */
const INDEX_FROM = 64;

/** Children names of `path`, sorted (UTF-16 order): the paths one name below it. */
export function refChildren(t: RefTree, path: string): readonly string[] {
  if (t.nodes.size < INDEX_FROM) {
    // A child of "/a" is "/a/" followed by one name (no further "/").
    const prefix = path === '/' ? '/' : path + '/';
    const out: string[] = [];
    for (const p of t.nodes.keys()) if (p.length > prefix.length && p.startsWith(prefix) && p.indexOf('/', prefix.length) < 0) out.push(p.slice(prefix.length));
    return out.sort();
  }
  let index = childIndex.get(t);
  if (index === undefined) {
    index = new Map();
    for (const p of t.nodes.keys()) {
      const parent = parentPath(p);
      if (parent === null) continue;
      const names = index.get(parent);
      if (names === undefined) index.set(parent, [baseName(p)]);
      else names.push(baseName(p));
    }
    for (const names of index.values()) names.sort();
    childIndex.set(t, index);
  }
  return index.get(path) ?? [];
}

/** Bytes of UTF-8 (a lone surrogate is encoded as U+FFFD, 3 bytes, as Java's encoder does). */
function byteLength(data: string | null): number {
  return data === null ? 0 : Buffer.byteLength(data, 'utf8');
}

export function refStat(t: RefTree, path: string, n: RefNode): Stat {
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
    numChildren: refChildren(t, path).length,
  };
}

/** The node at `path` as a read sees it, or null. */
export function refGet(t: RefTree, path: string): RefView | null {
  const n = t.nodes.get(path);
  if (n === undefined) return null;
  return { data: n.data, stat: refStat(t, path, n), children: refChildren(t, path), owner: n.owner };
}

/** The live session's ephemerals, sorted ([] for any other). */
export function refEphemerals(t: RefTree, session: string): string[] {
  const out: string[] = [];
  for (const [p, n] of t.nodes) if (n.owner === session) out.push(p);
  return out.sort();
}

export function refPaths(t: RefTree): string[] {
  return [...t.nodes.keys()].sort();
}
