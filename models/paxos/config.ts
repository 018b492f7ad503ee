// Node layout and quorum arithmetic, shared by the roles and the properties.
import type { NodeId } from '../../src/model.ts';
import { majority } from '../common/quorum.ts';
export { popcount } from '../common/quorum.ts';
import { BALLOT_SPAN, type PaxosConfig } from './types.ts';

export function nodeCount(cfg: PaxosConfig): number {
  return cfg.proposers + cfg.acceptors + cfg.learners;
}

export function roleOf(id: NodeId, cfg: PaxosConfig): 'proposer' | 'acceptor' | 'learner' {
  if (id < cfg.proposers) return 'proposer';
  if (id < cfg.proposers + cfg.acceptors) return 'acceptor';
  return 'learner';
}

export function acceptorId(k: number, cfg: PaxosConfig): NodeId {
  return cfg.proposers + k;
}

export function acceptorIndex(id: NodeId, cfg: PaxosConfig): number {
  return id - cfg.proposers;
}

export function learnerId(k: number, cfg: PaxosConfig): NodeId {
  return cfg.proposers + cfg.acceptors + k;
}

/** A majority of acceptors; the `minority-quorum` mutant takes one fewer. */
export function quorum(cfg: PaxosConfig): number {
  const m = majority(cfg.acceptors);
  return cfg.mutant === 'minority-quorum' ? m - 1 : m;
}

export function ballotOf(round: number, proposer: NodeId, cfg: PaxosConfig): number {
  // `shared-ballots`: the id is the round alone, so two proposers can pick the same one.
  return cfg.mutant === 'shared-ballots' ? round * BALLOT_SPAN : round * BALLOT_SPAN + proposer;
}

export function roundOf(ballot: number): number {
  return Math.floor(ballot / BALLOT_SPAN);
}

export function formatBallot(b: number): string {
  return b === 0 ? '⊥' : `${roundOf(b)}.${b % BALLOT_SPAN}`;
}
