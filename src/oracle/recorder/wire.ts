// ZooKeeper request/reply bodies, encoded and decoded here rather than by
// node-zookeeper-client: its op layer has no CREATE2 or SYNC, and throws on any error
// code it does not know (SESSIONMOVED, NOWATCHER, ...). We keep its connection layer
// (handshake, pings, reconnect, xids, pending queue), which speaks in whole frames.

export const OP = {
  CREATE: 1,
  DELETE: 2,
  EXISTS: 3,
  GET_DATA: 4,
  SET_DATA: 5,
  SYNC: 9,
  PING: 11,
  GET_CHILDREN2: 12,
  CREATE2: 15,
  SET_WATCHES: 101,
  CLOSE_SESSION: -11,
} as const;

export const XID = { NOTIFICATION: -1, PING: -2, AUTH: -4, SET_WATCHES: -8 } as const;

export const CREATE_FLAGS = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
} as const;
export type CreateModeName = keyof typeof CREATE_FLAGS;

const ERROR_NAMES: Record<number, string> = {
  [-1]: 'SYSTEMERROR',
  [-2]: 'RUNTIMEINCONSISTENCY',
  [-3]: 'DATAINCONSISTENCY',
  [-4]: 'CONNECTIONLOSS',
  [-5]: 'MARSHALLINGERROR',
  [-6]: 'UNIMPLEMENTED',
  [-7]: 'OPERATIONTIMEOUT',
  [-8]: 'BADARGUMENTS',
  [-13]: 'NEWCONFIGNOQUORUM',
  [-14]: 'RECONFIGINPROGRESS',
  [-15]: 'UNKNOWNSESSION',
  [-100]: 'APIERROR',
  [-101]: 'NONODE',
  [-102]: 'NOAUTH',
  [-103]: 'BADVERSION',
  [-108]: 'NOCHILDRENFOREPHEMERALS',
  [-110]: 'NODEEXISTS',
  [-111]: 'NOTEMPTY',
  [-112]: 'SESSIONEXPIRED',
  [-113]: 'INVALIDCALLBACK',
  [-114]: 'INVALIDACL',
  [-115]: 'AUTHFAILED',
  [-118]: 'SESSIONMOVED',
  [-119]: 'NOTREADONLY',
  [-120]: 'EPHEMERALONLOCALSESSION',
  [-121]: 'NOWATCHER',
  [-122]: 'RECONFIGDISABLED',
  [-123]: 'SESSIONCLOSEDREQUIRESASLAUTH',
  [-124]: 'REQUESTTIMEOUT',
  [-125]: 'QUOTAEXCEEDED',
  [-127]: 'THROTTLEDOP',
};

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `UNKNOWN(${code})`;
}

/** Errors after which the server has certainly not changed state; all others are indeterminate. */
export const DEFINITE_ERRORS = new Set(['NONODE', 'NODEEXISTS', 'BADVERSION', 'NOTEMPTY', 'NOCHILDRENFOREPHEMERALS', 'NOAUTH', 'BADARGUMENTS', 'INVALIDACL']);

export const EVENT_NAMES: Record<number, string> = {
  [-1]: 'None',
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
  5: 'DataWatchRemoved',
  6: 'ChildWatchRemoved',
  7: 'PersistentWatchRemoved',
};

