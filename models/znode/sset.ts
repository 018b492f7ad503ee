// A persistent sorted set of strings for a node's children and a session's
// ephemerals. Small sets are plain sorted arrays (the common case, and what
// clients read); past FLAT_MAX entries the set becomes a list of sorted chunks,
// so that adding the 100,000th sequential child of a queue node copies one chunk
// and the chunk list instead of the whole array.

export type SSet = readonly string[] | Chunked;

export interface Chunked {
  readonly chunks: readonly (readonly string[])[];
  readonly size: number;
}

const FLAT_MAX = 512;
const CHUNK = 128;

export const SSET_EMPTY: readonly string[] = [];

function isFlat(s: SSet): s is readonly string[] {
  return Array.isArray(s);
}

/** First index whose element is >= x (sorted strings or numbers). */
export function lowerBound<T extends string | number>(xs: readonly T[], x: T): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertAt(xs: readonly string[], i: number, x: string): string[] {
  const out = new Array<string>(xs.length + 1);
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

/** The chunk that holds, or would hold, x: the first whose last element is >= x, else the last. */
function chunkFor(c: Chunked, x: string): number {
  let lo = 0;
  let hi = c.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const ch = c.chunks[mid];
    if (ch[ch.length - 1] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toChunks(xs: readonly string[]): Chunked {
  const chunks: string[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) chunks.push(xs.slice(i, i + CHUNK));
  return { chunks, size: xs.length };
}

export function ssetSize(s: SSet): number {
  return isFlat(s) ? s.length : s.size;
}

export function ssetHas(s: SSet, x: string): boolean {
  if (isFlat(s)) return s[lowerBound(s, x)] === x;
  const ch = s.chunks[chunkFor(s, x)];
  return ch[lowerBound(ch, x)] === x;
}

/** The same set object when x is already there. */
export function ssetAdd(s: SSet, x: string): SSet {
  if (isFlat(s)) {
    const i = lowerBound(s, x);
    if (s[i] === x) return s;
    const out = insertAt(s, i, x);
    return out.length > FLAT_MAX ? toChunks(out) : out;
  }
  const ci = chunkFor(s, x);
  const ch = s.chunks[ci];
  const i = lowerBound(ch, x);
  if (ch[i] === x) return s;
  const grown = insertAt(ch, i, x);
  const chunks = s.chunks.slice();
  if (grown.length > 2 * CHUNK) chunks.splice(ci, 1, grown.slice(0, CHUNK), grown.slice(CHUNK));
  else chunks[ci] = grown;
  return { chunks, size: s.size + 1 };
}

/** The same set object when x is absent. */
export function ssetRemove(s: SSet, x: string): SSet {
  if (isFlat(s)) {
    const i = lowerBound(s, x);
    return s[i] === x ? removeAt(s, i) : s;
  }
  const ci = chunkFor(s, x);
  const ch = s.chunks[ci];
  const i = lowerBound(ch, x);
  if (ch[i] !== x) return s;
  const shrunk = removeAt(ch, i);
  const chunks = shrunk.length === 0 ? removeAt(s.chunks, ci) : s.chunks.slice();
  if (shrunk.length > 0) chunks[ci] = shrunk;
  const size = s.size - 1;
  // Back to a flat array well below the threshold, so sizes near it do not flap.
  if (size <= FLAT_MAX / 2) return chunks.flat();
  return { chunks, size };
}

/** The elements in order: the set itself when it is flat (no copy). */
export function ssetToArray(s: SSet): readonly string[] {
  return isFlat(s) ? s : s.chunks.flat();
}
