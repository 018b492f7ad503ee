// A node's children: a persistent map from name to the child's subtree, kept in
// name order (UTF-16, as ZooKeeper's getChildren is sorted by clients). The
// entries are held in sorted chunks of at most CHUNK_MAX, so that adding or
// removing one child copies one chunk and the list of chunks, not every sibling:
// a queue node with thousands of sequential children stays cheap to write, and
// each tree version the history checker keeps shares every untouched chunk.
interface Chunk<V> {
  readonly names: readonly string[];
  readonly subs: readonly V[];
}

export interface Children<V> {
  readonly chunks: readonly Chunk<V>[];
  readonly size: number;
}

/** A full chunk splits in two on the next insertion. */
const CHUNK_MAX = 32;

const NONE: Children<never> = { chunks: [], size: 0 };

export function noChildren<V>(): Children<V> {
  return NONE;
}

/**
 * Where `name` is among sorted names: its index, or -(the index it would be
 * inserted at) - 1. Strings only, so the comparison stays monomorphic (a search
 * shared with number arrays made this the hottest line of a replay).
 */
function locate(names: readonly string[], name: string): number {
  let lo = 0;
  let hi = names.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = names[mid];
    if (m === name) return mid;
    if (m < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

/** The chunk `name` is in or belongs in: the first whose last name is >= name, else the last. */
function chunkFor<V>(c: Children<V>, name: string): number {
  let lo = 0;
  let hi = c.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const names = c.chunks[mid].names;
    if (names[names.length - 1] < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function childGet<V>(c: Children<V>, name: string): V | undefined {
  if (c.size === 0) return undefined;
  const ch = c.chunks[chunkFor(c, name)];
  const i = locate(ch.names, name);
  return i >= 0 ? ch.subs[i] : undefined;
}

function withChunks<V>(c: Children<V>, at: number, replaced: number, by: readonly Chunk<V>[], size: number): Children<V> {
  const chunks = c.chunks.slice(0, at);
  chunks.push(...by);
  for (let i = at + replaced; i < c.chunks.length; i++) chunks.push(c.chunks[i]);
  return { chunks, size };
}

/** The children with `name` mapped to `sub` (added, or replacing what it mapped to). */
export function childSet<V>(c: Children<V>, name: string, sub: V): Children<V> {
  if (c.size === 0) return { chunks: [{ names: [name], subs: [sub] }], size: 1 };
  const at = chunkFor(c, name);
  const ch = c.chunks[at];
  const found = locate(ch.names, name);
  if (found >= 0) {
    const subs = ch.subs.slice();
    subs[found] = sub;
    return withChunks(c, at, 1, [{ names: ch.names, subs }], c.size);
  }
  const i = -found - 1;
  const names = ch.names.slice();
  const subs = ch.subs.slice();
  names.splice(i, 0, name);
  subs.splice(i, 0, sub);
  if (names.length <= CHUNK_MAX) return withChunks(c, at, 1, [{ names, subs }], c.size + 1);
  const half = names.length >>> 1;
  const lower = { names: names.slice(0, half), subs: subs.slice(0, half) };
  const upper = { names: names.slice(half), subs: subs.slice(half) };
  return withChunks(c, at, 1, [lower, upper], c.size + 1);
}

/** The children without `name` (the same object when it is not there). */
export function childDelete<V>(c: Children<V>, name: string): Children<V> {
  if (c.size === 0) return c;
  const at = chunkFor(c, name);
  const ch = c.chunks[at];
  const i = locate(ch.names, name);
  if (i < 0) return c;
  if (ch.names.length === 1) return c.size === 1 ? NONE : withChunks(c, at, 1, [], c.size - 1);
  const names = ch.names.slice();
  const subs = ch.subs.slice();
  names.splice(i, 1);
  subs.splice(i, 1);
  return withChunks(c, at, 1, [{ names, subs }], c.size - 1);
}

const sortedNames = new WeakMap<Children<unknown>, readonly string[]>();

/** Every name, sorted; never copied for a node with one chunk of children, computed once per version otherwise. */
export function childNames<V>(c: Children<V>): readonly string[] {
  if (c.chunks.length === 0) return [];
  if (c.chunks.length === 1) return c.chunks[0].names;
  let out = sortedNames.get(c);
  if (out === undefined) {
    const all: string[] = [];
    for (const ch of c.chunks) for (const n of ch.names) all.push(n);
    sortedNames.set(c, (out = all));
  }
  return out;
}

export function childForEach<V>(c: Children<V>, f: (name: string, sub: V) => void): void {
  for (const ch of c.chunks) for (let i = 0; i < ch.names.length; i++) f(ch.names[i], ch.subs[i]);
}

/**
 * Every name whose subtree differs between two versions of one node's children,
 * with its subtree before and after (undefined where absent). A merge in name
 * order that steps over any chunk both versions share whole (it holds the same
 * entries): O(entries of the changed chunks), whatever the number of children.
 */
export function childDiff<V>(a: Children<V>, b: Children<V>, f: (name: string, before: V | undefined, after: V | undefined) => void): void {
  if (a === b) return;
  const ac = a.chunks;
  const bc = b.chunks;
  let i = 0;
  let ie = 0;
  let j = 0;
  let je = 0;
  while (i < ac.length || j < bc.length) {
    if (ie === 0 && je === 0 && i < ac.length && j < bc.length && ac[i] === bc[j]) {
      i++;
      j++;
      continue;
    }
    const x = i < ac.length ? ac[i] : null;
    const y = j < bc.length ? bc[j] : null;
    const an = x === null ? null : x.names[ie];
    const bn = y === null ? null : y.names[je];
    let stepA = false;
    let stepB = false;
    if (bn === null || (an !== null && an < bn)) {
      f(an as string, (x as Chunk<V>).subs[ie], undefined);
      stepA = true;
    } else if (an === null || bn < an) {
      f(bn, undefined, (y as Chunk<V>).subs[je]);
      stepB = true;
    } else {
      const before = (x as Chunk<V>).subs[ie];
      const after = (y as Chunk<V>).subs[je];
      if (before !== after) f(an, before, after);
      stepA = stepB = true;
    }
    if (stepA && ++ie === (x as Chunk<V>).names.length) {
      i++;
      ie = 0;
    }
    if (stepB && ++je === (y as Chunk<V>).names.length) {
      j++;
      je = 0;
    }
  }
}
