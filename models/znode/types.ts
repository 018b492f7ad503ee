// The data types of the znode tree: nodes, transactions, results and watch
// triggers. Everything is immutable; a new tree shares all it did not change.
import type { ZkCode, ZkError } from './errors.ts';
import type { PMap } from './pmap.ts';
import type { SessionId, Stat } from './stat.ts';
import type { SSet } from './sset.ts';

export type CreateMode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL' | 'CONTAINER';

export const CREATE_MODES: readonly CreateMode[] = ['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL', 'CONTAINER'];

export function isSequential(m: CreateMode): boolean {
  return m === 'PERSISTENT_SEQUENTIAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

export function isEphemeral(m: CreateMode): boolean {
  return m === 'EPHEMERAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

export interface ZNode {
  /** null when created with null data (then dataLength is 0). */
  readonly data: string | null;
  /** The stat as a client receives it (see Stat.cversion and Stat.ephemeralOwner). */
  readonly stat: Stat;
  /** Child names, sorted (UTF-16 code-unit order, as JavaScript sorts). */
  readonly children: readonly string[];
  /** Stored cversion: children ever created here. The next sequential child's suffix. */
  readonly creates: number;
  /** Stored ephemeralOwner: a session, CONTAINER_OWNER or NO_OWNER. */
  readonly owner: string;
}

/** A node as the tree stores it: the children as a persistent sorted set (a plain array while small). */
export type StoredNode = Omit<ZNode, 'children'> & { readonly children: SSet };

export interface Tree {
  /** path -> node; "/" always present. Read it through getNode. */
  readonly nodes: PMap<StoredNode>;
  /** Live sessions -> the paths of their ephemerals. */
  readonly sessions: PMap<SSet>;
}

/** The write operations a multi may hold (ZooKeeper's Op.create/delete/setData/check). */
export type MultiOp =
  | { readonly type: 'create'; readonly path: string; readonly data: string | null; readonly mode: CreateMode }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: string | null; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

/**
 * One transaction, as the leader orders them. Writes carry the session that sent
 * them: a write from a session that is not live is SESSIONEXPIRED.
 */
export type Txn =
  | (MultiOp & { readonly session: SessionId })
  | { readonly type: 'multi'; readonly ops: readonly MultiOp[]; readonly session: SessionId }
  | { readonly type: 'createSession'; readonly session: SessionId }
  /** Close or expiry: the session's ephemerals are deleted at this zxid. */
  | { readonly type: 'closeSession'; readonly session: SessionId }
  /** The ContainerManager's sweep of an empty container (no session). */
  | { readonly type: 'deleteContainer'; readonly path: string };

export type TxnType = Txn['type'];

export interface TxnCtx {
  readonly zxid: number;
  /** The leader's wall clock in the txn header: ctime and mtime. */
  readonly time: number;
  /** A named bug variant of the tree (see mutants.ts); absent or null for ZooKeeper's behaviour. */
  readonly mutant?: string | null;
}

/** Per-op result of a multi (OpResult in the Java client). */
export type OpResult =
  | { readonly type: 'create'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'check' }
  /** A failed multi: OK for ops before the failing one, its error, RUNTIMEINCONSISTENCY after. */
  | { readonly type: 'error'; readonly code: ZkCode };

export type TxnResult =
  | {
      readonly ok: true;
      readonly type: TxnType;
      /** create: the node created (with its sequence suffix); delete/setData/check: the path. */
      readonly path?: string;
      /** create and setData: the node's stat after the txn (CREATE2 / SETDATA replies). */
      readonly stat?: Stat;
      /** multi: one result per op. */
      readonly results?: readonly OpResult[];
      /** closeSession: the ephemerals it deleted, sorted. */
      readonly deleted?: readonly string[];
    }
  | {
      readonly ok: false;
      readonly type: TxnType;
      /** For a multi: the first failing op's error (what the client's multi throws). */
      readonly code: ZkError;
      readonly results?: readonly OpResult[];
    };

export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

/** A change that fires watches (DataTree's triggerWatch calls), in the order the txn made them. */
export interface WatchTrigger {
  readonly type: WatchEventType;
  readonly path: string;
  readonly zxid: number;
}

export interface Applied {
  /** The same tree object when nothing changed (every error txn). */
  readonly tree: Tree;
  readonly result: TxnResult;
  readonly triggers: readonly WatchTrigger[];
}
