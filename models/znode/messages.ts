// The znode protocol's messages, node states and observations. One server
// (node 0) holds the tree; each client (nodes 1..k) holds at most one session
// at a time, over a FIFO link (ZooKeeper's TCP connection).
import type { ZkError } from './errors.ts';
import type { SessionId, Stat } from './stat.ts';
import type { OpResult, Tree, Txn, TxnResult, WatchEventType, WatchTrigger } from './types.ts';
import type { WatchKind, WatchTable } from './watches.ts';
import type { ZOp } from './workload.ts';

/** What a client gets back for one request. */
export type Reply =
  | {
      ok: true;
      /** create: the node created. */
      path?: string;
      /** create, set, get, exists (null when absent), children. */
      stat?: Stat | null;
      data?: string | null;
      children?: readonly string[];
      exists?: boolean;
      results?: readonly OpResult[];
    }
  | { ok: false; code: ZkError; results?: readonly OpResult[] };

export type ZMsg =
  /** Open a session (null) or resume one after a connection break. */
  | { t: 'Connect'; session: SessionId | null }
  | { t: 'Connected'; session: SessionId; zxid: number }
  | { t: 'Req'; xid: number; session: SessionId; k: number; op: ZOp }
  /** zxid: the reply header's zxid, the server's last applied txn when it answered. */
  | { t: 'Reply'; xid: number; k: number; zxid: number; res: Reply }
  | { t: 'Watch'; type: WatchEventType; path: string; zxid: number }
  | { t: 'Expired'; session: SessionId };

/** One txn the server applied during its last step, with the trees around it (shared structure, cheap). */
export interface AppliedTxn {
  zxid: number;
  txn: Txn;
  result: TxnResult;
  /** The watch triggers the txn produced (before the watch table decided who hears them). */
  triggers: readonly WatchTrigger[];
  before: Tree;
  after: Tree;
}

export interface ServerState {
  role: 'server';
  tree: Tree;
  watches: WatchTable;
  /** Last zxid used; a failed write uses one too. */
  zxid: number;
  /** Logical clock for ctime/mtime. */
  time: number;
  /** conns[node]: the session attached on that client's connection, or null. */
  conns: readonly (SessionId | null)[];
  sessionsMade: number;
  /** The txns of the server's last step (empty when that step applied none). */
  applied: readonly AppliedTxn[];
}

export interface Reg {
  /** Unique per client program. */
  id: number;
  kind: WatchKind;
  path: string;
  /** The reply zxid of the read that registered it: it covers changes after this. */
  at: number;
}

export interface PendingReq {
  xid: number;
  k: number;
  op: ZOp;
}

export interface ClientState {
  role: 'client';
  /** How many operations of its program the client has issued. */
  issued: number;
  session: SessionId | null;
  phase: 'connecting' | 'connected' | 'closing';
  nextXid: number;
  /** Requests waiting for a session, in issue order. */
  queue: readonly { k: number; op: ZOp }[];
  /** Sent and not yet answered, in xid order. */
  pending: readonly PendingReq[];
  /** Live watch registrations (a fired one is gone). */
  regs: readonly Reg[];
  nextReg: number;
  /** Highest zxid seen in a reply, a notification or a connect. */
  lastZxid: number;
  /** Reply zxid of the last reply received, and how many replies so far. */
  replyZxid: number;
  replies: number;
  /** Notifications that matched no live registration (a watch that fired twice, or a stray event). */
  orphans: number;
}

export type ZState = ServerState | ClientState;

export type ZObs =
  | { t: 'txn'; zxid: number; what: string; ok: boolean; code?: ZkError }
  | { t: 'reply'; k: number; what: string; zxid: number; ok: boolean; code?: ZkError; created?: string }
  | { t: 'event'; type: WatchEventType; path: string; zxid: number; fired: number }
  | { t: 'session'; session: SessionId; event: 'created' | 'closed' | 'expired' | 'resumed' };
