// The world is one immutable value: node states (null when crashed, with the
// durable part kept beside it), the messages in flight, the armed timers, the
// partition, the fault budget used and the ghost. A step builds a new world and
// shares every unchanged part with the old one.
import type { FaultBudget, NodeId } from './model.ts';

/** A message in flight. `down` marks a FIFO connection-break notice (no payload). */
export interface Packet<M> {
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: M;
  readonly down: boolean;
}

/** The writes one step queued on one disk channel. */
export interface Batch {
  readonly ch: number;
  readonly writes: readonly unknown[];
}

export interface Timer {
  readonly node: NodeId;
  readonly name: string;
}

export interface World<S = any, M = any, G = any> {
  readonly step: number;
  /** null while the node is crashed. */
  readonly nodes: readonly (S | null)[];
  /** The durable state of each crashed node (undefined for live ones). */
  readonly durable: readonly unknown[];
  /** Models with a disk: each node's disk, live or crashed (what a crash keeps). Empty otherwise. */
  readonly disk: readonly unknown[];
  /** Models with a disk: per node, its unflushed write batches, oldest first. Empty otherwise. */
  readonly io: readonly (readonly Batch[])[];
  /** In flight, sorted by id (= send order). */
  readonly net: readonly Packet<M>[];
  /** Armed timers in arm order. */
  readonly timers: readonly Timer[];
  /** Bit set of the nodes cut off from the rest; 0 = no partition. */
  readonly partition: number;
  readonly used: FaultBudget;
  readonly nextId: number;
  /** Bit set of workload items not yet injected. */
  readonly pending: number;
  readonly ghost: G;
}

/**
 * Every world is built here, with its fields in one order: worlds made by
 * object spread get a hidden class of their own in V8, and every property read
 * on a world (the scheduler's, each invariant's) then becomes polymorphic. One
 * constructor keeps those reads monomorphic (node --cpu-prof, `npm run bench`).
 */
export function makeWorld<S, M, G>(
  step: number,
  nodes: readonly (S | null)[],
  durable: readonly unknown[],
  disk: readonly unknown[],
  io: readonly (readonly Batch[])[],
  net: readonly Packet<M>[],
  timers: readonly Timer[],
  partition: number,
  used: FaultBudget,
  nextId: number,
  pending: number,
  ghost: G,
): World<S, M, G> {
  return { step, nodes, durable, disk, io, net, timers, partition, used, nextId, pending, ghost };
}

/** A fault budget's counts, always with every field (one hidden class; see makeWorld). */
export function makeUsed(crashes: number, drops: number, duplicates: number, partitions: number, torn: number): FaultBudget {
  return { crashes, drops, duplicates, partitions, torn };
}

/** A packet, built in one place for the same reason as makeWorld. */
export function makePacket<M>(id: number, from: NodeId, to: NodeId, msg: M, down: boolean): Packet<M> {
  return { id, from, to, msg, down };
}

/** A timer, built in one place for the same reason as makeWorld. */
export function makeTimer(node: NodeId, name: string): Timer {
  return { node, name };
}
