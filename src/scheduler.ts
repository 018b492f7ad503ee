// The adversarial scheduler: lists the enabled actions of a world in a canonical,
// benign-first order, and applies one. Both network semantics live here; the
// model picks one. Listing writes into reusable typed arrays, so a step allocates
// only what the node's own reducer allocates plus the new world record.
import type { BaseConfig, Effects, Input, NodeId, WorkItem } from './model.ts';
import type { Protocol } from './protocol.ts';
import { makePacket, makeTimer, makeUsed, makeWorld, type Batch, type Packet, type Timer, type World } from './world.ts';

export const DELIVER = 0;
export const FIRE = 1;
export const CLIENT = 2;
export const DROP = 3;
export const DUPLICATE = 4;
export const PARTITION = 5;
export const HEAL = 6;
export const CRASH = 7;
export const RESTART = 8;
/** Models with a disk: the oldest queued write batch of a node completes (fsync returns). Benign. */
export const FLUSH = 9;
/** Models with a disk: a crash after the oldest queued batch reached the disk but before its fsync returned. A fault. */
export const TORN = 10;
export const ACTION_NAMES = ['deliver', 'fire', 'client', 'drop', 'duplicate', 'partition', 'heal', 'crash', 'restart', 'flush', 'torn'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** What the last applied step did, for traces and coverage (overwritten each step). */
export interface StepInfo {
  kind: number;
  arg: number;
  /** The node that stepped, or -1 for pure network actions. */
  node: NodeId;
  input: Input<unknown, unknown> | null;
  effects: Effects<unknown, unknown> | null;
  /** The packet delivered, dropped or duplicated. */
  packet: Packet<unknown> | null;
  timer: Timer | null;
  /** For fifo drops: the two ends of the broken connection. */
  pair: [NodeId, NodeId] | null;
}

// The world's arrays (net, timers, io queues) all have one elements kind, plain
// packed: a frozen empty array or a holey copy among them gives the scheduler's
// hot loops a second map to check, and each deoptimizes once on meeting it (16
// deoptimizations in a Paxos check's sampling, 7 without; `node --trace-deopt`).
// Readonly by type: the scheduler only ever copies these arrays.
const EMPTY: readonly never[] = [];

export class Scheduler<Cfg extends BaseConfig = BaseConfig> {
  readonly n: number;
  readonly fifo: boolean;
  readonly work: WorkItem<unknown>[];
  /** Enabled actions of the last listing: kinds[i], args[i] for i < count. */
  kinds = new Uint8Array(64);
  args = new Int32Array(64);
  count = 0;
  /** How many of the listed actions are benign (deliver, fire, client): they come first. */
  benign = 0;
  readonly info: StepInfo = { kind: -1, arg: 0, node: -1, input: null, effects: null, packet: null, timer: null, pair: null };
  private readonly crashable: boolean[];
  /** The model keeps a disk: writes are queued and completed by FLUSH. */
  readonly hasDisk: boolean;
  private readonly cuts: number[];
  /** Swarm testing: the kinds the prefix leaves to the suffix (budget.hold), and fault values per eight choices (budget.rate). */
  private readonly hold: number;
  private readonly rate: number;
  private linkSeen: Uint32Array;
  private stamp = 0;

  constructor(
    readonly p: Protocol<any, any, any, any, any, Cfg>,
    readonly cfg: Cfg,
  ) {
    this.n = p.nodeCount(cfg);
    if (this.n > 30) throw new Error(`at most 30 nodes are supported (got ${this.n})`);
    this.fifo = p.network === 'fifo';
    this.work = p.workload(cfg);
    if (this.work.length > 30) throw new Error(`at most 30 workload items are supported (got ${this.work.length})`);
    this.crashable = [];
    for (let i = 0; i < this.n; i++) this.crashable.push(p.crashable ? p.crashable(i, cfg) : true);
    this.cuts = partitionCuts(this.n);
    this.hasDisk = p.model.disk !== undefined;
    this.hold = cfg.budget.hold ?? 0;
    this.rate = cfg.budget.rate ?? 1;
    this.linkSeen = new Uint32Array(this.n * this.n);
  }

  /** The world before any step: every node initialised and started. */
  initial(): World {
    const { p, cfg, n } = this;
    const nodes: unknown[] = [];
    const durable: unknown[] = [];
    const disk: unknown[] = [];
    const io: (readonly Batch[])[] = [];
    const dm = p.model.disk;
    for (let i = 0; i < n; i++) {
      nodes.push(p.model.init(i, cfg));
      durable.push(undefined);
      if (dm !== undefined) {
        disk.push(dm.init(i, cfg));
        io.push(EMPTY as never);
      }
    }
    const pending = this.work.length === 0 ? 0 : (1 << this.work.length) - 1;
    return makeWorld(0, nodes, durable, dm !== undefined ? disk : EMPTY, dm !== undefined ? io : EMPTY, EMPTY, EMPTY, 0, makeUsed(0, 0, 0, 0, 0), 1, pending, p.ghost.init(cfg));
  }

  /** Run the `start` input of node i (world creation; not a scheduled step). */
  start(w: World, i: NodeId): World {
    // Starting is part of world creation: it does not count as a step.
    const started = this.stepNode(w, i, { kind: 'start' }, w.net, w.timers, w.pending, undefined);
    const s = started;
    return makeWorld(w.step, s.nodes, s.durable, s.disk, s.io, s.net, s.timers, s.partition, s.used, s.nextId, s.pending, s.ghost);
  }

  private push(kind: number, arg: number): void {
    if (this.count === this.kinds.length) {
      const k = new Uint8Array(this.count * 2);
      k.set(this.kinds);
      this.kinds = k;
      const a = new Int32Array(this.count * 2);
      a.set(this.args);
      this.args = a;
    }
    this.kinds[this.count] = kind;
    this.args[this.count] = arg;
    this.count++;
  }

  private deliverable(w: World, pk: Packet<unknown>): boolean {
    if (w.nodes[pk.to] === null) return false;
    // A break notice is local knowledge of the receiving end: it needs no route.
    if (pk.down) return true;
    return ((w.partition >>> pk.from) & 1) === ((w.partition >>> pk.to) & 1);
  }

  /**
   * List the enabled actions in canonical order: flush · deliver · fire · client ·
   * drop · duplicate · partition · heal · crash · torn · restart. With `faults`
   * false, only the benign ones plus heal and restart (the fair suffix). Flushes
   * come first so that choice 0 is the prompt disk: shrinking pulls towards it.
   */
  enumerate(w: World, faults: boolean): number {
    const hold = faults ? this.hold : 0;
    this.listBenign(w, hold);
    this.lazy = null;
    this.faultActions(w, faults, true, hold);
    // Held kinds wait for the suffix only while something else can go.
    if (this.count === 0 && hold !== 0) {
      this.listBenign(w, 0);
      this.faultActions(w, faults, true, 0);
    }
    return this.count;
  }

  /**
   * Like enumerate(w, true), but the fault actions are only counted: they are
   * listed when pick() lands in the fault region (one step in eight), which keeps
   * the common benign step cheap.
   */
  prepare(w: World): number {
    this.lazyHold = this.hold;
    this.listBenign(w, this.hold);
    this.faultActions(w, true, false, this.hold);
    if (this.count === 0 && this.hold !== 0) {
      this.lazyHold = 0;
      this.listBenign(w, 0);
      this.faultActions(w, true, false, 0);
    }
    const benign = this.benign;
    this.lazy = w;
    const total = this.count;
    this.count = benign;
    this.lazyTotal = total;
    return total;
  }

  private lazy: World | null = null;
  private lazyTotal = 0;
  private lazyHold = 0;

  private listBenign(w: World, hold: number): void {
    this.count = 0;
    const n = this.n;
    const net = w.net;
    if (this.hasDisk && (hold & (1 << FLUSH)) === 0) {
      const io = w.io;
      for (let i = 0; i < n; i++) {
        const q = io[i];
        if (q.length === 0 || w.nodes[i] === null) continue;
        // One flush per channel with queued writes: its oldest batch.
        let seen = 0;
        for (let k = 0; k < q.length; k++) {
          const bit = 1 << q[k].ch;
          if (seen & bit) continue;
          seen |= bit;
          this.push(FLUSH, i * 4 + q[k].ch);
        }
      }
    }
    // deliver: datagram, any deliverable packet; fifo, the head of each link.
    if (this.fifo) {
      const stamp = ++this.stamp;
      const seen = this.linkSeen;
      for (let i = 0; i < net.length; i++) {
        const pk = net[i];
        const link = pk.from * n + pk.to;
        if (seen[link] === stamp) continue;
        seen[link] = stamp;
        if (this.deliverable(w, pk)) this.push(DELIVER, i);
      }
    } else {
      for (let i = 0; i < net.length; i++) if (this.deliverable(w, net[i])) this.push(DELIVER, i);
    }
    const timers = w.timers;
    if ((hold & (1 << FIRE)) === 0) for (let i = 0; i < timers.length; i++) this.push(FIRE, i);
    if (w.pending !== 0) {
      const work = this.work;
      for (let j = 0; j < work.length; j++) if ((w.pending >>> j) & 1 && w.nodes[work[j].node] !== null) this.push(CLIENT, j);
    }
    this.benign = this.count;
  }

  /** List (or with `materialize` false, only count) the fault actions after the benign ones. */
  private faultActions(w: World, faults: boolean, materialize: boolean, hold: number): void {
    const { n, cfg } = this;
    const net = w.net;
    const budget = cfg.budget;
    const used = w.used;
    const nodes = w.nodes;
    if (faults) {
      if (used.drops < budget.drops) {
        if (this.fifo) {
          for (let a = 0; a < n; a++) {
            if (nodes[a] === null) continue;
            for (let b = a + 1; b < n; b++) {
              if (nodes[b] === null || ((w.partition >>> a) & 1) !== ((w.partition >>> b) & 1)) continue;
              if (materialize) this.push(DROP, a * 32 + b);
              else this.count++;
            }
          }
        } else if (materialize) {
          for (let i = 0; i < net.length; i++) this.push(DROP, i);
        } else this.count += net.length;
      }
      if (!this.fifo && used.duplicates < budget.duplicates) {
        if (materialize) for (let i = 0; i < net.length; i++) this.push(DUPLICATE, i);
        else this.count += net.length;
      }
      if (w.partition === 0 && used.partitions < budget.partitions) {
        if (materialize) for (const cut of this.cuts) this.push(PARTITION, cut);
        else this.count += this.cuts.length;
      }
    }
    if (w.partition !== 0 && (hold & (1 << HEAL)) === 0) {
      if (materialize) this.push(HEAL, 0);
      else this.count++;
    }
    const crashes = faults && used.crashes < budget.crashes;
    for (let i = 0; i < n; i++) {
      if (nodes[i] !== null) {
        if (!crashes || !this.crashable[i]) continue;
        if (materialize) this.push(CRASH, i);
        else this.count++;
      }
    }
    if (crashes && this.hasDisk && (used.torn ?? 0) < (budget.torn ?? 0)) {
      for (let i = 0; i < n; i++) {
        if (nodes[i] === null || !this.crashable[i] || !w.io[i].some((b) => b.ch === 0)) continue;
        if (materialize) this.push(TORN, i);
        else this.count++;
      }
    }
    for (let i = 0; i < n && (hold & (1 << RESTART)) === 0; i++) {
      if (nodes[i] !== null) continue;
      if (materialize) this.push(RESTART, i);
      else this.count++;
    }
  }

  /**
   * Map a schedule choice to a listed action. The low three bits pick the region:
   * 7 means a fault (drop, duplicate, partition, heal, crash, restart), anything
   * else a benign action; the remaining bits index into that region. So about one
   * step in eight is a fault while the budget lasts, spread over the run rather
   * than spent in the first steps, and 0 is always the oldest benign action.
   * With budget.rate r (swarm testing), the values 8-r..7 mean a fault: r steps
   * in eight.
   */
  pick(choice: number): number {
    const b = this.benign;
    const f = (this.lazy !== null ? this.lazyTotal : this.count) - b;
    const idx = choice >>> 3;
    if (f === 0) return idx % b;
    if (b === 0 || (choice & 7) >= 8 - this.rate) {
      if (this.lazy !== null) {
        this.count = b;
        this.faultActions(this.lazy, true, true, this.lazyHold);
        this.lazy = null;
      }
      return b + (idx % f);
    }
    return idx % b;
  }

  /**
   * The fair suffix's deterministic choice among the listed benign actions: heal,
   * restart the lowest crashed node, flush the lowest node's disk, deliver the
   * oldest packet, inject the next client request, fire the oldest timer. -1
   * when quiescent.
   */
  fairPick(clients = true): number {
    let best = -1;
    let bestRank = 99;
    for (let i = 0; i < this.count; i++) {
      const k = this.kinds[i];
      if (!clients && k === CLIENT) continue;
      const rank = k === HEAL ? 0 : k === RESTART ? 1 : k === FLUSH ? 2 : k === DELIVER ? 3 : k === CLIENT ? 4 : k === FIRE ? 5 : 99;
      if (rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    return best;
  }

  /** Apply listed action i to w. */
  apply(w: World, i: number): World {
    const kind = this.kinds[i];
    const arg = this.args[i];
    const info = this.info;
    info.kind = kind;
    info.arg = arg;
    info.node = -1;
    info.input = null;
    info.effects = null;
    info.packet = null;
    info.timer = null;
    info.pair = null;
    switch (kind) {
      case DELIVER: {
        const pk = w.net[arg];
        info.packet = pk;
        const net = without(w.net, arg);
        const input: Input<unknown, unknown> = pk.down ? { kind: 'linkDown', peer: pk.from } : { kind: 'deliver', from: pk.from, msg: pk.msg };
        return this.stepNode(w, pk.to, input, net, w.timers, w.pending, undefined, true);
      }
      case FIRE: {
        const t = w.timers[arg];
        info.timer = t;
        return this.stepNode(w, t.node, { kind: 'timeout', timer: t.name }, w.net, without(w.timers, arg), w.pending, undefined);
      }
      case CLIENT: {
        const item = this.work[arg];
        return this.stepNode(w, item.node, { kind: 'client', request: item.request }, w.net, w.timers, w.pending & ~(1 << arg), item.request);
      }
      case DROP: {
        const u = w.used;
        const used = makeUsed(u.crashes, u.drops + 1, u.duplicates, u.partitions, u.torn ?? 0);
        if (!this.fifo) {
          info.packet = w.net[arg];
          return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, without(w.net, arg), w.timers, w.partition, used, w.nextId, w.pending, w.ghost);
        }
        const a = (arg / 32) | 0;
        const b = arg % 32;
        info.pair = [a, b];
        const net = w.net.filter((pk) => !((pk.from === a && pk.to === b) || (pk.from === b && pk.to === a)));
        let nextId = w.nextId;
        net.push(makePacket(nextId++, b, a, null, true), makePacket(nextId++, a, b, null, true));
        return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, net, w.timers, w.partition, used, nextId, w.pending, w.ghost);
      }
      case DUPLICATE: {
        const pk = w.net[arg];
        info.packet = pk;
        const net = w.net.slice();
        net.push(makePacket(w.nextId, pk.from, pk.to, pk.msg, pk.down));
        const u = w.used;
        const used = makeUsed(u.crashes, u.drops, u.duplicates + 1, u.partitions, u.torn ?? 0);
        return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, net, w.timers, w.partition, used, w.nextId + 1, w.pending, w.ghost);
      }
      case PARTITION: {
        const u = w.used;
        const used = makeUsed(u.crashes, u.drops, u.duplicates, u.partitions + 1, u.torn ?? 0);
        if (!this.fifo) return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, w.net, w.timers, arg, used, w.nextId, w.pending, w.ghost);
        // Over TCP a partition breaks every connection that crosses it, and both
        // ends find out; nothing sent before the cut arrives after it.
        const crosses = (a: number, b: number) => ((arg >>> a) & 1) !== ((arg >>> b) & 1);
        const net = w.net.filter((pk) => !(!pk.down && crosses(pk.from, pk.to)));
        let nextId = w.nextId;
        for (let a = 0; a < this.n; a++) {
          for (let b = 0; b < this.n; b++) {
            if (a !== b && crosses(a, b) && w.nodes[a] !== null && w.nodes[b] !== null) net.push(makePacket(nextId++, b, a, null, true));
          }
        }
        return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, net, w.timers, arg, used, nextId, w.pending, w.ghost);
      }
      case HEAL:
        return makeWorld(w.step + 1, w.nodes, w.durable, w.disk, w.io, w.net, w.timers, 0, w.used, w.nextId, w.pending, w.ghost);
      case CRASH:
        return this.crash(w, arg, false);
      case TORN:
        return this.crash(w, arg, true);
      case FLUSH: {
        const node = arg >> 2;
        const q = w.io[node];
        const k = oldest(q, arg & 3);
        const io = w.io.slice();
        io[node] = without(q, k);
        const disk = w.disk.slice();
        disk[node] = this.persist(w.disk[node], q[k].writes);
        const flushed = makeWorld(w.step, w.nodes, w.durable, disk, io, w.net, w.timers, w.partition, w.used, w.nextId, w.pending, w.ghost);
        return this.stepNode(flushed, node, { kind: 'flushed', writes: q[k].writes }, w.net, w.timers, w.pending, undefined);
      }
      case RESTART: {
        const node = this.p.model.recover(this.hasDisk ? w.disk[arg] : w.durable[arg], arg, this.cfg);
        const nodes = w.nodes.slice();
        nodes[arg] = node;
        const durable = w.durable.slice();
        durable[arg] = undefined;
        const recovered = makeWorld(w.step, nodes, durable, w.disk, w.io, w.net, w.timers, w.partition, w.used, w.nextId, w.pending, w.ghost);
        return this.stepNode(recovered, arg, { kind: 'restart' }, w.net, w.timers, w.pending, undefined);
      }
      default:
        throw new Error(`unknown action kind ${kind}`);
    }
  }

  /** Drop a channel's queue, then queue this step's writes: one batch per channel, in channel order. */
  private queueWrites(io0: World['io'], id: NodeId, writes: unknown[] | undefined, discard: number | undefined): World['io'] {
    const dm = this.p.model.disk;
    if (dm === undefined) throw new Error(`${this.p.name}: node ${id} wrote to a disk the model does not declare`);
    let q: readonly Batch[] = io0[id];
    if (discard !== undefined) q = q.filter((b) => b.ch !== discard);
    if (writes !== undefined && writes.length > 0) {
      const ch0 = dm.channel(writes[0]);
      let one = true;
      for (let k = 1; k < writes.length && one; k++) one = dm.channel(writes[k]) === ch0;
      if (one) q = q.concat([{ ch: ch0, writes }]);
      else {
        const byCh: unknown[][] = [];
        for (const wr of writes) (byCh[dm.channel(wr)] ??= []).push(wr);
        const add: Batch[] = [];
        for (let ch = 0; ch < byCh.length; ch++) if (byCh[ch] !== undefined) add.push({ ch, writes: byCh[ch] });
        q = q.concat(add);
      }
    }
    const io = io0.slice();
    io[id] = q;
    return io;
  }

  private persist(d: unknown, batch: readonly unknown[]): unknown {
    const dm = this.p.model.disk as NonNullable<typeof this.p.model.disk>;
    for (let k = 0; k < batch.length; k++) d = dm.apply(d, batch[k], this.cfg);
    return d;
  }

  /**
   * A crash keeps the disk and loses the node's memory and its unflushed
   * writes; `torn`: the oldest queued batch reached the disk first, but its
   * fsync never returned (so the node never stepped on it).
   */
  private crash(w: World, id: NodeId, torn: boolean): World {
    const { p, cfg } = this;
    this.info.node = id;
    const st = w.nodes[id];
    const nodes = w.nodes.slice();
    nodes[id] = null;
    const durable = w.durable.slice();
    let disk = w.disk;
    let io = w.io;
    const u = w.used;
    const used = makeUsed(u.crashes + 1, u.drops, u.duplicates, u.partitions, (u.torn ?? 0) + (torn ? 1 : 0));
    if (this.hasDisk) {
      disk = w.disk.slice();
      if (torn) {
        (disk as unknown[])[id] = this.persist(w.disk[id], w.io[id][oldest(w.io[id], 0)].writes);
      }
      durable[id] = disk[id];
      if (w.io[id].length > 0) {
        io = w.io.slice();
        (io as (readonly Batch[])[])[id] = EMPTY;
      }
    } else durable[id] = p.model.durable(st, id, cfg);
    const timers = w.timers.filter((t) => t.node !== id);
    let net = w.net;
    let nextId = w.nextId;
    if (this.fifo) {
      // Every connection of the crashed node resets; its live peers are told.
      // Break notices the node itself caused earlier (a partition) still reach
      // their live peers; everything else on its links is lost.
      const kept = w.net.filter((pk) => pk.to !== id && (pk.from !== id || pk.down));
      for (let b = 0; b < this.n; b++) {
        if (b !== id && w.nodes[b] !== null && ((w.partition >>> b) & 1) === ((w.partition >>> id) & 1)) {
          kept.push(makePacket(nextId++, id, b, null, true));
        }
      }
      net = kept;
    }
    const lost = this.hasDisk ? w.io[id].length - (torn ? 1 : 0) : 0;
    const ghost = p.ghost.update(w.ghost, id, null, undefined, cfg, undefined, lost);
    return makeWorld(w.step + 1, nodes, durable, disk, io, net, timers, w.partition, used, nextId, w.pending, ghost);
  }

  /** Step node `id` on `input` and fold in its effects (sends, timers, ghost). */
  /** `netOwned`: net0 is a fresh array this step made, so sends may be appended to it in place. */
  private stepNode(w: World, id: NodeId, input: Input<unknown, unknown>, net0: readonly Packet<unknown>[], timers0: readonly Timer[], pending: number, request: unknown, netOwned = false): World {
    const { p, cfg } = this;
    const r = p.model.step(w.nodes[id], input, id, cfg);
    const fx = r.effects;
    const info = this.info;
    info.node = id;
    info.input = input;
    info.effects = fx;
    let net = net0;
    let nextId = w.nextId;
    const sends = fx.send;
    if (sends !== undefined && sends.length > 0) {
      const out = netOwned ? (net0 as Packet<unknown>[]) : net0.slice();
      for (let k = 0; k < sends.length; k++) {
        const s = sends[k];
        const to = s.to;
        if (to < 0 || to >= this.n || to === id) throw new Error(`${p.name}: node ${id} sent to invalid node ${to}`);
        // Over FIFO links a send to a crashed or cut-off peer is lost with its
        // connection; the sender was (or will be) told by a break notice.
        if (this.fifo && (w.nodes[to] === null || ((w.partition >>> to) & 1) !== ((w.partition >>> id) & 1))) continue;
        out.push(makePacket(nextId++, id, to, s.msg, false));
      }
      net = out;
    }
    let timers = timers0;
    const tfx = fx.timers;
    if (tfx !== undefined) timers = applyTimers(timers0, id, tfx.set, tfx.cancel);
    const nodes = w.nodes.slice();
    nodes[id] = r.state;
    let io = w.io;
    if (fx.discard !== undefined || (fx.write !== undefined && fx.write.length > 0)) io = this.queueWrites(io, id, fx.write, fx.discard);
    const ghost = p.ghost.update(w.ghost, id, r.state, fx.observe, cfg, request);
    return makeWorld(w.step + 1, nodes, w.durable, w.disk, io, net, timers, w.partition, w.used, nextId, pending, ghost);
  }
}

