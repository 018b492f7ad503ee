// A persistent string-keyed map (a hash array mapped trie, 32-way). The tree
// keeps path -> node in one of these so that a write copies O(log32 n) small
// arrays instead of the whole namespace: the history checker replays thousands of
// transactions and backtracks over tree versions, and the explorer keeps every
// world alive for shrinking, so versions must share structure.
import { popcount } from '../common/quorum.ts';

interface Leaf<V> {
  readonly t: 0;
  readonly h: number;
  readonly k: string;
  readonly v: V;
}
interface Branch<V> {
  readonly t: 1;
  readonly bits: number;
  readonly kids: readonly Slot<V>[];
}
/** Keys whose full 32-bit hashes collide. */
interface Bucket<V> {
  readonly t: 2;
  readonly h: number;
  readonly leaves: readonly Leaf<V>[];
}
type Slot<V> = Leaf<V> | Branch<V> | Bucket<V>;

export interface PMap<V> {
  readonly root: Branch<V>;
  readonly size: number;
}

const EMPTY_BRANCH: Branch<never> = { t: 1, bits: 0, kids: [] };
const EMPTY: PMap<never> = { root: EMPTY_BRANCH, size: 0 };

export function pmapEmpty<V>(): PMap<V> {
  return EMPTY as PMap<V>;
}

/** FNV-1a over UTF-16 code units, then a murmur finaliser so that paths sharing a long prefix still spread. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function pmapGet<V>(m: PMap<V>, k: string): V | undefined {
  const h = hash(k);
  let node: Slot<V> = m.root;
  let shift = 0;
  for (;;) {
    if (node.t === 1) {
      const bit = 1 << ((h >>> shift) & 31);
      if ((node.bits & bit) === 0) return undefined;
      node = node.kids[popcount(node.bits & (bit - 1))];
      shift += 5;
    } else if (node.t === 0) {
      return node.k === k ? node.v : undefined;
    } else {
      for (const l of node.leaves) if (l.k === k) return l.v;
      return undefined;
    }
  }
}

export function pmapHas<V>(m: PMap<V>, k: string): boolean {
  return pmapGet(m, k) !== undefined;
}

function replaceAt<T>(xs: readonly T[], i: number, x: T): T[] {
  const out = xs.slice();
  out[i] = x;
  return out;
}

function insertAt<T>(xs: readonly T[], i: number, x: T): T[] {
  const out = new Array<T>(xs.length + 1);
  for (let j = 0; j < i; j++) out[j] = xs[j];
  out[i] = x;
  for (let j = i; j < xs.length; j++) out[j + 1] = xs[j];
  return out;
}

function removeAt<T>(xs: readonly T[], i: number): T[] {
  const out = new Array<T>(xs.length - 1);
  for (let j = 0, k = 0; j < xs.length; j++) if (j !== i) out[k++] = xs[j];
  return out;
}

/** Two slots with different hashes that share the chunks above `shift`. */
function merge<V>(a: Leaf<V> | Bucket<V>, b: Leaf<V>, shift: number): Branch<V> {
  const ia = (a.h >>> shift) & 31;
  const ib = (b.h >>> shift) & 31;
  if (ia === ib) return { t: 1, bits: 1 << ia, kids: [merge(a, b, shift + 5)] };
  return ia < ib ? { t: 1, bits: (1 << ia) | (1 << ib), kids: [a, b] } : { t: 1, bits: (1 << ia) | (1 << ib), kids: [b, a] };
}

/** Per-call scratch: whether the key was new / was present. */
interface Box {
  hit: boolean;
}

