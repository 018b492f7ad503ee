// Single-decree Paxos as the seed states it: Prepare / Promise / Propose / Accept /
// Learn. A ballot (the seed's "Proposal ID") is one number that orders (round,
// proposer): round * BALLOT_SPAN + proposer index, so ids are unique and totally
// ordered across proposers. 0 means "none".
import type { BaseConfig } from '../../src/model.ts';

export const BALLOT_SPAN = 32;

export interface PaxosConfig extends BaseConfig {
  proposers: number;
  acceptors: number;
  learners: number;
}

export type Value = string;

export type PaxosMsg =
  | { t: 'Prepare'; b: number }
  /** vb/v: the highest-ballot proposal this acceptor accepted (0/null: none). */
  | { t: 'Promise'; b: number; vb: number; v: Value | null }
  | { t: 'Propose'; b: number; v: Value }
  | { t: 'Accept'; b: number }
  /** A refusal, carrying the promise that beat `b` so the proposer can jump past it. */
  | { t: 'Nack'; b: number; promised: number }
  | { t: 'Learn'; b: number; v: Value };

export interface ProposeRequest {
  value: Value;
}

export type PaxosObs = { t: 'prepare'; b: number } | { t: 'adopt'; b: number; v: Value } | { t: 'decided'; b: number; v: Value } | { t: 'nacked'; b: number } | { t: 'learned'; v: Value };

export interface ProposerState {
  role: 'proposer';
  /** Durable: the last round used, so ballots stay unique across restarts. */
  round: number;
  /** Durable: the client's value, once one was requested. */
  value: Value | null;
  phase: 'idle' | 'preparing' | 'proposing' | 'decided';
  ballot: number;
  /** Highest round seen in a Nack: the next round goes above it. */
  seenRound: number;
  /** Bit set of acceptors that promised / accepted the current ballot. */
  promises: number;
  accepts: number;
  /** Highest accepted proposal reported by the promises so far. */
  bestBallot: number;
  bestValue: Value | null;
  /** The value sent in Propose for the current ballot. */
  proposal: Value | null;
}

export interface AcceptorState {
  role: 'acceptor';
  /** Durable: the highest ballot promised. */
  promised: number;
  /** Durable: the accepted proposal (0/null: none). */
  acceptedBallot: number;
  acceptedValue: Value | null;
}

export interface LearnerState {
  role: 'learner';
  learned: Value | null;
}

export type PaxosState = ProposerState | AcceptorState | LearnerState;
