// The znode protocol as a pure node model: node 0 is a ZooKeeper server holding
// the data tree, nodes 1..k are client processes with sessions. The tree itself
// (tree.ts) is the part other models and the history checker reuse.
import type { Input, NodeId, NodeModel, StepResult } from '../../src/model.ts';
import { initClient, stepClient } from './client.ts';
import type { ClientState, ServerState, ZMsg, ZObs, ZState } from './messages.ts';
import { initServer, stepServer } from './server.ts';
import type { Tree } from './types.ts';
import type { ZnodeConfig, ZRequest } from './workload.ts';

export * from './messages.ts';
export * from './workload.ts';
export { ZNODE_MUTANTS } from './mutants.ts';

interface ServerDurable {
  tree: Tree;
  zxid: number;
  time: number;
  sessionsMade: number;
}

export const znodeModel: NodeModel<ZState, ZMsg, ZRequest, ZObs, ZnodeConfig> = {
  init(id: NodeId, cfg: ZnodeConfig): ZState {
    return id === 0 ? initServer(cfg) : initClient();
  },
  step(s: ZState, input: Input<ZMsg, ZRequest>, id: NodeId, cfg: ZnodeConfig): StepResult<ZState, ZMsg, ZObs> {
    return s.role === 'server' ? stepServer(s, input, cfg) : stepClient(s, input, id, cfg);
  },
  // The server's tree, zxid and sessions are in its snapshot and txn log; its
  // connections and watches are not. A client process keeps only its place in
  // its program: a restarted client goes on with its next operation, in a new
  // session (queued and outstanding requests are lost).
  durable(s: ZState): unknown {
    if (s.role === 'client') return { issued: s.issued };
    return { tree: s.tree, zxid: s.zxid, time: s.time, sessionsMade: s.sessionsMade } satisfies ServerDurable;
  },
  recover(d: unknown, id: NodeId, cfg: ZnodeConfig): ZState {
    if (id !== 0) return initClient((d as { issued: number }).issued);
    const sd = d as ServerDurable;
    const s: ServerState = { ...initServer(cfg), tree: sd.tree, zxid: sd.zxid, time: sd.time, sessionsMade: sd.sessionsMade };
    return s;
  },
};

export function isClient(s: ZState | null): s is ClientState {
  return s !== null && s.role === 'client';
}
