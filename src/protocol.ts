// What a model folder plus its properties file hand to the engine. One value per
// protocol ties together the pure node reducer, the network it assumes, the
// ghost state its invariants read, the invariants themselves, the named mutants,
// the configuration space fast-check explores, and how to render it in a trace.
import type * as fc from 'fast-check';
import type { BaseConfig, NetworkKind, NodeId, NodeModel, WorkItem } from './model.ts';
import type { World } from './world.ts';

export interface Mutant {
  name: string;
  description: string;
  /**
   * A mutant of a model this one is built on (the ensemble runs every ZAB
   * mutant): runnable here, with its committed trace in that model's corpus.
   */
  from?: string;
}

/**
 * A safety invariant, checked after every step. It reads the world (node states,
 * durable state of crashed nodes, the network and the ghost), never only a node's
 * own claim about itself. `prev` is the world before the step, for transition
 * invariants ("a promise never decreases"). Returns null when it holds, else a
 * one-line explanation.
 */
export interface Invariant<W> {
  name: string;
  description: string;
  check(w: W, prev: W): string | null;
}

/** Checked once, at the end of the deterministic fair suffix. */
export interface Liveness<W> {
  name: string;
  description: string;
  check(w: W): string | null;
}

/**
 * Vacuity guard ("sometimes" property, as in Stateright): how often a run reaches
 * a state that matters. Evaluated on the final world of each run; the ghost keeps
 * whatever history a probe needs.
 */
export interface Probe<W> {
  name: string;
  hit(w: W): boolean;
}

export interface Ghost<S, C, O, G, Cfg> {
  init(cfg: Cfg): G;
  /**
   * Fold one node step into the ghost: `state` is the node's state after the
   * step (null when it just crashed), `input` what it stepped on. On a crash of
   * a model with a disk, `lostWrites` counts the queued write batches it lost.
   */
  update(g: G, node: NodeId, state: S | null, observe: readonly O[] | undefined, cfg: Cfg, clientRequest: C | undefined, lostWrites?: number): G;
}

export interface Render<S, M, C, O, Cfg> {
  /** Human label for a node, e.g. "P0", "A1", "s2". */
  node(id: NodeId, cfg: Cfg): string;
  /** One-line rendering of a message for text and sequence diagrams. */
  msg(m: M): string;
  /** Message type name, for coverage and diagrams. */
  msgType(m: M): string;
  request(c: C): string;
  obs(o: O): string;
  /** A JSON-able summary of a node state for the trace (defaults to the state). */
  state?(s: S, cfg: Cfg): unknown;
  /** The protocol phase of a node (for coverage), e.g. 'LOOKING', 'preparing'. */
  phase?(s: S): string;
}

