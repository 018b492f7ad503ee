// The model contract. A node is a pure reducer: (state, input) -> (state, effects),
// in the style of etcd-io/raft's Step/Ready. Everything nondeterministic (which
// message arrives next, which timer fires, who crashes) belongs to the scheduler,
// so that a run is a function of (model, config, choices) and replays byte for byte.

/** Nodes are dense small integers 0..n-1; the model decides what each index plays. */
export type NodeId = number;

export type Input<M, C> =
  | { kind: 'start' } // first step of a node at world creation
  | { kind: 'deliver'; from: NodeId; msg: M }
  | { kind: 'timeout'; timer: string }
  | { kind: 'client'; request: C }
  | { kind: 'restart' } // first step after recover() following a crash
  /** FIFO networks only: the connection to `peer` broke (drop, partition or crash). */
  | { kind: 'linkDown'; peer: NodeId }
  /** Models with a disk: the oldest batch of writes this node queued on one channel is on disk (fsync returned). */
  | { kind: 'flushed'; writes: readonly unknown[] };

export interface Send<M> {
  to: NodeId;
  msg: M;
}

export interface Effects<M, O> {
  send?: Send<M>[];
  /** Arming an armed timer keeps its place; cancelling an unarmed one is a no-op. */
  timers?: { set?: string[]; cancel?: string[] };
  /** Ghost events for invariants and traces: 'elected', 'commit', 'deliver', 'chosen', ... */
  observe?: O[];
  /**
   * Models with a disk: one batch of writes for this node's disk queue. They are
   * durable only once the scheduler flushes the batch (then the node steps on
   * `flushed`); a crash before that loses them.
   */
  write?: unknown[];
  /** Models with a disk: the writes still queued on this channel are abandoned (a writer thread shut down without draining). */
  discard?: number;
}

export interface StepResult<S, M, O> {
  state: S;
  effects: Effects<M, O>;
}

/** The common part of every model's configuration. */
export interface BaseConfig {
  /** Named bug variant, or null for the correct model. */
  mutant: string | null;
  budget: FaultBudget;
}

/** How many faults of each kind the adversary may inject in one run. */
export interface FaultBudget {
  crashes: number;
  drops: number;
  duplicates: number;
  partitions: number;
  /** Crashes that keep the oldest unflushed batch on disk without its completion (a torn tail: data landed, fsync never returned). Models with a disk only. */
  torn?: number;
  /**
   * Swarm testing (src/explore/swarm.ts): action kinds the adversarial prefix
   * leaves to the fair suffix, as a bit set over action kinds (1 << FIRE, FLUSH,
   * RESTART, HEAL). Unset: none held.
   */
  hold?: number;
  /** Swarm testing: of every eight choice values, how many pick a fault (1-4; unset: 1). */
  rate?: number;
}

/**
 * A node's durable storage as a device (DESIGN.md "Disk as a device"): the world
 * keeps each node's disk and its queue of unflushed write batches; `apply` is
 * what one completed write does to the disk. A crash keeps the disk, not the
 * node's state; recover() rebuilds the node from it.
 */
export interface DiskModel<D, Cfg> {
  init(id: NodeId, cfg: Cfg): D;
  apply(d: D, write: unknown, cfg: Cfg): D;
  /**
   * Writes go to independent channels (files written by different threads:
   * a txn log and the epoch files, say), each a FIFO queue the scheduler flushes
   * on its own; channel 0 is the one a torn crash tears. 0 <= channel < 4.
   */
  channel(write: unknown): number;
}

export interface NodeModel<S, M, C, O, Cfg extends BaseConfig> {
  init(id: NodeId, cfg: Cfg): S;
  step(state: S, input: Input<M, C>, id: NodeId, cfg: Cfg): StepResult<S, M, O>;
  /** What survives a crash: promises, accepted proposals, epochs, the logged history. Models with a `disk` keep the disk instead. */
  durable(state: S, id: NodeId, cfg: Cfg): unknown;
  /** The node's disk, when its writes are asynchronous: then a crash keeps only what was flushed. */
  disk?: DiskModel<unknown, Cfg>;
  recover(durable: unknown, id: NodeId, cfg: Cfg): S;
}

/**
 * datagram: any message may be delayed, reordered, dropped or duplicated (Paxos).
 * fifo: one ordered link per ordered pair; a drop is a connection break that
 *       empties both directions and tells both ends (ZAB over TCP).
 */
export type NetworkKind = 'datagram' | 'fifo';

export interface WorkItem<C> {
  node: NodeId;
  request: C;
}

/**
 * Thrown by a node step that cannot go on (an external implementation crashed,
 * answered nonsense, or disagreed with the model in differential mode). The run
 * reports it as a violation of `invariant` at that step.
 */
export class StepError extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(message);
  }
}