/** Index of the oldest batch queued on channel ch. */
function oldest(q: readonly Batch[], ch: number): number {
  for (let k = 0; k < q.length; k++) if (q[k].ch === ch) return k;
  return -1;
}

function without<T>(xs: readonly T[], i: number): T[] {
  const out: T[] = [];
  for (let k = 0; k < xs.length; k++) if (k !== i) out.push(xs[k]);
  return out;
}

function applyTimers(timers: readonly Timer[], node: NodeId, set: string[] | undefined, cancel: string[] | undefined): readonly Timer[] {
  let out: Timer[] | null = null;
  if (cancel !== undefined && cancel.length > 0) {
    out = timers.filter((t) => t.node !== node || !cancel.includes(t.name));
  }
  if (set !== undefined && set.length > 0) {
    const base = out ?? timers;
    for (const name of set) {
      let armed = false;
      for (let k = 0; k < base.length; k++) {
        if (base[k].node === node && base[k].name === name) {
          armed = true;
          break;
        }
      }
      if (!armed) {
        if (out === null) out = timers.slice();
        out.push(makeTimer(node, name));
      }
    }
  }
  return out ?? timers;
}

/**
 * The partitions the adversary may make: one side is a single node or a pair
 * (every two-way split for up to 5 nodes), as a bit set of that side.
 */
function partitionCuts(n: number): number[] {
  const cuts: number[] = [];
  if (n < 2) return cuts;
  const all = (1 << n) - 1;
  // A cut and its complement are the same partition: keep the form without node 0.
  const add = (side: number) => {
    const canon = side & 1 ? all & ~side : side;
    if (!cuts.includes(canon)) cuts.push(canon);
  };
  for (let a = 0; a < n; a++) add(1 << a);
  if (n >= 4) for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) add((1 << a) | (1 << b));
  return cuts;
}
