// Canonical 64-bit fingerprints of worlds, for the exhaustive explorer.
//
// Two worlds get the same fingerprint when no action sequence can tell them
// apart: the step counter and packet ids are left out (invariants only compare
// ids with the previous world's nextId), datagram packets are a multiset (any of
// them may be delivered next, so their order is not behaviour), timers a set,
// and the ghost goes through the model's ghostKey. Over FIFO links everything
// in flight keeps its order, and so do the timers: the fair suffix there
// delivers the oldest link head and fires the oldest timer. With symmetry, the
// fingerprint is the smallest one over renamings of the model's
// interchangeable nodes, so a state and its mirror images collapse into one.
//
// The fair suffix's choices are a function of this canonical form (over
// datagrams it takes the smallest message and timer in a canonical order,
// fair.ts), so two worlds with one fingerprint run the same suffix and the
// explorer's first violation is a shortest one, in the suffix too (issue 12).
// With symmetry the suffix of a mirror image is not the mirror image of the
// suffix (the canonical order reads node ids): shortest up to renaming only.
// Fingerprinter.exact also keeps datagram order, for the explorer's memo of
// suffixes already run.
//
// Collisions: a fingerprint is two independent 32-bit hashes (an FNV-1a-like
// lane and a murmur3-style lane) of the canonical form described above, each
// part (node state, message, ghost key) hashed the same two ways first.
// Treating the pair as one 64-bit hash, the chance that any two of n distinct
// states collide is about n^2 / 2^65: 3e-8 for a million states, 3e-4 for a
// hundred million. A collision would silently prune one state (and what only
// it leads to), as in TLC and Stateright; nothing here is adversarial, so the
// additive multiset hash is no weaker than the rest.
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import type { World } from '../world.ts';
import { fpHex } from './fingerprint-set.ts';
import { isIdentity, permutations } from './symmetry.ts';

// Structural hashing: two 32-bit lanes accumulated in module variables (no
// allocation per value). Lane A is FNV-1a-like, lane B a murmur3-style mix;
// their multipliers and rotations differ so that they fail independently.
let HA = 0;
let HB = 0;

/** The exact (order-sensitive) fingerprint of the last world hashed. */
let EA = 0;
let EB = 0;

function stepA(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x01000193);
  return h ^ (h >>> 13);
}

