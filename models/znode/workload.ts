// What the clients of the znode protocol ask for, and the configuration that
// carries it: fast-check generates (and shrinks) the operation list itself, so a
// counterexample is a short list of ZooKeeper calls plus a schedule.
import type { BaseConfig } from '../../src/model.ts';
import type { CreateMode, MultiOp, Txn } from './types.ts';
import type { SessionId } from './stat.ts';

export type SubOp =
  | { t: 'create'; path: string; mode: CreateMode }
  | { t: 'delete'; path: string; version: number }
  | { t: 'set'; path: string; version: number }
  | { t: 'check'; path: string; version: number };

export type ZOp = SubOp | { t: 'get' | 'exists' | 'children'; path: string; watch: boolean } | { t: 'multi'; ops: SubOp[] } | { t: 'sync' } | { t: 'close' };

export interface OpItem {
  /** The client node (1..clients) that issues it. */
  client: number;
  op: ZOp;
}

export interface ZnodeConfig extends BaseConfig {
  /** Client processes: nodes 1..clients; node 0 is the server. */
  clients: number;
  ops: OpItem[];
  /** Clients whose sessions the server may expire (one workload item each). */
  expire: number[];
  /** ContainerManager on: when a container loses its last child, a server timer deletes it (deleteContainer txn). */
  sweep: boolean;
}

/**
 * A request injected at a node. A client runs its own operations in program
 * order (the order of cfg.ops): each `next` it receives issues the next one, so
 * the adversary chooses when each client moves and how clients interleave, not
 * whether a child is created before its parent. The server can be told to expire
 * a client's sessions.
 */
export type ZRequest = { t: 'next' } | { t: 'expire'; client: number };

/** A client's program: its operations with their index in cfg.ops (the value a write carries is "v"+k). */
export function programOf(cfg: ZnodeConfig, client: number): { k: number; op: ZOp }[] {
  const out: { k: number; op: ZOp }[] = [];
  cfg.ops.forEach((o, k) => {
    if (o.client === client) out.push({ k, op: o.op });
  });
  return out;
}

/** Each write carries a value unique to its workload item ("v"+k, as the history format recommends). */
function subTxn(op: SubOp, value: string): MultiOp {
  switch (op.t) {
    case 'create':
      return { type: 'create', path: op.path, data: value, mode: op.mode };
    case 'delete':
      return { type: 'delete', path: op.path, version: op.version };
    case 'set':
      return { type: 'setData', path: op.path, data: value, version: op.version };
    case 'check':
      return { type: 'check', path: op.path, version: op.version };
  }
}

/** The txn a write becomes at the server, or null for reads. */
export function toTxn(op: ZOp, k: number, session: SessionId): Txn | null {
  const v = `v${k}`;
  switch (op.t) {
    case 'create':
    case 'delete':
    case 'set':
    case 'check':
      return { ...subTxn(op, v), session };
    case 'multi':
      return { type: 'multi', ops: op.ops.map((o, i) => subTxn(o, `${v}.${i}`)), session };
    case 'close':
      return { type: 'closeSession', session };
    default:
      return null;
  }
}

export function formatSubOp(op: SubOp): string {
  switch (op.t) {
    case 'create':
      return `create ${op.path} ${op.mode}`;
    case 'delete':
      return `delete ${op.path} v${op.version}`;
    case 'set':
      return `set ${op.path} v${op.version}`;
    case 'check':
      return `check ${op.path} v${op.version}`;
  }
}

export function formatOp(op: ZOp): string {
  switch (op.t) {
    case 'get':
    case 'exists':
    case 'children':
      return `${op.t} ${op.path}${op.watch ? ' watch' : ''}`;
    case 'multi':
      return `multi[${op.ops.map(formatSubOp).join('; ')}]`;
    case 'sync':
      return 'sync';
    case 'close':
      return 'close';
    default:
      return formatSubOp(op);
  }
}
