// Storage for 64-bit fingerprints (two 32-bit lanes): the explorer's visited
// set and its memo of fair suffixes, and how a fingerprint is printed. Both
// tables use open addressing over parallel typed arrays, no per-entry objects
// (a Set of strings or bigints would cost ten times that and keep the
// collector busy); (0, 0) marks an empty slot, so the one fingerprint that
// hashes to it is stored as (0, 1).

/** 16 hex digits: how a fingerprint is printed. */
export function fpHex(h1: number, h2: number): string {
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function capacityFor(capacity: number): number {
  let cap = 16;
  while (cap < capacity * 2) cap <<= 1;
  return cap;
}

/** The slot holding (h1, h2), or the empty slot where it would go (h2 already moved off (0, 0)). */
function slot(hi: Uint32Array, lo: Uint32Array, mask: number, h1: number, h2: number): number {
  let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
  for (;;) {
    const a = hi[i];
    const b = lo[i];
    if ((a === 0 && b === 0) || (a === h1 && b === h2)) return i;
    i = (i + 1) & mask;
  }
}

/** A set of 64-bit fingerprints, 16 to 32 bytes per state at the load it keeps. */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    const cap = capacityFor(capacity);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** Add; true when it was not there yet. */
  add(h1: number, h2: number): boolean {
    h1 >>>= 0;
    h2 >>>= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    const i = slot(this.hi, this.lo, this.mask, h1, h2);
    if (this.hi[i] !== 0 || this.lo[i] !== 0) return false;
    this.hi[i] = h1;
    this.lo[i] = h2;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return true;
  }

  has(h1: number, h2: number): boolean {
    h1 >>>= 0;
    h2 >>>= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    const i = slot(this.hi, this.lo, this.mask, h1, h2);
    return this.hi[i] !== 0 || this.lo[i] !== 0;
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

/** A map from 64-bit fingerprints to small non-negative integers, laid out like FingerprintSet. */
export class FingerprintMap {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    const cap = capacityFor(capacity);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The value stored for (h1, h2), or -1. */
  get(h1: number, h2: number): number {
    h1 >>>= 0;
    h2 >>>= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    const i = slot(this.hi, this.lo, this.mask, h1, h2);
    return this.hi[i] !== 0 || this.lo[i] !== 0 ? this.val[i] : -1;
  }

  set(h1: number, h2: number, v: number): void {
    h1 >>>= 0;
    h2 >>>= 0;
    if (h1 === 0 && h2 === 0) h2 = 1;
    const i = slot(this.hi, this.lo, this.mask, h1, h2);
    this.val[i] = v;
    if (this.hi[i] !== 0 || this.lo[i] !== 0) return;
    this.hi[i] = h1;
    this.lo[i] = h2;
    this.size++;
    if (this.size * 2 > this.mask) {
      const { hi, lo, val } = this;
      this.hi = new Uint32Array(hi.length * 2);
      this.lo = new Uint32Array(lo.length * 2);
      this.val = new Int32Array(val.length * 2);
      this.mask = this.hi.length - 1;
      this.size = 0;
      for (let k = 0; k < hi.length; k++) if (hi[k] !== 0 || lo[k] !== 0) this.set(hi[k], lo[k], val[k]);
    }
  }
}
