// The ZAB reducers driven deterministically, without the scheduler: a FIFO
// network delivered oldest first and timers fired oldest first when nothing is
// in flight (the fair suffix's order).
import { describe, expect, it } from 'vitest';
import type { Input } from '../src/model.ts';
import {
  fmtZxid,
  planSync,
  zabModel,
  zxid,
  type Txn,
  type WriteRequest,
  type ZabConfig,
  type ZabDurable,
  type ZabMsg,
  type ZabState,
} from '../models/zab/index.ts';

const NONE = { crashes: 0, drops: 0, duplicates: 0, partitions: 0 };
const cfgOf = (voters: number, observers = 0, mutant: string | null = null): ZabConfig => ({ mutant, voters, observers, writes: 0, budget: NONE });
const tx = (e: number, c: number, v = c): Txn => ({ z: zxid(e, c), v });

interface Net {
  cfg: ZabConfig;
  nodes: ZabState[];
  queue: { from: number; to: number; msg: ZabMsg }[];
  timers: { node: number; name: string }[];
  sent: { from: number; to: number; msg: ZabMsg }[];
}

function step(net: Net, id: number, input: Input<ZabMsg, WriteRequest>): void {
  const r = zabModel.step(net.nodes[id], input, id, net.cfg);
  net.nodes[id] = r.state;
  for (const s of r.effects.send ?? []) {
    net.queue.push({ from: id, to: s.to, msg: s.msg });
    net.sent.push({ from: id, to: s.to, msg: s.msg });
  }
  const t = r.effects.timers;
  if (t?.cancel) net.timers = net.timers.filter((x) => x.node !== id || !t.cancel!.includes(x.name));
  for (const name of t?.set ?? []) if (!net.timers.some((x) => x.node === id && x.name === name)) net.timers.push({ node: id, name });
}

/** Start every server from the given durable state (or empty) and run to quiescence. */
function boot(cfg: ZabConfig, durables: (ZabDurable | null)[] = []): Net {
  const n = cfg.voters + cfg.observers;
  const net: Net = { cfg, nodes: [], queue: [], timers: [], sent: [] };
  for (let i = 0; i < n; i++) net.nodes.push(durables[i] ? zabModel.recover(durables[i], i, cfg) : zabModel.init(i, cfg));
  for (let i = 0; i < n; i++) step(net, i, durables[i] ? { kind: 'restart' } : { kind: 'start' });
  settle(net);
  return net;
}

function settle(net: Net, max = 5000): void {
  for (let k = 0; k < max; k++) {
    const m = net.queue.shift();
    if (m) {
      step(net, m.to, { kind: 'deliver', from: m.from, msg: m.msg });
      continue;
    }
    const t = net.timers.shift();
    if (!t) return;
    step(net, t.node, { kind: 'timeout', timer: t.name });
  }
  throw new Error('no quiescence');
}

const durable = (acceptedEpoch: number, currentEpoch: number, history: Txn[]): ZabDurable => ({ acceptedEpoch, currentEpoch, history });

describe('Fast Leader Election', () => {
  it('elects the voter with the highest (peerEpoch, zxid, sid) and syncs everyone to its log', () => {
    const cfg = cfgOf(3);
    const net = boot(cfg, [
      durable(2, 2, [tx(1, 1), tx(2, 1)]),
      durable(2, 2, [tx(1, 1), tx(2, 1), tx(2, 2)]),
      durable(1, 1, [tx(1, 1), tx(1, 2), tx(1, 3)]), // the longest log, but an older epoch
    ]);
    expect(net.nodes.map((s) => s.state)).toEqual(['FOLLOWING', 'LEADING', 'FOLLOWING']);
    expect(net.nodes[1].lead?.phase).toBe('broadcast');
    expect(net.nodes[1].lead?.epoch).toBe(3);
    for (const s of net.nodes) {
      expect(s.currentEpoch).toBe(3);
      expect(s.history.map((t) => fmtZxid(t.z))).toEqual(['1:1', '2:1', '2:2']);
      expect(s.lastCommitted).toBe(3);
    }
    const kinds = net.sent.filter((m) => m.msg.t === 'SYNC').map((m) => [m.to, (m.msg as { kind: string }).kind]);
    expect(kinds).toEqual(expect.arrayContaining([[0, 'DIFF'], [2, 'TRUNC']]));
  });

  it('breaks a tie on (peerEpoch, zxid) by the highest server id', () => {
    const h = [tx(1, 1)];
    const net = boot(cfgOf(3), [durable(1, 1, h), durable(1, 1, h), durable(1, 1, h)]);
    expect(net.nodes.map((s) => s.state)).toEqual(['FOLLOWING', 'FOLLOWING', 'LEADING']);
  });

  it('observers never lead and end OBSERVING the elected leader', () => {
    const net = boot(cfgOf(3, 2));
    expect(net.nodes.map((s) => s.state)).toEqual(['FOLLOWING', 'FOLLOWING', 'LEADING', 'OBSERVING', 'OBSERVING']);
    expect(net.nodes[3].leader).toBe(2);
    expect(net.nodes[3].lphase).toBe('broadcast');
  });
});

