// The ZAB reducers driven deterministically, without the scheduler: a FIFO
// network delivered oldest first, disk writes completed before anything else
// (a prompt disk), and timers fired oldest first when nothing is in flight
// (the fair suffix's order).
import { describe, expect, it } from 'vitest';
import type { Input } from '../src/model.ts';
import { fmtZxid, planSync, replay, zabDisk, zabModel, zxid, type Txn, type ZabDisk, type WriteRequest, type ZabConfig, type ZabDurable, type ZabMsg, type ZabState } from '../models/zab/index.ts';

const NONE = { crashes: 0, drops: 0, duplicates: 0, partitions: 0 };
const cfgOf = (voters: number, observers = 0, mutant: string | null = null): ZabConfig => ({ mutant, voters, observers, writes: 0, budget: NONE });
const tx = (e: number, c: number, v = c): Txn => ({ z: zxid(e, c), v });

interface Net {
  cfg: ZabConfig;
  nodes: ZabState[];
  disks: ZabDisk[];
  /** Write batches not yet flushed, oldest first. */
  io: { node: number; writes: unknown[] }[];
  queue: { from: number; to: number; msg: ZabMsg }[];
  timers: { node: number; name: string }[];
  sent: { from: number; to: number; msg: ZabMsg }[];
}

function step(net: Net, id: number, input: Input<ZabMsg, WriteRequest>): void {
  const r = zabModel.step(net.nodes[id], input, id, net.cfg);
  net.nodes[id] = r.state;
  if (r.effects.write !== undefined) net.io.push({ node: id, writes: r.effects.write });
  for (const s of r.effects.send ?? []) {
    net.queue.push({ from: id, to: s.to, msg: s.msg });
    net.sent.push({ from: id, to: s.to, msg: s.msg });
  }
  const t = r.effects.timers;
  if (t?.cancel) net.timers = net.timers.filter((x) => x.node !== id || !t.cancel!.includes(x.name));
  for (const name of t?.set ?? []) if (!net.timers.some((x) => x.node === id && x.name === name)) net.timers.push({ node: id, name });
}

/** Complete the oldest queued write batch: the disk changes, then the node steps on it. */
function flush(net: Net): boolean {
  const b = net.io.shift();
  if (!b) return false;
  for (const w of b.writes) net.disks[b.node] = zabDisk.apply(net.disks[b.node], w, net.cfg);
  step(net, b.node, { kind: 'flushed', writes: b.writes });
  return true;
}

/** Start every server from the given disk (or empty) and run to quiescence. */
function boot(cfg: ZabConfig, durables: (ZabDurable | null)[] = []): Net {
  const n = cfg.voters + cfg.observers;
  const net: Net = { cfg, nodes: [], disks: [], io: [], queue: [], timers: [], sent: [] };
  for (let i = 0; i < n; i++) {
    const d = durables[i];
    net.disks.push(d ? { acceptedEpoch: d.acceptedEpoch, currentEpoch: d.currentEpoch, snap: null, log: d.history } : zabDisk.init(i, cfg));
    net.nodes.push(d ? zabModel.recover(net.disks[i], i, cfg) : zabModel.init(i, cfg));
  }
  for (let i = 0; i < n; i++) step(net, i, durables[i] ? { kind: 'restart' } : { kind: 'start' });
  settle(net);
  return net;
}

function settle(net: Net, max = 5000): void {
  for (let k = 0; k < max; k++) {
    if (flush(net)) continue;
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
    const cfg = { ...cfgOf(3), window: 4 };
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
    const kinds = net.sent.filter((m) => m.msg.t === 'DIFF' || m.msg.t === 'TRUNC' || m.msg.t === 'SNAP').map((m) => [m.to, m.msg.t]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        [0, 'DIFF'],
        [2, 'TRUNC'],
      ]),
    );
    // What each server replays after a restart is what it serves.
    for (let i = 0; i < 3; i++) expect(replay(net.disks[i]).map((t) => fmtZxid(t.z))).toEqual(['1:1', '2:1', '2:2']);
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
  const cfg = { ...cfgOf(3), window: 2 };
  const h = [tx(1, 1), tx(1, 2), tx(2, 1)];
  const plan = (last: number, c: ZabConfig = cfg, log = h) => {
    const p = planSync(log, last, c);
    return { kind: p.kind, z: fmtZxid(p.z), send: log.slice(p.from).map((t) => fmtZxid(t.z)) };
  };
  it('same last zxid: empty DIFF', () => expect(plan(zxid(2, 1))).toEqual({ kind: 'DIFF', z: '2:1', send: [] }));
  it('in the committedLog: DIFF of what follows', () => expect(plan(zxid(1, 2))).toEqual({ kind: 'DIFF', z: '2:1', send: ['2:1'] }));
  it('ahead of me: TRUNC to my last', () => expect(plan(zxid(3, 4))).toEqual({ kind: 'TRUNC', z: '2:1', send: [] }));
  it('older than the committedLog window: SNAP, also to a learner that is not empty', () => {
    expect(plan(zxid(1, 1))).toEqual({ kind: 'SNAP', z: '2:1', send: [] });
    expect(plan(0)).toEqual({ kind: 'SNAP', z: '2:1', send: [] });
  });
  it('an empty learner and a log within the window: DIFF of the whole log (txn-log sync)', () => {
    expect(plan(0, { ...cfg, window: 4 })).toEqual({ kind: 'DIFF', z: '2:1', send: ['1:1', '1:2', '2:1'] });
  });
  it('in range but not in my log: TRUNC to the largest lower zxid, then DIFF (ZOOKEEPER-1154)', () => {
    expect(plan(zxid(1, 3))).toEqual({ kind: 'TRUNC', z: '1:2', send: ['2:1'] });
    expect(plan(zxid(1, 3), { ...cfgOf(3, 0, 'diff-instead-of-trunc'), window: 2 })).toEqual({ kind: 'DIFF', z: '2:1', send: ['2:1'] });
  });
  it('an empty leader truncates everything', () => expect(plan(zxid(1, 1), cfg, [])).toEqual({ kind: 'TRUNC', z: '0:0', send: [] }));
});

