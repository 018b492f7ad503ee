// Named bug variants, selected by `config.mutant`, as one table: each entry
// says what it breaks and overrides the rules of the correct model (rules.ts)
// that it changes. Each negates one guard of Paxos.tla / Voting.tla or one
// rule of the seed (see research/zab-and-paxos.md §3, "Classic Paxos mistakes").
import type { Mutant } from '../../src/protocol.ts';
import { majority } from '../common/quorum.ts';
import { CORRECT, type PaxosVariant } from './rules.ts';
import { BALLOT_SPAN, type PaxosConfig } from './types.ts';

const TABLE: readonly (Mutant & { rules: Partial<PaxosVariant> })[] = [
  {
    name: 'promise-ge',
    description: 'acceptor promises a Prepare whose id equals its promise (>= instead of >), breaking the seed\'s "no Prepare <= the promise" rule',
    rules: { promises: (b, promised) => b >= promised },
  },
  {
    name: 'accept-gt',
    description: 'acceptor accepts a Propose only above its promise (> instead of >=): nothing is ever accepted, a liveness bug',
    rules: { accepts: (b, promised) => b > promised },
  },
  {
    name: 'accept-keeps-promise',
    description: 'acceptor accepts a Propose above its promise without raising the promise to it, so a later lower Prepare is promised and its Propose overwrites the vote',
    rules: { acceptPromises: false },
  },
  { name: 'accept-below-promise', description: 'acceptor accepts a Propose whatever it promised (Phase2b guard dropped, P1)', rules: { accepts: () => true } },
  { name: 'ignore-accepted', description: 'proposer proposes its own value even when a promise reports an accepted one (P3)', rules: { ignoresAccepted: true } },
  {
    name: 'first-accepted-value',
    description: 'proposer adopts the first accepted value reported, not the one with the highest ballot (P3)',
    rules: { adopts: (_vb, _bestBallot, bestValue) => bestValue === null },
  },
  // The id is the round alone, so two proposers can pick the same one.
  { name: 'shared-ballots', description: 'proposal ids are the round alone, not unique across proposers (P4)', rules: { ballot: (round) => round * BALLOT_SPAN } },
  {
    name: 'volatile-promise',
    description: 'acceptor keeps its promise in memory only: a restart forgets it (P2)',
    rules: { durable: (s) => ({ promised: 0, acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue }) },
  },
  {
    name: 'volatile-accepted',
    description: 'acceptor keeps its accepted proposal in memory only: a restart forgets it (P2)',
    rules: { durable: (s) => ({ promised: s.promised, acceptedBallot: 0, acceptedValue: null }) },
  },
  // Both phases count with the short quorum, the decision too.
  {
    name: 'minority-quorum',
    description: 'a "quorum" is one acceptor short of a majority',
    rules: { quorum: (n) => majority(n) - 1, decideAfter: (n) => majority(n) - 1 },
  },
  { name: 'learn-early', description: 'proposer announces the decision to learners after the first Accept, before a quorum', rules: { decideAfter: () => 1 } },
  {
    name: 'resend-own-value',
    description: "proposer retransmits Propose at the same ballot with its client's value, not the value it adopted",
    rules: { resendsOwnValue: true },
  },
  { name: 'invent-value', description: 'proposer starts a round at boot with a value no client requested', rules: { inventsValue: true } },
];

export const PAXOS_MUTANTS: Mutant[] = TABLE.map(({ name, description }) => ({ name, description }));

// Built once per variant, so a step pays one map lookup.
const VARIANTS = new Map<string | null, PaxosVariant>([[null, CORRECT], ...TABLE.map((m): [string, PaxosVariant] => [m.name, { ...CORRECT, ...m.rules }])]);

/** The rules of the configured model: the correct one, or the mutant's. */
export function variant(cfg: PaxosConfig): PaxosVariant {
  const v = VARIANTS.get(cfg.mutant);
  if (v === undefined) throw new Error(`unknown paxos mutant ${cfg.mutant}`);
  return v;
}
