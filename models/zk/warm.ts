// A warm start: the servers as they are once a freshly started ensemble has
// elected its first leader and every server serves under it. The initial
// election is ZAB's own business (its suite explores it from scratch); the
// ensemble's adversary is better spent on what clients see, and with a cold
// start the fault budget would mostly be used up before any client has a
// session. A warm configuration gets there by running the ZAB reducers
// themselves, deterministically: every message delivered in send order, a timer
// fired only when nothing is in flight, until all serve and all is quiet.
import type { Effects, Input, NodeId } from '../../src/model.ts';
import { zabModel, type WriteRequest, type ZabMsg, type ZabObs, type ZabState } from '../zab/index.ts';
import { serverCount, zabConfig } from './config.ts';
import { isServing } from './server.ts';
import type { ZkConfig } from './types.ts';

const STEP_BOUND = 5000;

/** Every server's ZAB state once the first leader serves and all servers follow it; null if that is not reached quietly. */
export function warmEnsemble(cfg: ZkConfig): readonly ZabState[] | null {
  const zc = zabConfig(cfg);
  const n = serverCount(cfg);
  const states: ZabState[] = [];
  for (let i = 0; i < n; i++) states.push(zabModel.init(i, zc));
  const queue: { from: NodeId; to: NodeId; msg: ZabMsg }[] = [];
  let head = 0;
  let timers: { node: NodeId; name: string }[] = [];
  const run = (i: NodeId, input: Input<ZabMsg, WriteRequest>) => {
    const r = zabModel.step(states[i], input, i, zc);
    states[i] = r.state;
    const fx: Effects<ZabMsg, ZabObs> = r.effects;
    if (fx.send !== undefined) for (const s of fx.send) queue.push({ from: i, to: s.to, msg: s.msg });
    const cancel = fx.timers?.cancel;
    if (cancel !== undefined) timers = timers.filter((t) => t.node !== i || !cancel.includes(t.name));
    for (const name of fx.timers?.set ?? []) if (!timers.some((t) => t.node === i && t.name === name)) timers.push({ node: i, name });
  };
  for (let i = 0; i < n; i++) run(i, { kind: 'start' });
  for (let k = 0; k < STEP_BOUND; k++) {
    if (head < queue.length) {
      const m = queue[head++];
      run(m.to, { kind: 'deliver', from: m.from, msg: m.msg });
      continue;
    }
    if (timers.length === 0 || states.every(isServing)) break;
    const t = timers[0];
    timers = timers.slice(1);
    run(t.node, { kind: 'timeout', timer: t.name });
  }
  if (head < queue.length || timers.length > 0 || !states.every(isServing)) return null;
  return states;
}