export interface Protocol<S = any, M = any, C = any, O = any, G = any, Cfg extends BaseConfig = any> {
  name: string;
  summary: string;
  network: NetworkKind;
  model: NodeModel<S, M, C, O, Cfg>;
  nodeCount(cfg: Cfg): number;
  /** Client requests the adversary may inject, each at most once, in any order. */
  workload(cfg: Cfg): WorkItem<C>[];
  /** The role a node plays (e.g. 'acceptor'), for plugging in an external implementation of one role. */
  roleOf?(id: NodeId, cfg: Cfg): string;
  /** What an implementation of a role must keep in its state for the invariants to read it. */
  roleContract?: Record<string, string>;
  /** May this node crash? (Defaults to every node.) */
  crashable?(id: NodeId, cfg: Cfg): boolean;
  mutants: Mutant[];
  ghost: Ghost<S, C, O, G, Cfg>;
  /** The safety invariants for one configuration (they may close over it). */
  invariants(cfg: Cfg): Invariant<World<S, M, G>>[];
  liveness: Liveness<World<S, M, G>>[];
  probes: Probe<World<S, M, G>>[];
  /** The configuration space for exploration (fault budgets included). */
  configArb(mutant: string | null): fc.Arbitrary<Cfg>;
  /** A representative configuration (simulate, docs). */
  defaultConfig(mutant: string | null): Cfg;
  /** Fixed configurations `npm run bench` measures steps/s on (default: the generated ones). */
  benchConfigs?: { label: string; fix(cfg: Cfg): Cfg }[];
  /** Smaller topologies to try when shrinking a counterexample (fewer nodes, fewer writes). */
  simplerConfigs?(cfg: Cfg): Cfg[];
  /** Validate a configuration read from a trace file; throws a message naming the field. */
  parseConfig(raw: unknown): Cfg;
  /** Longest adversarial prefix fast-check generates. */
  maxChoices: number;
  /**
   * A warm start: when this returns a predicate for the config, every run first
   * takes fair, fault-free steps (the suffix's policy, no client requests) until
   * it holds, with every invariant checked as usual, and only then reads its
   * choices: the whole workload is still the adversary's to place. The adversary's
   * budget then goes where the bugs are (after the first election) instead of
   * into bringing the system up.
   */
  warmUntil?(cfg: Cfg): ((w: World<S, M, G>) => boolean) | null;
  /** Step bound of the fair suffix, on top of 3 steps per message then in flight (liveness is checked at its end). */
  suffixBound(cfg: Cfg): number;
  /** Runs `check` does by default, and the minimum CI must hold. */
  defaultRuns: number;
  render: Render<S, M, C, O, Cfg>;
  /**
   * The ghost as it enters a state fingerprint (`zoocheck explore`). Keep exactly
   * what later steps and the invariants can read, in a form that does not depend
   * on the order history happened to be appended in; counters kept only for
   * probes can be left out. Two ghosts with the same key must be
   * indistinguishable to every invariant. Default: JSON.stringify(ghost).
   */
  ghostKey?(g: G): string;
  /** Bounds for exhaustive exploration (`zoocheck explore`). */
  explore?: ExploreSpec<S, M, G, Cfg>;
  /** Interchangeable nodes, for symmetry reduction (`zoocheck explore --symmetry`). */
  symmetry?: Symmetry<S, M, G, Cfg>;
  /**
   * Version profiles (`--profile`): the behaviour of a given release of the
   * real system, by name, with a line each; the correct model is the default.
   */
  profiles?: Record<string, string>;
  /** Why a profile cannot be checked with this mutant (null: it can). */
  profileProblem?(profile: string, mutant: string | null): string | null;
  /** The protocol under a profile, named `name@profile`: its configurations carry the profile. */
  withProfile?(profile: string): Protocol<S, M, C, O, G, Cfg>;
}

/**
 * How a model bounds its state space for breadth-first search. Bounds are named
 * small integers (messages in flight, rounds, crashes, ...); some shape the
 * configuration, the others cut the space: a state outside them is counted and
 * checked but not expanded.
 */
export interface ExploreSpec<S, M, G, Cfg> {
  /** Every bound the model knows, with the value the README's configuration uses. */
  defaults: Record<string, number>;
  /**
   * Per mutant, the bounds that differ from the defaults when exploring it (a
   * crash budget, a third proposer, more messages in flight): where its
   * shortest counterexample lies and is found in seconds.
   */
  mutantBounds?: Record<string, Record<string, number>>;
  /** The configuration a set of bounds (topology, fault budget) describes. */
  config(bounds: Record<string, number>, mutant: string | null): Cfg;
  /** Whether a state lies inside the bounds (and so is expanded). */
  within(w: World<S, M, G>, bounds: Record<string, number>): boolean;
  /** One line per bound, for --help and error messages. */
  describe: string;
}

/**
 * Groups of nodes that play interchangeable roles. A state and its image under
 * any permutation within the groups are explored once.
 */
export interface Symmetry<S, M, G, Cfg> {
  groups(cfg: Cfg): NodeId[][];
  /**
   * The world with node `i` renamed `perm[i]` (perm is the identity outside the
   * groups): node order, durable order, packets, timers, the partition, and every
   * node id or node-indexed set inside states, messages and the ghost.
   */
  permute(w: World<S, M, G>, perm: readonly number[], cfg: Cfg): World<S, M, G>;
}