function stepB(h: number, x: number): number {
  let k = Math.imul(x, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixA(x: number): void {
  HA = stepA(HA, x);
}

function mixB(x: number): void {
  HB = stepB(HB, x);
}

function mix(x: number): void {
  mixA(x);
  mixB(x);
}

function mixString(s: string): void {
  mix(s.length ^ 0x5bd1e995);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    HA = Math.imul(HA ^ c, 0x01000193);
    mixB(c);
  }
}

/** Hash a JSON-like value with the same distinctions as JSON.stringify (plus undefined fields). */
function mixValue(x: unknown): void {
  switch (typeof x) {
    case 'number':
      if ((x | 0) === x) {
        mix(1);
        mix(x);
      } else {
        mix(2);
        mixString(String(x));
      }
      return;
    case 'string':
      mix(3);
      mixString(x);
      return;
    case 'boolean':
      mix(x ? 4 : 5);
      return;
    case 'undefined':
      mix(6);
      return;
    case 'object':
      if (x === null) {
        mix(7);
        return;
      }
      if (Array.isArray(x)) {
        mix(8);
        mix(x.length);
        for (let i = 0; i < x.length; i++) mixValue(x[i]);
        return;
      }
      mix(9);
      for (const k in x) {
        mixString(k);
        mixValue((x as Record<string, unknown>)[k]);
      }
      mix(10);
      return;
    default:
      mix(11);
      mixString(String(x));
  }
}

function avalanche(): void {
  HA ^= HA >>> 16;
  HA = Math.imul(HA, 0x7feb352d);
  HA ^= HA >>> 15;
  HA = Math.imul(HA, 0x846ca68b);
  HA ^= HA >>> 16;
  HB ^= HB >>> 16;
  HB = Math.imul(HB, 0x85ebca6b);
  HB ^= HB >>> 13;
  HB = Math.imul(HB, 0xc2b2ae35);
  HB ^= HB >>> 16;
}

const CACHE_LIMIT = 1 << 16;

/**
 * Fingerprints of worlds. The canonical form is the text canonical() returns;
 * rather than build and hash that text per state, the same structure is hashed
 * directly: each node state, durable part and message once per object (steps
 * share every unchanged part, so the hash of an object is remembered), the
 * packet multiset and the timer set as sums of their elements' hashes (order-
 * free without sorting), the ghost through its key.
 */
export class Fingerprinter<Cfg extends BaseConfig = BaseConfig> {
  readonly n: number;
  private readonly fifo: boolean;
  private readonly ghostKey: (g: unknown) => string;
  /** Groups of interchangeable nodes with at least two members (empty without symmetry). */
  private readonly groups: number[][];
  // Emptied when large, so that it never holds more than the parts of the
  // states around the search front (the ones steps keep sharing) alive.
  private cache = new Map<object, number>();
  private ghostCache = new Map<object, number>();
  private cacheUsed = 0;
  private laneA = new Int32Array(CACHE_LIMIT);
  private laneB = new Int32Array(CACHE_LIMIT);
  private readonly identity: number[];
  private readonly labelA: Float64Array;
  private readonly labelB: Float64Array;
  private linkPos: Int32Array;
  private linkStamp: Int32Array;
  private stamp = 0;

  constructor(
    private readonly p: Protocol<any, any, any, any, any, Cfg>,
    private readonly cfg: Cfg,
    symmetry: boolean,
  ) {
    this.n = p.nodeCount(cfg);
    this.fifo = p.network === 'fifo';
    this.ghostKey = p.ghostKey ? p.ghostKey.bind(p) : (g) => JSON.stringify(g);
    // Groups in id order: the sorted members fill the slots in that order.
    this.groups =
      symmetry && p.symmetry
        ? p.symmetry
            .groups(cfg)
            .filter((g) => g.length > 1)
            .map((g) => g.slice().sort((x, y) => x - y))
        : [];
    this.identity = Array.from({ length: this.n }, (_, i) => i);
    this.labelA = new Float64Array(this.n);
    this.labelB = new Float64Array(this.n);
    this.linkPos = new Int32Array(64 * 64);
    this.linkStamp = new Int32Array(64 * 64);
  }

  /** Whether this fingerprinter reduces by symmetry (the model declares interchangeable nodes). */
  get symmetric(): boolean {
    return this.groups.length > 0;
  }

  /**
   * Mix the hash of one part (a node state, a durable part, a message; with
   * `ghost`, the ghost through its key) into HA/HB, from the cache when it is
   * an object seen lately. Callers mix in what kind of part it is: the cache
   * is per object, and one object could serve as two kinds.
   */
  private mixObj(x: unknown, ghost: boolean): void {
    const cache = ghost ? this.ghostCache : this.cache;
    let i = x !== null && typeof x === 'object' ? cache.get(x) : undefined;
    if (i === undefined) {
      const sa = HA;
      const sb = HB;
      HA = 0x811c9dc5;
      HB = 0x9747b28c;
      if (ghost) mixString(this.ghostKey(x));
      else mixValue(x);
      avalanche();
      const a = HA;
      const b = HB;
      HA = sa;
      HB = sb;
      if (x === null || typeof x !== 'object') {
        mixA(a);
        mixB(b);
        return;
      }
      if (this.cacheUsed >= CACHE_LIMIT) {
        this.cache = new Map();
        this.ghostCache = new Map();
        this.cacheUsed = 0;
      }
      i = this.cacheUsed++;
      cache.set(x, i);
      this.laneA[i] = a;
      this.laneB[i] = b;
    }
    mixA(this.laneA[i]);
    mixB(this.laneB[i]);
  }

  /** Mix node i's part: its state, or the durable part it left when it crashed. */
  private mixNode(w: World, i: number): void {
    const st = w.nodes[i];
    if (st === null) {
      mix(1);
      this.mixObj(w.durable[i], false);
    } else {
      mix(2);
      this.mixObj(st, false);
    }
  }

  /**
   * Hash w twice in one pass: into HA/HB with packets as a multiset and timers
   * as a set (the fingerprint), and into EA/EB with both in their actual order
   * (the exact fingerprint: the fair suffix reads that order). The node part,
   * the per-packet and per-timer hashes are shared.
   */
  private hashWorld(w: World): void {
    const n = this.n;
    HA = 0x811c9dc5;
    HB = 0x9747b28c;
    for (let i = 0; i < n; i++) this.mixNode(w, i);
    // Ordered accumulators start from the node part; HA/HB go on as the multiset one.
    let oa = HA;
    let ob = HB;
    const net = w.net;
    const fifo = this.fifo;
    let sumA = 0;
    let sumB = 0;
    const stamp = ++this.stamp;
    for (let i = 0; i < net.length; i++) {
      const pk = net[i];
      const outerA = HA;
      const outerB = HB;
      const link = pk.from * 64 + pk.to;
      HA = 0x2545f491 ^ link;
      HB = 0x3c6ef372 ^ link;
      if (fifo) {
        // Position within its link: the per-link sequence is the state there.
        if (this.linkStamp[link] !== stamp) {
          this.linkStamp[link] = stamp;
          this.linkPos[link] = 0;
        }
        mix(this.linkPos[link]++);
      }
      if (pk.down) mix(-1);
      else {
        mix(3);
        this.mixObj(pk.msg, false);
      }
      avalanche();
      sumA = (sumA + HA) | 0;
      sumB = (sumB + HB) | 0;
      oa = stepA(oa, HA);
      ob = stepB(ob, HB);
      HA = outerA;
      HB = outerB;
    }
    const timers = w.timers;
    let tsumA = 0;
    let tsumB = 0;
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i];
      const outerA = HA;
      const outerB = HB;
      HA = 0x510e527f ^ t.node;
      HB = 0x1f83d9ab ^ t.node;
      mixString(t.name);
      avalanche();
      tsumA = (tsumA + HA) | 0;
      tsumB = (tsumB + HB) | 0;
      oa = stepA(oa, HA);
      ob = stepB(ob, HB);
      HA = outerA;
      HB = outerB;
    }
    mix(net.length);
    mixA(sumA);
    mixB(sumB);
    mix(timers.length);
    mixA(tsumA);
    mixB(tsumB);
    // The rest is order-free: hash it once and fold it into both.
    const multiA = HA;
    const multiB = HB;
    HA = 0x6a09e667;
    HB = 0xbb67ae85;
    // A cut and its complement are one partition; keep the side without node 0.
    const all = n >= 32 ? -1 : (1 << n) - 1;
    mix(w.partition & 1 ? all & ~w.partition : w.partition);
    const u = w.used;
    mix(u.crashes);
    mix(u.drops);
    mix(u.duplicates);
    mix(u.partitions);
    mix(w.pending);
    this.mixObj(w.ghost, true);
    const restA = HA;
    const restB = HB;
    HA = stepA(stepA(stepA(oa, net.length), timers.length), restA);
    HB = stepB(stepB(stepB(ob, net.length), timers.length), restB);
    avalanche();
    EA = HA;
    EB = HB;
    HA = stepA(multiA, restA);
    HB = stepB(multiB, restB);
    avalanche();
  }

  /**
   * The canonical text of one world (no symmetry): what the fingerprint stands
   * for. Not used in the search loop (see hashWorld); for debugging and tests.
   */
  canonical(w: World): string {
    const n = this.n;
    const nodes: string[] = [];
    for (let i = 0; i < n; i++) nodes.push(w.nodes[i] === null ? '~' + JSON.stringify(w.durable[i]) : JSON.stringify(w.nodes[i]));
    const pk = (x: World['net'][number]) => `${x.from}>${x.to}${x.down ? '!' : ':' + JSON.stringify(x.msg)}`;
    const net = this.fifo ? w.net.map(pk) : w.net.map(pk).sort();
    const timers = this.fifo ? w.timers.map((t) => `${t.node}:${t.name}`) : w.timers.map((t) => `${t.node}:${t.name}`).sort();
    const all = n >= 32 ? -1 : (1 << n) - 1;
    const part = w.partition & 1 ? all & ~w.partition : w.partition;
    const u = w.used;
    return `${nodes.join('|')}#${net.join(';')}#${timers.join(',')}#${part},${u.crashes},${u.drops},${u.duplicates},${u.partitions},${w.pending}#${this.ghostKey(w.ghost)}`;
  }

  /**
   * The fingerprint of w into out[0], out[1]: the hash of its canonical form,
   * or with symmetry the smallest such hash over its images. With `exact`,
   * also w's exact fingerprint into exact[0], exact[1] (see exact()).
   */
  fingerprint(w: World, out: Uint32Array | number[], exact?: Uint32Array | number[]): void {
    this.hashWorld(w);
    if (exact !== undefined) {
      exact[0] = EA >>> 0;
      exact[1] = EB >>> 0;
    }
    let a = (this.fifo ? EA : HA) >>> 0;
    let b = (this.fifo ? EB : HB) >>> 0;
    if (this.groups.length > 0) {
      const sym = this.p.symmetry!;
      let first = true;
      for (const perm of this.candidates(w)) {
        let x: number;
        let y: number;
        if (isIdentity(perm)) {
          x = a;
          y = b;
        } else {
          this.hashWorld(sym.permute(w, perm, this.cfg));
          x = (this.fifo ? EA : HA) >>> 0;
          y = (this.fifo ? EB : HB) >>> 0;
        }
        if (first || x < a || (x === a && y < b)) {
          a = x;
          b = y;
          first = false;
        }
      }
    }
    out[0] = a;
    out[1] = b;
  }

  /**
   * The renamings whose images symmetry reduction compares. Taking the minimum
   * over every renaming costs a world hash per renaming (6 for three
   * acceptors), so only those that sort each group by its members' own states
   * are tried, every order of equal states included. A renaming of w maps that
   * set onto the one of its image, so symmetric worlds still meet in the same
   * minimum; and every candidate is a genuine image, so worlds that are not
   * symmetric never do (if a model's node states name other nodes, sorting by
   * them is less effective, never unsound).
   */
  private candidates(w: World): number[][] {
    let perms: number[][] = [this.identity.slice()];
    const la = this.labelA;
    const lb = this.labelB;
    for (const g of this.groups) {
      for (const id of g) {
        HA = 0;
        HB = 0;
        this.mixNode(w, id);
        la[id] = HA >>> 0;
        lb[id] = HB >>> 0;
      }
      const cmp = (x: number, y: number) => la[x] - la[y] || lb[x] - lb[y];
      const sorted = g.slice().sort(cmp);
      // The k-th member in sorted order takes the k-th slot (g is in id order);
      // members with equal states take their slots in every order.
      let orders: number[][] = [[]];
      for (let i = 0; i < sorted.length; ) {
        let j = i + 1;
        while (j < sorted.length && cmp(sorted[i], sorted[j]) === 0) j++;
        if (j === i + 1) for (const o of orders) o.push(sorted[i]);
        else {
          const next: number[][] = [];
          for (const o of orders) for (const r of permutations(sorted.slice(i, j))) next.push(o.concat(r));
          orders = next;
        }
        i = j;
      }
      const next: number[][] = [];
      for (const base of perms) {
        for (const o of orders) {
          const perm = orders.length === 1 ? base : base.slice();
          for (let k = 0; k < o.length; k++) perm[o[k]] = g[k];
          next.push(perm);
        }
      }
      perms = next;
    }
    return perms;
  }

  /**
   * A fingerprint that also tells packet and timer orders apart (and ignores
   * symmetry): two worlds with the same one run the same fair suffix.
   */
  exact(w: World, out: Uint32Array | number[]): void {
    this.hashWorld(w);
    out[0] = EA >>> 0;
    out[1] = EB >>> 0;
  }

  /** The fingerprint as 16 hex digits. */
  hex(w: World): string {
    const out = [0, 0];
    this.fingerprint(w, out);
    return fpHex(out[0], out[1]);
  }
}
