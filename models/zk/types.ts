// The ZooKeeper ensemble: servers that run ZAB (models/zab) and keep the data
// tree (models/znode), and clients that hold sessions on them. Node ids
// 0..voters-1 are voting servers, then the observers, then the clients.
import type { BaseConfig } from '../../src/model.ts';
import type { WatchKind, WatchTable } from '../znode/watches.ts';
import type { CreateMode, Stat, Tree, WatchEventType, ZkError } from '../znode/tree.ts';
import type { ZabMsg, ZabObs, ZabState } from '../zab/index.ts';

/** One client operation of the workload table (the data a write carries is derived from client and index). */
export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly mode: CreateMode }
  | { readonly op: 'setData'; readonly path: string; readonly version: number }
  | { readonly op: 'delete'; readonly path: string; readonly version: number }
  | { readonly op: 'getData'; readonly path: string; readonly watch: boolean }
  | { readonly op: 'exists'; readonly path: string; readonly watch: boolean }
  | { readonly op: 'getChildren'; readonly path: string; readonly watch: boolean }
  /** The client closes its session (a closeSession txn). */
  | { readonly op: 'close' };

export type ReadOp = Extract<ZkOp, { op: 'getData' | 'exists' | 'getChildren' }>;

export interface ZkConfig extends BaseConfig {
  voters: number;
  observers: number;
  /** Start from an ensemble that has elected its first leader (models/zk/warm.ts), or from scratch. */
  warm: boolean;
  /**
   * Clients give up on a request with no answer in time (ClientCnxn's read
   * timeout: "Client session timed out, have not heard from server"), close the
   * connection and reconnect elsewhere; without, only broken connections move them.
   */
  timeouts: boolean;
  /** Per client, the operations its application may issue (each injected once by the scheduler). */
  ops: ZkOp[][];
  /** ZooKeeper version the servers' ZAB runs (models/zab/mutants.ts ZAB_PROFILES); default '3.9'. */
  profile?: string;
  /** The leader's committedLog length (ZabConfig.window). */
  window?: number;
}

/** What the client library hands back for one operation. */
export interface OpResult {
  readonly ok: boolean;
  readonly code?: ZkError;
  /** create: the path created (with its sequence suffix). */
  readonly path?: string;
  /** create, setData, getData, getChildren, exists (null: exists on a missing node). */
  readonly stat?: Stat | null;
  readonly data?: string | null;
  readonly children?: readonly string[];
}

/** A client-side watch registration (ZKWatchManager's data, exist and child tables). */
export interface Reg {
  readonly path: string;
  readonly kind: WatchKind;
}

/** The workload item the scheduler injects: the application calls op k. */
export interface ZkRequest {
  readonly k: number;
  /** The op in words, for traces. */
  readonly what?: string;
}

/** Client <-> server messages. `a` is the client's connection attempt (the TCP connection). */
export type ClientMsg =
  /** ConnectRequest: g = -1 asks for a new session; last = lastZxidSeen. */
  | { readonly t: 'connect'; readonly a: number; readonly g: number; readonly last: number }
  | { readonly t: 'connected'; readonly a: number; readonly g: number }
  /** The session is being created or revalidated: the handshake finishes later. */
  | { readonly t: 'wait'; readonly a: number }
  /** The server is not serving, or is behind the client's lastZxidSeen: try another. */
  | { readonly t: 'refused'; readonly a: number; readonly why: string }
  | { readonly t: 'expired'; readonly a: number }
  /** The server closed the connection (it stopped serving). */
  | { readonly t: 'dropped'; readonly a: number }
  /** The client abandons this connection (closes the socket). */
  | { readonly t: 'bye'; readonly a: number }
  /** SetWatches, sent first on a new connection (ClientCnxn.primeConnection). */
  | { readonly t: 'setWatches'; readonly a: number; readonly rel: number; readonly regs: readonly Reg[] }
  /** Request k of the session; `what` is the op in words, for traces (the server reads the op from the workload). */
  | { readonly t: 'op'; readonly a: number; readonly k: number; readonly what: string }
  /** z: the reply header's zxid (the server's last applied zxid when it replied). */
  | { readonly t: 'reply'; readonly a: number; readonly k: number; readonly z: number; readonly res: OpResult }
  | { readonly t: 'event'; readonly a: number; readonly type: WatchEventType; readonly path: string };

