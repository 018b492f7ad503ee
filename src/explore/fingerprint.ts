// Canonical 64-bit fingerprints of worlds, for the exhaustive explorer.
//
// Two worlds get the same fingerprint when no action sequence can tell them
// apart: the step counter and packet ids are left out (invariants only compare
// ids with the previous world's nextId), datagram packets are a multiset (any of
// them may be delivered next, so their order is not behaviour), timers a set,
// and the ghost goes through the model's ghostKey. FIFO links keep their order,
// which is behaviour there. With symmetry, the fingerprint is the smallest one
// over every permutation of the model's interchangeable nodes, so a state and
// its mirror images collapse into one.
//
// The fair suffix does read packet and timer order (it delivers the oldest
// first), so two worlds with one fingerprint may run different suffixes; the
// explorer checks the suffix of the first one it reaches. Safety found by
// expansion is unaffected.
//
// Collisions: the key is two independent 32-bit hashes of the canonical string
// (FNV-1a and a murmur3-style mix). Treating them as one 64-bit hash, the chance
// that any two of n distinct states collide is about n^2 / 2^65: 3e-8 for a
// million states, 3e-4 for a hundred million. A collision would silently prune
// one state (and its successors), as in TLC and Stateright.
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import type { Packet, World } from '../world.ts';

/** JSON of each state, durable part and message object, computed once per object. */
const jsonCache = new WeakMap<object, string>();

function json(x: unknown): string {
  if (x === null || typeof x !== 'object') return x === undefined ? 'u' : JSON.stringify(x);
  let s = jsonCache.get(x);
  if (s === undefined) {
    s = JSON.stringify(x);
    jsonCache.set(x, s);
  }
  return s;
}

/** Two 32-bit hashes of one string, written to out[0], out[1]. */
export function hash64(s: string, out: Uint32Array | number[]): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    let k = Math.imul(c, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    b ^= Math.imul(k, 0x1b873593);
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  // FNV-1a's low bits mix poorly for short tails; one avalanche round each.
  a ^= a >>> 16;
  a = Math.imul(a, 0x7feb352d);
  a ^= a >>> 15;
  b ^= b >>> 16;
  b = Math.imul(b, 0x85ebca6b);
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  out[0] = a >>> 0;
  out[1] = b >>> 0;
}

/** 16 hex digits: how a fingerprint is printed. */
export function fpHex(h1: number, h2: number): string {
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/**
 * A set of 64-bit fingerprints: open addressing over two Uint32Arrays, about
 * 16 bytes per state at the load it keeps, no per-entry objects.
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** Add; true when it was not there yet. */
  add(h1: number, h2: number): boolean {
    // (0, 0) marks an empty slot; the one fingerprint that hashes to it is moved.
    if (h1 === 0 && h2 === 0) h2 = 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    const hi = this.hi;
    const lo = this.lo;
    for (;;) {
      const a = hi[i];
      const b = lo[i];
      if (a === 0 && b === 0) break;
      if (a === h1 && b === h2) return false;
      i = (i + 1) & this.mask;
    }
    hi[i] = h1;
    lo[i] = h2;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return true;
  }

  has(h1: number, h2: number): boolean {
    if (h1 === 0 && h2 === 0) h2 = 1;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = this.hi[i];
      const b = this.lo[i];
      if (a === 0 && b === 0) return false;
      if (a === h1 && b === h2) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    this.hi = new Uint32Array(oldHi.length * 2);
    this.lo = new Uint32Array(oldLo.length * 2);
    this.mask = this.hi.length - 1;
    this.size = 0;
    for (let i = 0; i < oldHi.length; i++) if (oldHi[i] !== 0 || oldLo[i] !== 0) this.add(oldHi[i], oldLo[i]);
  }
}

/** Every permutation of `xs`, as arrays of the same elements. */
function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: number[][] = [];
  for (let i = 0; i < xs.length; i++) {
    const rest = xs.slice(0, i).concat(xs.slice(i + 1));
    for (const p of permutations(rest)) out.push([xs[i], ...p]);
  }
  return out;
}

/**
 * The node renamings symmetry reduction tries: every combination of a
 * permutation within each group, as perm[old id] = new id, identity first.
 */
export function groupPermutations(n: number, groups: readonly (readonly number[])[]): number[][] {
  let perms: number[][] = [Array.from({ length: n }, (_, i) => i)];
  for (const g of groups) {
    if (g.length < 2) continue;
    const next: number[][] = [];
    for (const base of perms) {
      for (const order of permutations(g)) {
        const p = base.slice();
        for (let k = 0; k < g.length; k++) p[g[k]] = order[k];
        next.push(p);
      }
    }
    perms = next;
  }
  return perms;
}

export class Fingerprinter<Cfg extends BaseConfig = BaseConfig> {
  readonly n: number;
  private readonly fifo: boolean;
  private readonly ghostKey: (g: unknown) => string;
  private readonly ghostCache = new WeakMap<object, string>();
  /** Non-identity renamings (empty without symmetry). */
  private readonly perms: number[][];
  private readonly h = new Uint32Array(2);