export function sessionHex(id: bigint): string {
  return '0x' + BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

/** The znode stat, shared with the tree model so the two can never drift apart. */
export type { Stat } from '../../../models/znode/stat.ts';
import type { Stat } from '../../../models/znode/stat.ts';

// ---- encoding -------------------------------------------------------------------------

class Writer {
  private parts: Buffer[] = [];
  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  long(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt.asIntN(64, v));
    this.parts.push(b);
    return this;
  }
  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int(b.length).raw(b);
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int(-1);
    return this.int(b.length).raw(b);
  }
  strings(v: string[]): this {
    this.int(v.length);
    for (const s of v) this.str(s);
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** world:anyone with every permission: the recorder tests ordering, not access control. */
function openAcl(w: Writer): Writer {
  return w.int(1).int(31).str('world').str('anyone');
}

export const encode = {
  create(path: string, data: Buffer, mode: CreateModeName): Buffer {
    return openAcl(new Writer().str(path).bytes(data)).int(CREATE_FLAGS[mode]).done();
  },
  del(path: string, version: number): Buffer {
    return new Writer().str(path).int(version).done();
  },
  pathWatch(path: string, watch: boolean): Buffer {
    return new Writer().str(path).bool(watch).done();
  },
  setData(path: string, data: Buffer, version: number): Buffer {
    return new Writer().str(path).bytes(data).int(version).done();
  },
  sync(path: string): Buffer {
    return new Writer().str(path).done();
  },
  setWatches(relativeZxid: bigint, data: string[], exist: string[], child: string[]): Buffer {
    return new Writer().long(relativeZxid).strings(data).strings(exist).strings(child).done();
  },
};

/**
 * The shape node-zookeeper-client's ConnectionManager queues: it stamps header.xid when it
 * sends, keeps the packet in its pending queue unless it is a ping or auth, and calls
 * toBuffer() to write it. payload stays null so it never tries to chroot our bytes.
 */
export class RawRequest {
  readonly header: { xid: number; type: number };
  readonly payload = null;
  constructor(
    type: number,
    private readonly body: Buffer,
  ) {
    this.header = { xid: 0, type };
  }
  toBuffer(): Buffer {
    const out = Buffer.alloc(12 + this.body.length);
    out.writeInt32BE(8 + this.body.length, 0);
    out.writeInt32BE(this.header.xid, 4);
    out.writeInt32BE(this.header.type, 8);
    this.body.copy(out, 12);
    return out;
  }
}

// ---- decoding -------------------------------------------------------------------------

export class Reader {
  constructor(
    private readonly buf: Buffer,
    public off: number,
  ) {}
  int(): number {
    const v = this.buf.readInt32BE(this.off);
    this.off += 4;
    return v;
  }
  long(): bigint {
    const v = this.buf.readBigInt64BE(this.off);
    this.off += 8;
    return v;
  }
  bool(): boolean {
    return this.buf.readUInt8(this.off++) !== 0;
  }
  bytes(): Buffer | null {
    const n = this.int();
    if (n < 0) return null;
    const b = this.buf.subarray(this.off, this.off + n);
    if (b.length !== n) throw new Error(`truncated buffer field: want ${n} bytes, have ${b.length}`);
    this.off += n;
    return Buffer.from(b);
  }
  str(): string | null {
    const b = this.bytes();
    return b === null ? null : b.toString('utf8');
  }
  strings(): string[] {
    const n = this.int();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.str() ?? '');
    return out;
  }
  stat(): Stat {
    const czxid = Number(this.long());
    const mzxid = Number(this.long());
    const ctime = Number(this.long());
    const mtime = Number(this.long());
    const version = this.int();
    const cversion = this.int();
    const aversion = this.int();
    const ephemeralOwner = sessionHex(this.long());
    const dataLength = this.int();
    const numChildren = this.int();
    const pzxid = Number(this.long());
    return { czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, dataLength, numChildren };
  }
}

export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

/** frame = 4-byte length prefix + reply header + body, exactly as it came off the socket. */
export function replyHeader(frame: Buffer): ReplyHeader {
  return { xid: frame.readInt32BE(4), zxid: frame.readBigInt64BE(8), err: frame.readInt32BE(16) };
}

export const REPLY_BODY_OFFSET = 20;

export interface WatcherEventWire {
  type: number;
  state: number;
  path: string;
}

export function decodeNotification(frame: Buffer): WatcherEventWire {
  const r = new Reader(frame, REPLY_BODY_OFFSET);
  const type = r.int();
  const state = r.int();
  const path = r.str() ?? '';
  return { type, state, path };
}

/** UTF-8 when it round-trips, otherwise base64, as the history format asks. */
export function dataField(b: Buffer | null): { value: string | null } | { value_b64: string } {
  if (b === null) return { value: null };
  const s = b.toString('utf8');
  if (Buffer.from(s, 'utf8').equals(b)) return { value: s };
  return { value_b64: b.toString('base64') };
}