/** Learner <-> leader messages of the session tracker (on the quorum connection, tagged with its `s`). */
export type SessionMsg =
  /**
   * Learner.validateSession: REVALIDATE of a session a client reconnects with,
   * on its connection attempt `a`. ZooKeeper matches the answer by session id
   * only (Learner.pendingRevalidations), so the answer to an abandoned
   * connection's REVALIDATE can validate a newer connection of the session on
   * the same server while that newer connection's own REVALIDATE is still on its
   * way, and when that one arrives the leader hands the session back to this
   * server (setOwner), however far the client has moved on: a request left
   * behind on this server then passes the owner check after a later request of
   * the session. The model matches the answer to its connection.
   */
  | { readonly t: 'revalidate'; readonly s: number; readonly c: number; readonly g: number; readonly a: number }
  | { readonly t: 'revalidated'; readonly s: number; readonly c: number; readonly g: number; readonly a: number; readonly ok: boolean }
  /** No more touches for this session from me (its client left). */
  | { readonly t: 'gone'; readonly s: number; readonly c: number; readonly g: number };

export type ZkMsg = ZabMsg | ClientMsg | SessionMsg;

/** A client connection as its server sees it. */
export interface Conn {
  readonly a: number;
  /**
   * held: the connect waits until I serve (as if the client's retries to me only
   * got through then); creating: a createSession txn is on its way; validating:
   * REVALIDATE sent to the leader.
   */
  readonly st: 'held' | 'creating' | 'validating' | 'connected';
  /** Session generation (held: the one asked for, -1 for a new session). */
  readonly g: number;
  /** held: the client's lastZxidSeen. */
  readonly last: number;
  /** The write this connection waits for (op index), or -1. */
  readonly wait: number;
  /** watch-after-reply mutant: events held back until the next reply. */
  readonly held: readonly ClientMsg[];
}

/** The leader's session tracker entry (SessionTrackerImpl, volatile). */
export interface Lease {
  readonly c: number;
  readonly g: number;
  /** The server that owns the session (-1: nobody touches it), and that learner's connection tag. */
  readonly owner: number;
  readonly os: number;
  /** The owner told me its client left (it stopped touching the session). */
  readonly left: boolean;
  /** One expiry tick passed with nobody touching it. */
  readonly suspect: boolean;
  /** A closeSession (client close or expiry) was proposed. */
  readonly closing: boolean;
}

export interface ServerState {
  readonly kind: 'server';
  readonly zab: ZabState;
  readonly tree: Tree;
  /** Entries of zab.history applied to the tree. */
  readonly applied: number;
  /** Zxid and payload of the last applied txn (0 / -1 when none). */
  readonly lastZxid: number;
  readonly lastV: number;
  /** Accepting clients: leading or following in broadcast phase. */
  readonly serving: boolean;
  /** Per client index. */
  readonly conns: readonly (Conn | null)[];
  /** Watcher ids are client indices as strings. */
  readonly watches: WatchTable;
  /** Leader only, while serving. */
  readonly leases: readonly Lease[] | null;
  /** The expiry timer is armed. */
  readonly ticking: boolean;
  /** The apply timer is armed: delivered txns wait for the commit processor. */
  readonly applying: boolean;
}

export interface ClientState {
  readonly kind: 'client';
  /** idle before start; ended once its session is closed or expired, or the process restarted. */
  readonly phase: 'idle' | 'connecting' | 'waiting' | 'connected' | 'ended';
  readonly server: number;
  readonly a: number;
  /** Session generation, -1 until the first connect succeeds. */
  readonly g: number;
  readonly lastZxid: number;
  /** Ops the application called that are not yet sent, in call order. */
  readonly ready: readonly number[];
  /** The op in flight, or -1. */
  readonly out: number;
  readonly regs: readonly Reg[];
  /** Bit set of servers whose connection broke and that I have not heard from since. */
  readonly down: number;
  /** Refusals in a row: after one per server, wait for the retry timer. */
  readonly refusals: number;
}

export type ZkState = ServerState | ClientState;

export type ZkObs =
  | ZabObs
  | { t: 'apply'; z: number; v: number; ok: boolean; what: string }
  | { t: 'refuse'; c: number; why: string }
  /** Client c's watches were re-registered (SetWatches) against my tree at zxid z. */
  | { t: 'rewatch'; c: number; z: number }
  | { t: 'moved'; c: number; k: number }
  | { t: 'expire'; c: number; g: number }
  /** Client side: the history a recorder would write. */
  | { t: 'issue'; k: number }
  | { t: 'reply'; k: number; z: number; res: OpResult }
  | { t: 'event'; type: WatchEventType; path: string }
  | { t: 'lost'; k: number }
  | { t: 'session'; server: number; g: number; fresh: boolean }
  | { t: 'ended'; why: 'closed' | 'expired' };