describe('synchronisation picks DIFF, TRUNC or SNAP from the follower last zxid (§4.2 step 4)', () => {
  const cfg = cfgOf(3);
  const h = [tx(1, 1), tx(1, 2), tx(2, 1)];
  const plan = (last: number, c = cfg, log = h) => {
    const p = planSync(log, last, c);
    return { kind: p.kind, to: p.to < 0 ? null : fmtZxid(p.to), txns: p.txns.map((t) => fmtZxid(t.z)) };
  };
  it('same last zxid: empty DIFF', () => expect(plan(zxid(2, 1))).toEqual({ kind: 'DIFF', to: null, txns: [] }));
  it('in my log: DIFF of what follows', () => expect(plan(zxid(1, 2))).toEqual({ kind: 'DIFF', to: null, txns: ['2:1'] }));
  it('ahead of me: TRUNC to my last', () => expect(plan(zxid(3, 4))).toEqual({ kind: 'TRUNC', to: '2:1', txns: [] }));
  it('below my first: SNAP', () => expect(plan(0)).toEqual({ kind: 'SNAP', to: null, txns: ['1:1', '1:2', '2:1'] }));
  it('in range but not in my log: TRUNC to the largest lower zxid, then DIFF (ZOOKEEPER-1154)', () => {
    expect(plan(zxid(1, 3))).toEqual({ kind: 'TRUNC', to: '1:2', txns: ['2:1'] });
    expect(plan(zxid(1, 3), cfgOf(3, 0, 'diff-instead-of-trunc'))).toEqual({ kind: 'DIFF', to: null, txns: ['2:1'] });
  });
  it('an empty leader truncates everything', () => expect(plan(zxid(1, 1), cfg, [])).toEqual({ kind: 'TRUNC', to: '0:0', txns: [] }));
});

describe('the follower on NEWLEADER: persist the txns, then currentEpoch, then ACK-LD (ZOOKEEPER-4643, 4646)', () => {
  // A follower in sync with a DIFF buffered, about to see NEWLEADER(e2).
  const base = (mutant: string | null) => {
    const cfg = cfgOf(3, 0, mutant);
    const s0 = zabModel.recover(durable(2, 1, [tx(1, 1)]), 0, cfg);
    const s: ZabState = { ...s0, state: 'FOLLOWING', leader: 2, sess: 1, lphase: 'sync', synced: [tx(1, 1), tx(1, 2)] };
    const r = zabModel.step(s, { kind: 'deliver', from: 2, msg: { t: 'NEWLEADER', s: 1, e: 2, z: zxid(1, 2) } }, 0, cfg);
    return { r, d: zabModel.durable(r.state, 0, cfg) as ZabDurable };
  };
  it('correct: the log and the epoch are on disk when ACK-LD leaves', () => {
    const { r, d } = base(null);
    expect(r.effects.send?.[0].msg.t).toBe('ACKLD');
    expect(d.history.length).toBe(2);
    expect(d.currentEpoch).toBe(2);
  });
  it('epoch-before-history: the epoch is on disk, the log is not yet, and no ACK-LD', () => {
    const { r, d } = base('epoch-before-history');
    expect(d.currentEpoch).toBe(2);
    expect(d.history.length).toBe(1);
    expect(r.effects.send ?? []).toEqual([]);
  });
  it('ackld-before-persist: ACK-LD leaves while the log is still in memory', () => {
    const { r, d } = base('ackld-before-persist');
    expect(r.effects.send?.[0].msg.t).toBe('ACKLD');
    expect(d.history.length).toBe(1);
  });
});