  constructor(
    private readonly p: Protocol<any, any, any, any, any, Cfg>,
    private readonly cfg: Cfg,
    symmetry: boolean,
  ) {
    this.n = p.nodeCount(cfg);
    this.fifo = p.network === 'fifo';
    this.ghostKey = p.ghostKey ? p.ghostKey.bind(p) : (g) => JSON.stringify(g);
    this.perms = symmetry && p.symmetry ? groupPermutations(this.n, p.symmetry.groups(cfg)).slice(1) : [];
  }

  /** Whether this fingerprinter reduces by symmetry (the model declares interchangeable nodes). */
  get symmetric(): boolean {
    return this.perms.length > 0;
  }

  private ghost(g: unknown): string {
    if (g === null || typeof g !== 'object') return this.ghostKey(g);
    let s = this.ghostCache.get(g);
    if (s === undefined) {
      s = this.ghostKey(g);
      this.ghostCache.set(g, s);
    }
    return s;
  }

  /** The canonical text of one world (no symmetry): what the fingerprint hashes. */
  canonical(w: World): string {
    const n = this.n;
    let s = '';
    for (let i = 0; i < n; i++) {
      const st = w.nodes[i];
      s += st === null ? '~' + json(w.durable[i]) : json(st);
      s += '|';
    }
    s += '#' + this.network(w.net);
    const timers: string[] = [];
    for (const t of w.timers) timers.push(t.node + ':' + t.name);
    timers.sort();
    s += '#' + timers.join(',');
    // A cut and its complement are one partition; keep the side without node 0.
    const all = n >= 32 ? -1 : (1 << n) - 1;
    const part = w.partition & 1 ? all & ~w.partition : w.partition;
    const u = w.used;
    s += `#${part >>> 0},${u.crashes},${u.drops},${u.duplicates},${u.partitions},${w.pending >>> 0}#`;
    s += this.ghost(w.ghost);
    return s;
  }

  private network(net: readonly Packet<unknown>[]): string {
    if (net.length === 0) return '';
    if (!this.fifo) {
      const xs: string[] = new Array(net.length);
      for (let i = 0; i < net.length; i++) {
        const pk = net[i];
        xs[i] = pk.from + '>' + pk.to + (pk.down ? '!' : ':' + json(pk.msg));
      }
      xs.sort();
      return xs.join(';');
    }
    // FIFO: each link's sequence in send order (net is sorted by id), links sorted.
    const links = new Map<number, string>();
    for (const pk of net) {
      const key = pk.from * 64 + pk.to;
      const m = pk.down ? '!' : json(pk.msg);
      const prev = links.get(key);
      links.set(key, prev === undefined ? m : prev + ',' + m);
    }
    const keys = [...links.keys()].sort((a, b) => a - b);
    return keys.map((k) => `${(k / 64) | 0}>${k % 64}:[${links.get(k)}]`).join(';');
  }

  /**
   * The fingerprint of w into out[0], out[1]: the hash of its canonical text,
   * or with symmetry the smallest such hash over its images.
   */
  fingerprint(w: World, out: Uint32Array | number[]): void {
    const h = this.h;
    hash64(this.canonical(w), h);
    let a = h[0];
    let b = h[1];
    if (this.perms.length > 0) {
      const sym = this.p.symmetry!;
      for (const perm of this.perms) {
        hash64(this.canonical(sym.permute(w, perm, this.cfg)), h);
        if (h[0] < a || (h[0] === a && h[1] < b)) {
          a = h[0];
          b = h[1];
        }
      }
    }
    out[0] = a;
    out[1] = b;
  }

  /** The fingerprint as 16 hex digits. */
  hex(w: World): string {
    const out = [0, 0];
    this.fingerprint(w, out);
    return fpHex(out[0], out[1]);
  }
}

/**
 * Rename nodes in the parts of a world the engine owns: node and durable order,
 * packet ends, timer owners and the partition. Packet ids and order stay as
 * they are (the fingerprint does not read them). What a model keeps inside its
 * states, messages and ghost is the model's to rewrite (Symmetry.permute).
 */
export function permuteEngineParts<W extends World>(w: W, perm: readonly number[]): W {
  const n = w.nodes.length;
  const nodes = new Array(n);
  const durable = new Array(n);
  for (let i = 0; i < n; i++) {
    nodes[perm[i]] = w.nodes[i];
    durable[perm[i]] = w.durable[i];
  }
  const net = w.net.map((pk) => (perm[pk.from] === pk.from && perm[pk.to] === pk.to ? pk : { ...pk, from: perm[pk.from], to: perm[pk.to] }));
  const timers = w.timers.map((t) => (perm[t.node] === t.node ? t : { ...t, node: perm[t.node] }));
  let partition = 0;
  for (let i = 0; i < n; i++) if ((w.partition >>> i) & 1) partition |= 1 << perm[i];
  return { ...w, nodes, durable, net, timers, partition };
}
