// Path rules of ZooKeeper 3.8 (org.apache.zookeeper.common.PathUtils): the
// client library refuses a bad path before sending it, and the server answers
// BADARGUMENTS for one that slips through, so the tree treats both the same.

export const ROOT = '/';

/** Why `path` is not a valid znode path, or null when it is. Sequential creates validate `path + "1"`, so "/q/" is a valid prefix. */
export function pathProblem(path: string, sequential = false): string | null {
  const p = sequential ? path + '1' : path;
  if (p.length === 0) return 'path length must be > 0';
  if (p.charCodeAt(0) !== 0x2f) return 'path must start with /';
  if (p.length === 1) return null;
  if (p.charCodeAt(p.length - 1) === 0x2f) return 'path must not end with /';
  let last = 0x2f;
  for (let i = 1; i < p.length; last = p.charCodeAt(i), i++) {
    const c = p.charCodeAt(i);
    const endsName = i + 1 === p.length || p.charCodeAt(i + 1) === 0x2f;
    if (c === 0) return `null character @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name @${i}`;
    // "." and ".." are refused as whole names only: "a.b" and "..x" are fine.
    if (c === 0x2e && last === 0x2e && p.charCodeAt(i - 2) === 0x2f && endsName) return `relative path @${i}`;
    if (c === 0x2e && last === 0x2f && endsName) return `relative path @${i}`;
    // Control characters, C1, surrogates and private use, and the specials block (PathUtils' ranges).
    if ((c > 0 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0) return `invalid character @${i}`;
  }
  return null;
}

/** "/a/b" -> "/a"; "/a" -> "/"; "/" -> null. */
export function parentOf(path: string): string | null {
  if (path === ROOT) return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? ROOT : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The nodes every server has before any transaction (DataTree's constructor):
 * deleting them is BADARGUMENTS (PrepRequestProcessor refuses "special" paths).
 */
export const SPECIAL_PATHS: ReadonlySet<string> = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/** The dynamic-configuration node's ACL is read-only (READ_ACL_UNSAFE): creating under it or writing it is NOAUTH. */
export const CONFIG_NODE = '/zookeeper/config';

/** Suffix of a sequential node: the parent's cversion, "%010d" as PrepRequestProcessor formats it (a wrapped, negative cversion keeps its sign). */
export function sequenceSuffix(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
}

/** The counter of a sequential name ("q-0000000012" -> 12), or null when it has no 10-digit suffix. */
export function sequenceOf(name: string): number | null {
  if (name.length < 10) return null;
  const tail = name.slice(-10);
  if (!/^(\d{10}|-\d{9})$/.test(tail)) return null;
  return Number(tail);
}
