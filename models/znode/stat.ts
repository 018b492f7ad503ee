// The znode Stat as ZooKeeper 3.8 reports it, and the encodings the tree shares
// with the history format (session ids and ephemeralOwner as "0x%016x").

export interface Stat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  /** Data version: bumped by every setData. */
  readonly version: number;
  /**
   * Child version as clients see it: creates plus deletes of children. The server
   * stores only the count of creates (the sequential suffix comes from that count)
   * and DataNode.copyStat reports 2·creates − numChildren, so the root "/" of a
   * fresh server, with its one child "zookeeper", reports -1.
   */
  readonly cversion: number;
  /** ACL version. */
  readonly aversion: number;
  /**
   * "0x%016x": the owning session of an ephemeral, else NO_OWNER. Containers are
   * stored with CONTAINER_OWNER but reported as NO_OWNER (getClientEphemeralOwner).
   */
  readonly ephemeralOwner: string;
  /** Bytes of UTF-8. */
  readonly dataLength: number;
  readonly numChildren: number;
}

export type SessionId = string;

export const NO_OWNER = '0x0000000000000000';
/** EphemeralType.CONTAINER_EPHEMERAL_OWNER = Long.MIN_VALUE. */
export const CONTAINER_OWNER = '0x8000000000000000';

/** A session id as the history writes it: "0x" and 16 lower-case hex digits. */
export function sessionHex(hi: number, lo: number): SessionId {
  return '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/**
 * Does this owner make the node a session's ephemeral? EphemeralType.get with
 * extended types off (the default; TTL nodes are not modelled): zero is a
 * persistent node, Long.MIN_VALUE a container, anything else a session, negative
 * ids included (a server with myid >= 128 hands those out).
 */
export function isSessionOwner(owner: string): boolean {
  return owner !== NO_OWNER && owner !== CONTAINER_OWNER;
}

/** Byte length of the UTF-8 encoding (a lone surrogate becomes U+FFFD, 3 bytes, as TextEncoder does). */
export function utf8Length(s: string | null): number {
  if (s === null) return 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** DataTree.createStat: a new node's zxids are all its create zxid, its versions 0. `owner` is the stored owner. */
export function createStat(zxid: number, time: number, owner: string, dataLength: number): Stat {
  return { czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0, aversion: 0, ephemeralOwner: clientOwner(owner), dataLength, numChildren: 0 };
}

/** What clients see of a stored owner: only a session's ephemerals report one. */
export function clientOwner(owner: string): string {
  return isSessionOwner(owner) ? owner : NO_OWNER;
}

/** The reported cversion from the stored count of child creates (Java int arithmetic). */
export function reportedCversion(creates: number, numChildren: number): number {
  return (Math.imul(creates, 2) - numChildren) | 0;
}

/** The stored count of child creates behind a reported stat: what the next sequential suffix will be. */
export function childCreates(s: Stat): number {
  return ((s.cversion + s.numChildren) / 2) | 0;
}

/** Java int arithmetic: versions are 32-bit and wrap (3.8 has no ZOOKEEPER-4743 skip of -1). */
export function incInt(v: number): number {
  return (v + 1) | 0;
}

/** Stats equal field by field; `times` false ignores ctime and mtime (wall-clock on a real server). */
export function statEquals(a: Stat, b: Stat, times = true): boolean {
  return (
    a.czxid === b.czxid &&
    a.mzxid === b.mzxid &&
    a.pzxid === b.pzxid &&
    (!times || (a.ctime === b.ctime && a.mtime === b.mtime)) &&
    a.version === b.version &&
    a.cversion === b.cversion &&
    a.aversion === b.aversion &&
    a.ephemeralOwner === b.ephemeralOwner &&
    a.dataLength === b.dataLength &&
    a.numChildren === b.numChildren
  );
}
