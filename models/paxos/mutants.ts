// Named bug variants, selected by `config.mutant`. Each negates one guard of
// Paxos.tla / Voting.tla or one rule of the seed (see research/zab-and-paxos.md §3,
// "Classic Paxos mistakes").
import type { Mutant } from '../../src/protocol.ts';

export const PAXOS_MUTANTS: Mutant[] = [
  { name: 'promise-ge', description: 'acceptor promises a Prepare whose id equals its promise (>= instead of >), breaking the seed\'s "no Prepare <= the promise" rule' },
  { name: 'accept-gt', description: 'acceptor accepts a Propose only above its promise (> instead of >=): nothing is ever accepted, a liveness bug' },
  { name: 'accept-below-promise', description: 'acceptor accepts a Propose whatever it promised (Phase2b guard dropped, P1)' },
  { name: 'ignore-accepted', description: 'proposer proposes its own value even when a promise reports an accepted one (P3)' },
  { name: 'first-accepted-value', description: 'proposer adopts the first accepted value reported, not the one with the highest ballot (P3)' },
  { name: 'shared-ballots', description: 'proposal ids are the round alone, not unique across proposers (P4)' },
  { name: 'volatile-promise', description: 'acceptor keeps its promise in memory only: a restart forgets it (P2)' },
  { name: 'volatile-accepted', description: 'acceptor keeps its accepted proposal in memory only: a restart forgets it (P2)' },
  { name: 'minority-quorum', description: 'a "quorum" is one acceptor short of a majority' },
  { name: 'learn-early', description: 'proposer announces the decision to learners after the first Accept, before a quorum' },
  { name: 'resend-own-value', description: "proposer retransmits Propose at the same ballot with its client's value, not the value it adopted" },
  { name: 'invent-value', description: 'proposer starts a round at boot with a value no client requested' },
];