describe('broadcast', () => {
  function leaderWithOutstanding(mutant: string | null) {
    const cfg = { ...cfgOf(3, 1, mutant), writes: 1 };
    const net = boot(cfg);
    expect(net.nodes[2].lead?.phase).toBe('broadcast');
    net.sent = [];
    step(net, 2, { kind: 'client', request: { v: 7 } });
    const z = net.nodes[2].history[net.nodes[2].history.length - 1].z;
    return { net, z, cfg };
  }
  it("an observer's ACK never counts towards the commit quorum", () => {
    const { net, z } = leaderWithOutstanding(null);
    // Observers get no PROPOSAL...
    expect(net.sent.filter((m) => m.msg.t === 'PROPOSAL').map((m) => m.to)).toEqual([0, 1]);
    // ...and an ACK from one, were it sent, changes nothing.
    const before = net.nodes[2].lastCommitted;
    step(net, 2, { kind: 'deliver', from: 3, msg: { t: 'ACK', s: net.nodes[3].sess, z } });
    expect(net.nodes[2].lastCommitted).toBe(before);
    // A voter's ACK makes the quorum (leader + one follower of three).
    step(net, 2, { kind: 'deliver', from: 0, msg: { t: 'ACK', s: net.nodes[0].sess, z } });
    expect(net.nodes[2].lastCommitted).toBe(before + 1);
  });
  it('count-observer-ack: the leader commits on an observer ACK alone', () => {
    const { net, z } = leaderWithOutstanding('count-observer-ack');
    const before = net.nodes[2].lastCommitted;
    step(net, 2, { kind: 'deliver', from: 3, msg: { t: 'ACK', s: net.nodes[3].sess, z } });
    expect(net.nodes[2].lastCommitted).toBe(before + 1);
  });
  it('a write submitted to a follower or an observer is forwarded, committed and delivered everywhere', () => {
    const cfg = cfgOf(3, 1);
    const net = boot(cfg);
    step(net, 0, { kind: 'client', request: { v: 1 } });
    step(net, 3, { kind: 'client', request: { v: 2 } });
    settle(net);
    for (const s of net.nodes) {
      expect(s.history.map((t) => `${fmtZxid(t.z)}=w${t.v}`)).toEqual(['1:1=w1', '1:2=w2']);
      expect(s.lastCommitted).toBe(2);
    }
  });
});

describe('ZOOKEEPER-1154 (diff-instead-of-trunc), driven directly', () => {
  // s0 logged 1:2 in epoch 1 but it never committed; s1 and s2 moved on to epoch 2.
  const durables = [durable(1, 1, [tx(1, 1), tx(1, 2)]), durable(2, 2, [tx(1, 1), tx(2, 1)]), durable(2, 2, [tx(1, 1), tx(2, 1)])];
  const logs = (net: Net) => net.nodes.map((s) => s.history.slice(0, s.lastCommitted).map((t) => fmtZxid(t.z)).join(' '));
  it('correct: the stale txn is truncated and every server delivers the same log', () => {
    const net = boot(cfgOf(3), durables);
    expect(net.nodes[2].state).toBe('LEADING');
    expect(logs(net)).toEqual(['1:1 2:1', '1:1 2:1', '1:1 2:1']);
  });
  it('mutant: the stale txn survives the DIFF and is delivered, so the logs diverge', () => {
    const net = boot(cfgOf(3, 0, 'diff-instead-of-trunc'), durables);
    expect(logs(net)).toEqual(['1:1 1:2 2:1', '1:1 2:1', '1:1 2:1']);
  });
});