describe('the follower on NEWLEADER: log the txns, then currentEpoch, then ACK (ZOOKEEPER-4643, 4646)', () => {
  // A follower that received DIFF and the PROPOSAL of 2:1, about to see NEWLEADER(e2).
  type W = { kind: string; ch: number };
  const run = (mutant: string | null) => {
    const cfg = cfgOf(3, 0, mutant);
    const s0 = zabModel.recover({ acceptedEpoch: 2, currentEpoch: 1, snap: null, log: [tx(1, 1)] }, 0, cfg);
    let s: ZabState = { ...s0, state: 'FOLLOWING', leader: 2, sess: 1, lphase: 'sync', synced: [tx(1, 1), tx(2, 1)] };
    // Flush each write batch as soon as it is asked for, and record the order of writes and sends.
    const events: string[] = [];
    const pending: unknown[][] = [];
    const take = (r: { state: ZabState; effects: { send?: { msg: ZabMsg }[]; write?: unknown[] } }) => {
      s = r.state;
      for (const x of r.effects.send ?? []) events.push(`send ${x.msg.t}${'z' in x.msg ? ` ${fmtZxid(x.msg.z)}` : ''}`);
      if (r.effects.write) {
        for (const w of r.effects.write as W[]) events.push(`write ${(w as unknown as { w: string }).w}`);
        // One batch per channel, as the scheduler queues them.
        const byCh = new Map<number, unknown[]>();
        for (const w of r.effects.write) byCh.set(zabDisk.channel(w), [...(byCh.get(zabDisk.channel(w)) ?? []), w]);
        for (const b of byCh.values()) pending.push(b);
      }
    };
    take(zabModel.step(s, { kind: 'deliver', from: 2, msg: { t: 'NEWLEADER', s: 1, e: 2, z: zxid(2, 1) } }, 0, cfg));
    while (pending.length > 0) {
      // The epoch file's write returns first when both are queued: the log thread is the slower.
      const b = (pending.length > 1 ? pending.pop() : pending.shift()) as unknown[];
      events.push(`flushed ${b.map((w) => (w as { w: string }).w).join('+')}`);
      take(zabModel.step(s, { kind: 'flushed', writes: b }, 0, cfg));
    }
    return events;
  };
  it('correct (3.9): the log is flushed, then currentEpoch is written, and only then the ACK of NEWLEADER, then the ACK of 2:1', () => {
    expect(run(null)).toEqual(['write append', 'flushed append', 'write current', 'flushed current', 'send ACK 2:1', 'send ACK 2:1']);
  });
  it('epoch-before-history (ZOOKEEPER-4643): currentEpoch is written and flushed before the txns are handed to the log', () => {
    expect(run('epoch-before-history')).toEqual(['write current', 'flushed current', 'write append', 'flushed append', 'send ACK 2:1', 'send ACK 2:1']);
  });
  it('ackld-before-persist (ZOOKEEPER-4646): the ACK leaves once the epoch is written, without waiting for the log', () => {
    const ev = run('ackld-before-persist');
    expect(ev.slice(0, 3)).toEqual(['write append', 'write current', 'flushed current']);
    expect(ev.indexOf('send ACK 2:1')).toBeLessThan(ev.indexOf('flushed append'));
  });
  it('the 3.8.0 profile: currentEpoch first, the txns only queued when the ACK leaves', () => {
    const cfg = { ...cfgOf(3), profile: '3.8.0' };
    const s0 = zabModel.recover({ acceptedEpoch: 2, currentEpoch: 1, snap: null, log: [tx(1, 1)] }, 0, cfg);
    const s: ZabState = { ...s0, state: 'FOLLOWING', leader: 2, sess: 1, lphase: 'sync', synced: [tx(1, 1), tx(2, 1)] };
    const r1 = zabModel.step(s, { kind: 'deliver', from: 2, msg: { t: 'NEWLEADER', s: 1, e: 2, z: zxid(2, 1) } }, 0, cfg);
    expect((r1.effects.write ?? []).map((w) => (w as { w: string }).w)).toEqual(['current']);
    const r2 = zabModel.step(r1.state, { kind: 'flushed', writes: r1.effects.write as unknown[] }, 0, cfg);
    expect((r2.effects.write ?? []).map((w) => (w as { w: string }).w)).toEqual(['append']);
    expect(r2.effects.send?.map((x) => x.msg.t)).toEqual(['ACK']);
  });
});

describe('broadcast', () => {
  function leaderWithOutstanding(mutant: string | null) {
    const cfg = { ...cfgOf(3, 1, mutant), writes: 1 };
    const net = boot(cfg);
    expect(net.nodes[2].lead?.phase).toBe('broadcast');
    net.sent = [];
    step(net, 2, { kind: 'client', request: { v: 7 } });
    // The leader's own log write completes: it counts its own ack.
    expect(flush(net)).toBe(true);
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
  const logs = (net: Net) =>
    net.nodes.map((s) =>
      s.history
        .slice(0, s.lastCommitted)
        .map((t) => fmtZxid(t.z))
        .join(' '),
    );
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
