// The reference tree's nodes, stored as ZooKeeper's DataTree is shaped: each node
// holds its record and its children, so a node's children (and numChildren) are
// read off the node itself and there is no separate index to keep in step. It is
// persistent: a write copies the records on the path from the root to the node it
// changes and one chunk of each ancestor's children (children.ts), sharing the
// rest, so keeping every version of the tree costs O(changed paths) per txn, and
// two versions are compared by walking only the subtrees they do not share.
//
// RefNodes reads like a ReadonlyMap from absolute path to record, which is how the
// property suites look nodes up and list them.
import { childDelete, childDiff, childForEach, childGet, childSet, noChildren, type Children } from './children.ts';
import type { RefNode } from './tree.ts';

export interface Dir {
  readonly node: RefNode;
  readonly kids: Children<Dir>;
}

function childPath(parent: string, name: string): string {
  return parent === '/' ? '/' + name : parent + '/' + name;
}

/**
 * The names of an absolute path ("/a/b" -> ["a", "b"]), one array per path: a replay
 * looks the same few paths up hundreds of thousands of times, and cutting the names
 * out anew each time was most of what a lookup allocated.
 */
const namesCache = new Map<string, readonly string[]>();
function namesOf(path: string): readonly string[] {
  let xs = namesCache.get(path);
  if (xs === undefined) {
    if (namesCache.size >= 100_000) namesCache.clear();
    xs = path.slice(1).split('/');
    namesCache.set(path, xs);
  }
  return xs;
}

/** The subtree at `path`, or undefined (also for anything that is not an absolute path of names). */
export function dirAt(root: Dir, path: string): Dir | undefined {
  if (path === '/') return root;
  if (path.charCodeAt(0) !== 47) return undefined;
  const names = namesOf(path);
  let d: Dir | undefined = root;
  for (let i = 0; i < names.length && d !== undefined; i++) d = childGet(d.kids, names[i]);
  return d;
}

/** `d` with the subtree at `path` (below it, from its name at index `at`) replaced by whatever `f` makes of it; undefined removes it. */
function edit(d: Dir, path: string, at: number, f: (old: Dir | undefined) => Dir | undefined): Dir {
  const names = namesOf(path);
  const name = names[at];
  const child = childGet(d.kids, name);
  let next: Dir | undefined;
  if (at === names.length - 1) next = f(child);
  else if (child === undefined) throw new Error(`reference tree: ${path} has no parent`);
  else next = edit(child, path, at + 1, f);
  if (next === child) return d;
  return { node: d.node, kids: next === undefined ? childDelete(d.kids, name) : childSet(d.kids, name, next) };
}

function* walk(d: Dir, path: string): Generator<[string, RefNode]> {
  yield [path, d.node];
  const below: [string, Dir][] = [];
  childForEach(d.kids, (name, sub) => below.push([childPath(path, name), sub]));
  for (const [p, sub] of below) yield* walk(sub, p);
}

export class RefNodes implements ReadonlyMap<string, RefNode> {
  constructor(
    readonly root: Dir,
    readonly size: number,
  ) {}

  get(path: string): RefNode | undefined {
    return dirAt(this.root, path)?.node;
  }

  has(path: string): boolean {
    return dirAt(this.root, path) !== undefined;
  }

  /** Every node, parents before children. */
  entries(): MapIterator<[string, RefNode]> {
    return walk(this.root, '/');
  }

  *keys(): MapIterator<string> {
    for (const [p] of walk(this.root, '/')) yield p;
  }

  *values(): MapIterator<RefNode> {
    for (const [, n] of walk(this.root, '/')) yield n;
  }

  [Symbol.iterator](): MapIterator<[string, RefNode]> {
    return walk(this.root, '/');
  }

  forEach(f: (node: RefNode, path: string, map: ReadonlyMap<string, RefNode>) => void): void {
    for (const [p, n] of walk(this.root, '/')) f(n, p, this);
  }
}

/**
 * The paths of the records `pick` admits, parents before children: a path is made
 * only for those and for nodes with children (a session's ephemerals are looked for
 * among thousands of sequential leaves on every close).
 */
export function nodesWhere(m: RefNodes, pick: (node: RefNode) => boolean): string[] {
  const out: string[] = [];
  const visit = (d: Dir, path: string) => {
    if (pick(d.node)) out.push(path);
    childForEach(d.kids, (name, sub) => {
      if (sub.kids.size > 0 || pick(sub.node)) visit(sub, childPath(path, name));
    });
  };
  visit(m.root, '/');
  return out;
}

/** A tree holding just the root record. */
export function nodesOfRoot(root: RefNode): RefNodes {
  return new RefNodes({ node: root, kids: noChildren() }, 1);
}

/** The nodes with `path`'s record set to `node` (added when absent: its parent must exist). */
export function nodesPut(m: RefNodes, path: string, node: RefNode): RefNodes {
  if (path === '/') return new RefNodes({ node, kids: m.root.kids }, m.size);
  let added = false;
  const root = edit(m.root, path, 0, (old) => {
    added = old === undefined;
    return { node, kids: old?.kids ?? noChildren() };
  });
  return new RefNodes(root, m.size + (added ? 1 : 0));
}

/** The nodes without `path`, which must have no children (the same object when absent). */
export function nodesRemove(m: RefNodes, path: string): RefNodes {
  if (path === '/') throw new Error('reference tree: the root cannot be removed');
  const old = dirAt(m.root, path);
  if (old === undefined) return m;
  if (old.kids.size > 0) throw new Error(`reference tree: ${path} still has children`);
  return new RefNodes(
    edit(m.root, path, 0, () => undefined),
    m.size - 1,
  );
}

/**
 * Every path whose record differs between two versions (a different object, or
 * present in one only), with the record before and after; subtrees both share are
 * skipped, so this costs what changed, not the size of the tree.
 */
export function nodesDiff(a: RefNodes, b: RefNodes, f: (path: string, before: RefNode | undefined, after: RefNode | undefined) => void): void {
  diffDir('/', a.root, b.root, f);
}

function diffDir(path: string, a: Dir | undefined, b: Dir | undefined, f: (path: string, before: RefNode | undefined, after: RefNode | undefined) => void): void {
  if (a === b) return;
  if (a?.node !== b?.node) f(path, a?.node, b?.node);
  childDiff(a?.kids ?? noChildren<Dir>(), b?.kids ?? noChildren<Dir>(), (name, x, y) => diffDir(childPath(path, name), x, y, f));
}

/**
 * Whether two versions hold the same records at the same paths (records compared
 * field by field by `same`): what two replays that reached one state along
 * different txns share. Stops at the first difference; costs what differs.
 */
export function nodesSame(a: RefNodes, b: RefNodes, same: (x: RefNode, y: RefNode) => boolean): boolean {
  return a.size === b.size && sameDir(a.root, b.root, same);
}

function sameDir(a: Dir, b: Dir, same: (x: RefNode, y: RefNode) => boolean): boolean {
  if (a === b) return true;
  if (a.node !== b.node && !same(a.node, b.node)) return false;
  if (a.kids.size !== b.kids.size) return false;
  let ok = true;
  childDiff(a.kids, b.kids, (_name, x, y) => {
    if (ok && (x === undefined || y === undefined || !sameDir(x, y, same))) ok = false;
  });
  return ok;
}
