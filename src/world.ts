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
