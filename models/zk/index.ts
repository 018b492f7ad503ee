// The ZooKeeper ensemble as a pure node model: servers (ZAB + data tree +
// client connections) and clients (one session each).
import type { Input, NodeId, NodeModel, StepResult } from '../../src/model.ts';
import { EMPTY_DISK, zabDisk, zabModel, type ZabDisk } from '../zab/index.ts';
import { endedClient, initClient, stepClient } from './client.ts';
import { isServer, zabConfig } from './config.ts';
import { initServer, stepServer } from './server.ts';
import { warmStates, type WarmStart } from './warm.ts';
import type { ZkConfig, ZkMsg, ZkObs, ZkRequest, ZkState } from './types.ts';

export * from './types.ts';
export * from './config.ts';
export { ZK_MUTANTS } from './mutants.ts';
export { zkRender } from './render.ts';
export { describeOp, describeResult, describeTxn } from './describe.ts';
export { isServing } from './server.ts';
export { warmStates, type WarmStart } from './warm.ts';

export type WarmStates = (cfg: ZkConfig) => WarmStart | null;

/**
 * The model, given how to get the warm-start states. They depend on the
 * topology only, so a caller may memoise them (the protocol does, per instance).
 */
export function makeZkModel(warm: WarmStates = warmStates): NodeModel<ZkState, ZkMsg, ZkRequest, ZkObs, ZkConfig> {
  return {
    ...zkModel,
    init: (id, cfg) => initNode(id, cfg, warm),
    disk: { apply: (d, w) => zabDisk.apply(d as ZabDisk, w, null as never), channel: zabDisk.channel, init: (id, cfg) => initDisk(id, cfg, warm) },
  };
}

function initNode(id: NodeId, cfg: ZkConfig, warm: WarmStates): ZkState {
  const start = cfg.warm ? warm(cfg) : null;
  if (start !== null) return start.states[id];
  return isServer(id, cfg) ? initServer(zabModel.init(id, zabConfig(cfg)), cfg) : initClient();
}

/** A server's disk is ZAB's; a client has none (it never writes). */
function initDisk(id: NodeId, cfg: ZkConfig, warm: WarmStates): unknown {
  const start = cfg.warm ? warm(cfg) : null;
  if (start !== null) return start.disks[id];
  return isServer(id, cfg) ? EMPTY_DISK : null;
}

export const zkModel: NodeModel<ZkState, ZkMsg, ZkRequest, ZkObs, ZkConfig> = {
  init(id: NodeId, cfg: ZkConfig): ZkState {
    return initNode(id, cfg, warmStates);
  },
  step(s: ZkState, input: Input<ZkMsg, ZkRequest>, id: NodeId, cfg: ZkConfig): StepResult<ZkState, ZkMsg, ZkObs> {
    return s.kind === 'server' ? stepServer(s, input, id, cfg) : stepClient(s, input, id, cfg);
  },
  /** Only for inspecting a live state; a crash keeps the disk (below). A client keeps nothing. */
  durable(s: ZkState, id: NodeId, cfg: ZkConfig): unknown {
    return s.kind === 'server' ? zabModel.durable(s.zab, id, zabConfig(cfg)) : null;
  },
  disk: { apply: (d, w) => zabDisk.apply(d as ZabDisk, w, null as never), channel: zabDisk.channel, init: (id, cfg) => initDisk(id, cfg, warmStates) },
  /**
   * A server restarts from its disk: ZAB loads the snapshot and replays the log;
   * the tree is then rebuilt from those txns as they are delivered again.
   */
  recover(d: unknown, id: NodeId, cfg: ZkConfig): ZkState {
    return isServer(id, cfg) ? initServer(zabModel.recover(d, id, zabConfig(cfg)), cfg) : endedClient();
  },
};