function setIn<V>(node: Slot<V>, leaf: Leaf<V>, shift: number, box: Box): Slot<V> {
  if (node.t === 1) {
    const bit = 1 << ((leaf.h >>> shift) & 31);
    const i = popcount(node.bits & (bit - 1));
    if ((node.bits & bit) === 0) {
      box.hit = true;
      return { t: 1, bits: node.bits | bit, kids: insertAt(node.kids, i, leaf) };
    }
    const kid = node.kids[i];
    const next = setIn(kid, leaf, shift + 5, box);
    return next === kid ? node : { t: 1, bits: node.bits, kids: replaceAt(node.kids, i, next) };
  }
  if (node.t === 0) {
    if (node.k === leaf.k) return node.v === leaf.v ? node : leaf;
    box.hit = true;
    if (node.h === leaf.h) return { t: 2, h: leaf.h, leaves: [node, leaf] };
    return merge(node, leaf, shift);
  }
  if (node.h === leaf.h) {
    const j = node.leaves.findIndex((l) => l.k === leaf.k);
    if (j >= 0) return node.leaves[j].v === leaf.v ? node : { t: 2, h: node.h, leaves: replaceAt(node.leaves, j, leaf) };
    box.hit = true;
    return { t: 2, h: node.h, leaves: [...node.leaves, leaf] };
  }
  box.hit = true;
  return merge(node, leaf, shift);
}

export function pmapSet<V>(m: PMap<V>, k: string, v: V): PMap<V> {
  const box: Box = { hit: false };
  const root = setIn(m.root, { t: 0, h: hash(k), k, v }, 0, box) as Branch<V>;
  if (root === m.root) return m;
  return { root, size: box.hit ? m.size + 1 : m.size };
}

/** Returns the new slot, null when the slot became empty, or the same slot when k was absent. */
function deleteIn<V>(node: Slot<V>, h: number, k: string, shift: number, isRoot: boolean, box: Box): Slot<V> | null {
  if (node.t === 1) {
    const bit = 1 << ((h >>> shift) & 31);
    if ((node.bits & bit) === 0) return node;
    const i = popcount(node.bits & (bit - 1));
    const kid = node.kids[i];
    const next = deleteIn(kid, h, k, shift + 5, false, box);
    if (next === kid) return node;
    if (next === null) {
      if (node.kids.length === 1) return isRoot ? EMPTY_BRANCH : null;
      // A lone leaf left in a sub-branch moves up, keeping lookups short.
      if (node.kids.length === 2 && !isRoot) {
        const other = node.kids[1 - i];
        if (other.t !== 1) return other;
      }
      return { t: 1, bits: node.bits & ~bit, kids: removeAt(node.kids, i) };
    }
    if (next.t !== 1 && node.kids.length === 1 && !isRoot) return next;
    return { t: 1, bits: node.bits, kids: replaceAt(node.kids, i, next) };
  }
  if (node.t === 0) {
    if (node.k !== k) return node;
    box.hit = true;
    return null;
  }
  const j = node.leaves.findIndex((l) => l.k === k);
  if (j < 0) return node;
  box.hit = true;
  if (node.leaves.length === 2) return node.leaves[1 - j];
  return { t: 2, h: node.h, leaves: removeAt(node.leaves, j) };
}

export function pmapDelete<V>(m: PMap<V>, k: string): PMap<V> {
  const box: Box = { hit: false };
  const root = deleteIn(m.root, hash(k), k, 0, true, box) as Branch<V>;
  if (!box.hit) return m;
  return { root, size: m.size - 1 };
}

function eachIn<V>(node: Slot<V>, f: (k: string, v: V) => void): void {
  if (node.t === 0) f(node.k, node.v);
  else if (node.t === 1) for (const kid of node.kids) eachIn(kid, f);
  else for (const l of node.leaves) f(l.k, l.v);
}

/** Visit every entry (in hash order, not key order). */
export function pmapForEach<V>(m: PMap<V>, f: (k: string, v: V) => void): void {
  eachIn(m.root, f);
}

export function pmapKeys<V>(m: PMap<V>): string[] {
  const out: string[] = [];
  eachIn(m.root, (k) => out.push(k));
  return out;
}
