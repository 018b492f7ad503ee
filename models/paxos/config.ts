// Node layout and ballot arithmetic, shared by the roles and the properties.
// Quorum sizes and proposal ids are rules a mutant may change: see mutants.ts.
import type { NodeId } from '../../src/model.ts';
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

export function roundOf(ballot: number): number {
  return Math.floor(ballot / BALLOT_SPAN);
}

export function formatBallot(b: number): string {
  return b === 0 ? '⊥' : `${roundOf(b)}.${b % BALLOT_SPAN}`;
}
