// A warm start: the ensemble as it is once a freshly started ZooKeeper has
// elected its first leader, every server serves under it, and every client
// holds a session. The initial election is ZAB's own business (its suite
// explores it from scratch); the ensemble's adversary is better spent on what
// clients see: with a cold start most of the fault budget is used before any
// client has a session. A warm configuration gets there by running the model's
// own reducers, deterministically and fault-free: every message delivered in
// send order, a timer fired only when nothing is in flight, until all is quiet.
import type { Effects, Input, NodeId } from '../../src/model.ts';
import { zabDisk, zabModel, type ZabDisk } from '../zab/index.ts';
import { initClient, stepClient } from './client.ts';
import { isServer, nodeCount, zabConfig } from './config.ts';
import { initServer, stepServer } from './server.ts';
import type { ZkConfig, ZkMsg, ZkObs, ZkRequest, ZkState } from './types.ts';

const STEP_BOUND = 20000;

export interface WarmStart {
  readonly states: readonly ZkState[];
  /** Each server's disk then (clients have none): every write of the warm-up flushed at once. */
  readonly disks: readonly (ZabDisk | null)[];
}

/**
 * Every node's state once the ensemble serves and every client is connected, for
 * this topology (the workload and the mutant play no part: the run starts
 * after); null if that is not reached with nothing in flight and no timer armed.
 * The disk is prompt here: each write completes right after the step that asked for it.
 */
export function warmStates(topology: ZkConfig): WarmStart | null {
  const cfg: ZkConfig = { ...topology, mutant: null, timeouts: false, ops: topology.ops.map(() => []) };
  const n = nodeCount(cfg);
  const states: ZkState[] = [];
  const disks: (ZabDisk | null)[] = [];
  for (let i = 0; i < n; i++) {
    states.push(isServer(i, cfg) ? initServer(zabModel.init(i, zabConfig(cfg)), cfg) : initClient());
    disks.push(isServer(i, cfg) ? (zabDisk.init(i, zabConfig(cfg)) as ZabDisk) : null);
  }
  const queue: { from: NodeId; to: NodeId; msg: ZkMsg }[] = [];
  let head = 0;
  let timers: { node: NodeId; name: string }[] = [];
  const run = (i: NodeId, input: Input<ZkMsg, ZkRequest>) => {
    const s = states[i];
    const r = s.kind === 'server' ? stepServer(s, input, i, cfg) : stepClient(s, input, i, cfg);
    states[i] = r.state;
    const fx: Effects<ZkMsg, ZkObs> = r.effects;
    if (fx.send !== undefined) for (const x of fx.send) queue.push({ from: i, to: x.to, msg: x.msg });
    const cancel = fx.timers?.cancel;
    if (cancel !== undefined) timers = timers.filter((t) => t.node !== i || !cancel.includes(t.name));
    for (const name of fx.timers?.set ?? []) if (!timers.some((t) => t.node === i && t.name === name)) timers.push({ node: i, name });
    if (fx.write !== undefined && fx.write.length > 0) {
      let d = disks[i] as ZabDisk;
      for (const w of fx.write) d = zabDisk.apply(d, w, zabConfig(cfg)) as ZabDisk;
      disks[i] = d;
      run(i, { kind: 'flushed', writes: fx.write });
    }
  };
  const done = () => states.every((s) => (s.kind === 'server' ? s.serving : s.phase === 'connected'));
  for (let i = 0; i < n; i++) run(i, { kind: 'start' });
  for (let k = 0; k < STEP_BOUND; k++) {
    if (head < queue.length) {
      const m = queue[head++];
      run(m.to, { kind: 'deliver', from: m.from, msg: m.msg });
      continue;
    }
    if (timers.length === 0) break;
    const t = timers[0];
    timers = timers.slice(1);
    run(t.node, { kind: 'timeout', timer: t.name });
  }
  if (head < queue.length || timers.length > 0 || !done()) return null;
  return { states, disks };
}
