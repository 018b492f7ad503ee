// Node layout, session ids, and what a ZAB payload means. ZAB replicates a
// number v per txn; v names the request (client, session generation, op index)
// and the op itself is looked up in the workload table of the configuration,
// so every replica applies the same znode transaction at the same zxid.
import type { NodeId } from '../../src/model.ts';
import { sessionHex, statEquals, applyTxn, getNode, type Tree, type Stat, type Txn, type TxnResult, type WatchTrigger } from '../znode/tree.ts';
import type { WatchKind } from '../znode/watches.ts';
import type { ZabConfig } from '../zab/index.ts';
import type { OpResult, ReadOp, ZkConfig, ZkOp } from './types.ts';

export const MAX_CLIENTS = 8;
/** Op slots per (client, generation); the two top ones are session txns. */
const OP_SLOTS = 64;
export const MAX_OPS = 60;
export const OP_CREATE_SESSION = 62;
export const OP_EXPIRE = 63;

export function serverCount(cfg: ZkConfig): number {
  return cfg.voters + cfg.observers;
}

export function clientCount(cfg: ZkConfig): number {
  return cfg.ops.length;
}

export function nodeCount(cfg: ZkConfig): number {
  return serverCount(cfg) + cfg.ops.length;
}

export function isServer(id: NodeId, cfg: ZkConfig): boolean {
  return id < cfg.voters + cfg.observers;
}

export function clientNode(c: number, cfg: ZkConfig): NodeId {
  return cfg.voters + cfg.observers + c;
}

export function clientIndex(id: NodeId, cfg: ZkConfig): number {
  return id - cfg.voters - cfg.observers;
}

/**
 * The ZAB model reads only voters, observers and mutant from its configuration;
 * the ensemble's mutant names never collide with ZAB's, so ZAB runs correct.
 */
export function zabConfig(cfg: ZkConfig): ZabConfig {
  return cfg as unknown as ZabConfig;
}

/** A session id as ZooKeeper prints it; one per (client, connect attempt that created it). */
export function sessionId(c: number, g: number): string {
  return sessionHex(c + 1, g);
}

export interface Payload {
  readonly c: number;
  readonly g: number;
  /** Op index, OP_CREATE_SESSION or OP_EXPIRE. */
  readonly op: number;
  /** Refused by the leader's session tracker (SESSIONMOVED): an error txn. */
  readonly moved: boolean;
}

export function encode(c: number, g: number, op: number, moved = false): number {
  return ((g * MAX_CLIENTS + c) * OP_SLOTS + op) * 2 + (moved ? 1 : 0);
}

export function decode(v: number): Payload {
  const moved = (v & 1) === 1;
  const r = v >>> 1;
  const op = r % OP_SLOTS;
  const cg = (r - op) / OP_SLOTS;
  return { c: cg % MAX_CLIENTS, g: Math.floor(cg / MAX_CLIENTS), op, moved };
}

export function isRead(op: ZkOp): op is ReadOp {
  return op.op === 'getData' || op.op === 'exists' || op.op === 'getChildren';
}

/** The data a write of client c's op k carries: unique, so a read shows whose write it sees. */
export function dataOf(c: number, k: number): string {
  return `c${c}.${k}`;
}

/** The znode transaction a payload stands for; null for an error txn decided by the leader. */
export function txnOf(v: number, cfg: ZkConfig): Txn | null {
  const p = decode(v);
  if (p.moved) return null;
  const session = sessionId(p.c, p.g);
  if (p.op === OP_CREATE_SESSION) return { type: 'createSession', session };
  if (p.op === OP_EXPIRE) return { type: 'closeSession', session };
  const op = cfg.ops[p.c]?.[p.op];
  if (op === undefined) return null;
  switch (op.op) {
    case 'create':
      return { type: 'create', path: op.path, data: dataOf(p.c, p.op), mode: op.mode, session };
    case 'setData':
      return { type: 'setData', path: op.path, data: dataOf(p.c, p.op), version: op.version, session };
    case 'delete':
      return { type: 'delete', path: op.path, version: op.version, session };
    case 'close':
      return { type: 'closeSession', session };
    default:
      return null;
  }
}

export interface AppliedPayload {
  readonly tree: Tree;
  readonly result: OpResult;
  readonly triggers: readonly WatchTrigger[];
  /** closeSession: the ephemerals it deleted. */
  readonly deleted: readonly string[];
}

const NONE: readonly never[] = Object.freeze([]);
const MOVED: OpResult = Object.freeze({ ok: false, code: 'SESSIONMOVED' as const });

/** What the client of a txn is told: the created path and stat, the new stat, or the error. */
export function clientResult(txn: Txn, res: TxnResult): OpResult {
  if (!res.ok) return { ok: false, code: res.code };
  if (txn.type === 'create') return { ok: true, path: res.path, stat: res.stat };
  if (txn.type === 'setData') return { ok: true, stat: res.stat };
  return { ok: true };
}

/** Apply payload v at zxid z. ctime and mtime come from the logical clock: the zxid itself. */
export function applyPayload(tree: Tree, v: number, z: number, cfg: ZkConfig): AppliedPayload {
  const txn = txnOf(v, cfg);
  if (txn === null) return { tree, result: MOVED, triggers: NONE, deleted: NONE };
  const r = applyTxn(tree, txn, { zxid: z, time: z });
  const res = r.result;
  return { tree: r.tree, result: clientResult(txn, res), triggers: r.triggers, deleted: res.ok && res.deleted ? res.deleted : NONE };
}

/** A read served from a tree (FinalRequestProcessor's getData / exists / getChildren2). */
export function readOp(tree: Tree, op: ReadOp): OpResult {
  return readNode(getNode(tree, op.path), op);
}

/** The same read of a node already looked up (null: absent), whichever tree it came from. */
export function readNode(node: { readonly data: string | null; readonly stat: Stat; readonly children: readonly string[] } | null, op: ReadOp): OpResult {
  switch (op.op) {
    case 'getData':
      return node === null ? { ok: false, code: 'NONODE' } : { ok: true, data: node.data, stat: node.stat };
    case 'exists':
      return { ok: true, stat: node === null ? null : node.stat };
    case 'getChildren':
      return node === null ? { ok: false, code: 'NONODE' } : { ok: true, children: node.children, stat: node.stat };
  }
}

/**
 * The watch a successful read leaves behind: getData a data watch, getChildren a
 * child watch, exists a data watch on an existing node and an exist watch on a
 * missing one (a failed getData or getChildren registers nothing).
 */
export function watchOf(op: ReadOp, res: OpResult): WatchKind | null {
  if (!op.watch || !res.ok) return null;
  if (op.op === 'getData') return 'data';
  if (op.op === 'getChildren') return 'child';
  return res.stat === null ? 'exist' : 'data';
}

export function sameResult(a: OpResult, b: OpResult): boolean {
  if (a.ok !== b.ok || a.code !== b.code || a.path !== b.path || a.data !== b.data) return false;
  if ((a.stat ?? null) === null || (b.stat ?? null) === null) {
    if ((a.stat ?? null) !== (b.stat ?? null)) return false;
  } else if (!statEquals(a.stat!, b.stat!)) return false;
  const x = a.children;
  const y = b.children;
  if (x === y) return true;
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
