// The rules of Paxos that a named mutant may change (mutants.ts), with the
// correct ones in CORRECT: the acceptor's promise and accept guards and what it
// keeps on disk, quorum sizes, proposal ids, which accepted value a proposer
// adopts. The model reads them through variant(cfg) and compares no names.
import { majority } from '../common/quorum.ts';
import { BALLOT_SPAN, type AcceptorState, type Value } from './types.ts';

export interface AcceptorDurable {
  promised: number;
  acceptedBallot: number;
  acceptedValue: Value | null;
}

/** The rules a mutant may change; the correct model's are in CORRECT. */
export interface PaxosVariant {
  /** Acceptor: whether a Prepare(b) earns a promise. */
  promises(b: number, promised: number): boolean;
  /** Acceptor: whether a Propose(b) is accepted. */
  accepts(b: number, promised: number): boolean;
  /** Acceptor: accepting Propose(b) also promises b (Paxos.tla Phase2b sets maxBal). */
  acceptPromises: boolean;
  /** Acceptor: what survives a crash. */
  durable(s: AcceptorState): AcceptorDurable;
  /** Promises or Accepts that make a quorum among n acceptors. */
  quorum(n: number): number;
  /** Accepts after which the proposer announces the decision. */
  decideAfter(n: number): number;
  /** The proposal id of a proposer's round. */
  ballot(round: number, proposer: number): number;
  /** Proposer: whether a promise's accepted proposal (ballot vb) replaces the best one so far. */
  adopts(vb: number, bestBallot: number, bestValue: Value | null): boolean;
  /** Proposer: proposes its own value even when a promise reported an accepted one. */
  ignoresAccepted: boolean;
  /** Proposer: starts a round at boot with a value of its own making. */
  inventsValue: boolean;
  /** Proposer: on its retry timer while proposing, resends Propose at the same ballot with the client's value. */
  resendsOwnValue: boolean;
}

export const CORRECT: PaxosVariant = {
  promises: (b, promised) => b > promised,
  accepts: (b, promised) => b >= promised,
  acceptPromises: true,
  durable: (s) => ({ promised: s.promised, acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue }),
  quorum: majority,
  decideAfter: majority,
  ballot: (round, proposer) => round * BALLOT_SPAN + proposer,
  adopts: (vb, bestBallot) => vb > bestBallot,
  ignoresAccepted: false,
  inventsValue: false,
  resendsOwnValue: false,
};
