// What must hold of single-decree Paxos, stated once, next to the model.
// "Chosen" is computed from the acceptors' votes (Voting.tla: a quorum voted v in
// one ballot), never from what a proposer or learner claims.
import * as fc from 'fast-check';
import type { ExploreSpec, Invariant, Liveness, Probe, Protocol, Symmetry } from '../src/protocol.ts';
import { memberCountArb } from '../src/explore/arbitrary.ts';
import { permuteEngineParts } from '../src/explore/symmetry.ts';
import { makeWorld, type World } from '../src/world.ts';
import { budgetSchema, lazySchema, parseWith } from '../src/config.ts';
import {
  formatBallot,
  nodeCount,
  paxosModel,
  PAXOS_MUTANTS,
  roleOf,
  type AcceptorState,
  type LearnerState,
  type PaxosConfig,
  type PaxosMsg,
  type PaxosObs,
  type PaxosState,
  type ProposeRequest,
  type ProposerState,
  type Value,
} from '../models/paxos/index.ts';
import { paxosRender } from '../models/paxos/render.ts';

export interface Vote {
  a: number;
  b: number;
  v: Value;
}

export interface PaxosGhost {
  /** Node id of the first learner (learners run to the last node): liveness gets no configuration. */
  firstLearner: number;
  /** Every vote ever cast (acceptor index, ballot, value), in the order cast. */
  votes: readonly Vote[];
  /** Each acceptor's current vote as the ghost last saw it. */
  last: readonly (Vote | null)[];
  /** (ballot, value) pairs a majority voted for, in the order they became chosen. */
  chosen: readonly { b: number; v: Value }[];
  /** Values clients asked for. */
  submitted: readonly Value[];
  /** Bit set of proposers that sent a Prepare. */
  started: number;
  /** Every ballot a proposer took, with who took it. */
  ballots: readonly { b: number; p: number }[];
  adopted: boolean;
  nacked: boolean;
  crashAfterVote: boolean;
}

type W = World<PaxosState, PaxosMsg, PaxosGhost>;

function majority(cfg: PaxosConfig): number {
  return Math.floor(cfg.acceptors / 2) + 1;
}

// Ghosts are built by one constructor with every field, not by spreading: a
// spread that overrides fields costs more than the rest of a Paxos step
// (node --cpu-prof, `npm run bench`).
function ghost(
  g: PaxosGhost,
  votes: readonly Vote[],
  last: readonly (Vote | null)[],
  chosen: PaxosGhost['chosen'],
  submitted: readonly Value[],
  started: number,
  ballots: PaxosGhost['ballots'],
  adopted: boolean,
  nacked: boolean,
  crashAfterVote: boolean,
): PaxosGhost {
  if (
    votes === g.votes &&
    last === g.last &&
    chosen === g.chosen &&
    submitted === g.submitted &&
    started === g.started &&
    ballots === g.ballots &&
    adopted === g.adopted &&
    nacked === g.nacked &&
    crashAfterVote === g.crashAfterVote
  )
    return g;
  return { firstLearner: g.firstLearner, votes, last, chosen, submitted, started, ballots, adopted, nacked, crashAfterVote };
}

/**
 * The node layout (proposers, then acceptors, then learners) as the properties
 * read it, not through the model's roleOf: a slip there must not also blind the
 * ghost to an acceptor's votes.
 */
function roleAt(node: number, cfg: PaxosConfig): 'proposer' | 'acceptor' | 'learner' {
  return node < cfg.proposers ? 'proposer' : node < cfg.proposers + cfg.acceptors ? 'acceptor' : 'learner';
}

function updateGhost(g: PaxosGhost, node: number, s: PaxosState | null, obs: readonly PaxosObs[] | undefined, cfg: PaxosConfig, req: ProposeRequest | undefined): PaxosGhost {
  const submitted = req !== undefined ? [...g.submitted, req.value] : g.submitted;
  let { started, adopted, nacked } = g;
  if (obs !== undefined) {
    for (const o of obs) {
      if (o.t === 'prepare') started |= 1 << node;
      else if (o.t === 'adopt') adopted = true;
      else if (o.t === 'nacked') nacked = true;
    }
  }
  const role = roleAt(node, cfg);
  // A state of another role where the layout puts this one (a slip in the model's
  // own role assignment) casts no vote and holds no ballot here: its fields are not these.
  if (s !== null && s.role !== role) return ghost(g, g.votes, g.last, g.chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote);
  if (role === 'proposer') {
    const b = s === null ? 0 : (s as ProposerState).ballot;
    let ballots = g.ballots;
    if (b !== 0 && !ballots.some((x) => x.b === b && x.p === node)) ballots = [...ballots, { b, p: node }];
    return ghost(g, g.votes, g.last, g.chosen, submitted, started, ballots, adopted, nacked, g.crashAfterVote);
  }
  if (role !== 'acceptor') return ghost(g, g.votes, g.last, g.chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote);
  const a = node - cfg.proposers;
  if (s === null) return ghost(g, g.votes, g.last, g.chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote || g.last[a] !== null);
  const acc = s as AcceptorState;
  if (acc.acceptedBallot === 0) {
    // A restart that forgot the vote: the ghost keeps the history, forgets "current".
    let last = g.last;
    if (last[a] !== null) {
      last = last.slice();
      (last as (Vote | null)[])[a] = null;
    }
    return ghost(g, g.votes, last, g.chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote);
  }
  const prevVote = g.last[a];
  if (prevVote !== null && prevVote.b === acc.acceptedBallot && prevVote.v === acc.acceptedValue)
    return ghost(g, g.votes, g.last, g.chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote);
  const vote: Vote = { a, b: acc.acceptedBallot, v: acc.acceptedValue as Value };
  const votes = [...g.votes, vote];
  const last = g.last.slice();
  last[a] = vote;
  let chosen = g.chosen;
  if (!chosen.some((c) => c.b === vote.b && c.v === vote.v)) {
    let voters = 0;
    for (const x of votes) if (x.b === vote.b && x.v === vote.v) voters |= 1 << x.a;
    let count = 0;
    for (let k = 0; k < cfg.acceptors; k++) if ((voters >>> k) & 1) count++;
    if (count >= majority(cfg)) chosen = [...chosen, { b: vote.b, v: vote.v }];
  }
  return ghost(g, votes, last, chosen, submitted, started, g.ballots, adopted, nacked, g.crashAfterVote);
}

function acceptorView(w: W, k: number, cfg: PaxosConfig): { promised: number; acceptedBallot: number; up: boolean } {
  const id = cfg.proposers + k;
  const s = w.nodes[id] as AcceptorState | null;
  if (s !== null) return { promised: s.promised, acceptedBallot: s.acceptedBallot, up: true };
  // The durable contract (roleContract): a field that was not persisted was forgotten.
  const d = w.durable[id] as { promised?: number; acceptedBallot?: number };
  return { promised: d.promised ?? 0, acceptedBallot: d.acceptedBallot ?? 0, up: false };
}

/** The first message f gives for an acceptor whose state (live or durable) changed in the step, or null. */
function changedAcceptors(w: W, prev: W, cfg: PaxosConfig, f: (k: number) => string | null): string | null {
  for (let k = 0; k < cfg.acceptors; k++) {
    const id = cfg.proposers + k;
    if (w.nodes[id] === prev.nodes[id] && w.durable[id] === prev.durable[id]) continue;
    const m = f(k);
    if (m !== null) return m;
  }
  return null;
}

export function paxosInvariants(cfg: PaxosConfig): Invariant<W>[] {
  return [
    {
      name: 'UniqueBallots',
      description: 'no two proposers ever use the same proposal id (the seed: ids are globally unique and increasing)',
      check(w, prev) {
        const bs = w.ghost.ballots;
        if (bs === prev.ghost.ballots) return null;
        const x = bs[bs.length - 1];
        for (const y of bs) if (y.b === x.b && y.p !== x.p) return `proposers P${y.p} and P${x.p} both used ballot ${formatBallot(x.b)}`;
        return null;
      },
    },
    {
      name: 'AtMostOneChosen',
      description: 'at most one value is ever chosen (Consensus.tla: Cardinality(chosen) <= 1)',
      check(w, prev) {
        const c = w.ghost.chosen;
        if (c === prev.ghost.chosen) return null;
        for (let i = 1; i < c.length; i++) {
          if (c[i].v !== c[0].v) return `two values chosen: ${c[0].v} at ballot ${formatBallot(c[0].b)} and ${c[i].v} at ballot ${formatBallot(c[i].b)}`;
        }
        return null;
      },
    },
    {
      name: 'ChosenValueStable',
      description: 'once v is chosen at ballot b, every vote at a ballot >= b is for v (the chosen value can never be overwritten)',
      check(w, prev) {
        if (w.ghost === prev.ghost) return null;
        const g = w.ghost;
        for (const c of g.chosen) {
          for (const x of g.votes) {
            if (x.b >= c.b && x.v !== c.v) return `${c.v} was chosen at ballot ${formatBallot(c.b)}, but acceptor A${x.a} voted ${x.v} at ballot ${formatBallot(x.b)}`;
          }
        }
        return null;
      },
    },
    {
      name: 'OneValuePerBallot',
      description: 'no two votes in the same ballot carry different values (Voting.tla)',
      check(w, prev) {
        if (w.ghost.votes === prev.ghost.votes) return null;
        const votes = w.ghost.votes;
        const x = votes[votes.length - 1];
        for (const y of votes) if (y.b === x.b && y.v !== x.v) return `ballot ${formatBallot(x.b)} carries two values: A${y.a} voted ${y.v}, A${x.a} voted ${x.v}`;
        return null;
      },
    },
    {
      name: 'Validity',
      description: 'a chosen value was proposed by some client',
      check(w, prev) {
        if (w.ghost.chosen === prev.ghost.chosen) return null;
        for (const c of w.ghost.chosen) if (!w.ghost.submitted.includes(c.v)) return `${c.v} was chosen at ballot ${formatBallot(c.b)} but no client proposed it`;
        return null;
      },
    },
    {
      name: 'LearnerAgreement',
      description: 'a learner only learns a value that is chosen',
      check(w, prev) {
        const sameChosen = w.ghost.chosen === prev.ghost.chosen;
        for (let k = 0; k < cfg.learners; k++) {
          const id = cfg.proposers + cfg.acceptors + k;
          if (sameChosen && w.nodes[id] === prev.nodes[id] && w.durable[id] === prev.durable[id]) continue;
          const s = w.nodes[id] as LearnerState | null;
          const learned = s !== null ? s.learned : (w.durable[id] as { learned: Value | null }).learned;
          if (learned !== null && !w.ghost.chosen.some((c) => c.v === learned)) {
            const chosen = w.ghost.chosen.length === 0 ? 'nothing is chosen' : `the chosen value is ${w.ghost.chosen[0].v}`;
            return `learner L${k} learned ${learned} but ${chosen}`;
          }
        }
        return null;
      },
    },
    {
      name: 'PromiseMonotonic',
      description: "an acceptor's promise never decreases, across crashes and restarts",
      check: (w, prev) =>
        changedAcceptors(w, prev, cfg, (k) => {
          const before = acceptorView(prev, k, cfg);
          const after = acceptorView(w, k, cfg);
          if (after.promised >= before.promised) return null;
          return `acceptor A${k}'s promise went from ${formatBallot(before.promised)} down to ${formatBallot(after.promised)}${before.up !== after.up ? ' across a crash' : ''}`;
        }),
    },
    {
      name: 'AcceptAtOrAbovePromise',
      description: "nothing is accepted below the acceptor's promise at that moment",
      check(w, prev) {
        for (let k = 0; k < cfg.acceptors; k++) {
          const id = cfg.proposers + k;
          const s = w.nodes[id] as AcceptorState | null;
          const p = prev.nodes[id] as AcceptorState | null;
          if (s === null || p === null || s === p) continue;
          if ((s.acceptedBallot !== p.acceptedBallot || s.acceptedValue !== p.acceptedValue) && s.acceptedBallot > 0 && s.acceptedBallot < p.promised) {
            return `acceptor A${k} accepted ballot ${formatBallot(s.acceptedBallot)} while promised to ${formatBallot(p.promised)}`;
          }
        }
        return null;
      },
    },
    {
      name: 'PromiseCoversAccepted',
      description: "an acceptor's promise is never below the ballot it accepted, across crashes and restarts (Paxos.tla: maxVBal <= maxBal; accepting ballot b promises b)",
      check: (w, prev) =>
        changedAcceptors(w, prev, cfg, (k) => {
          const a = acceptorView(w, k, cfg);
          return a.acceptedBallot > a.promised ? `acceptor A${k} holds a vote at ballot ${formatBallot(a.acceptedBallot)} but promised only ${formatBallot(a.promised)}` : null;
        }),
    },
    {
      name: 'PromiseOnlyAbove',
      description: 'an acceptor answers Promise only to a Prepare above every id it promised before (the seed: no Prepare <= the promise)',
      check(w, prev) {
        const net = w.net;
        for (let i = net.length - 1; i >= 0 && net[i].id >= prev.nextId; i--) {
          const pk = net[i];
          // Only what the acceptor itself sent this step (a duplicated packet is the network's doing).
          if (pk.down || (pk.msg as PaxosMsg).t !== 'Promise' || w.nodes[pk.from] === prev.nodes[pk.from]) continue;
          const k = pk.from - cfg.proposers;
          const before = acceptorView(prev, k, cfg);
          if (pk.msg.b <= before.promised) return `acceptor A${k} promised ballot ${formatBallot(pk.msg.b)} although it had already promised ${formatBallot(before.promised)}`;
        }
        return null;
      },
    },
  ];
}

/** A learner's learned value, whether it is up or crashed (learned is durable). */
function learnedBy(w: W, id: number): Value | null {
  const s = w.nodes[id] as PaxosState | null;
  if (s !== null) return s.role === 'learner' ? s.learned : null;
  return (w.durable[id] as { learned?: Value | null }).learned ?? null;
}

const liveness: Liveness<W>[] = [
  {
    name: 'ValueChosen',
    description: 'once the network is healed and every node is up, a live proposer gets a value chosen within the step bound',
    check(w) {
      return w.ghost.chosen.length > 0 ? null : `no value was chosen by step ${w.step} although the network was healed and every node was up`;
    },
  },
  {
    // Read from the learners' own states, not from a proposer's claim to have decided:
    // without it, a model whose Accept or Learn never arrives passes every other property.
    name: 'LearnersLearn',
    description: 'in a run where no message was dropped and no node crashed or was cut off, every learner has learned a value by the end of the fair suffix',
    check(w) {
      if (w.used.drops > 0 || w.used.crashes > 0 || w.used.partitions > 0) return null;
      for (let id = w.ghost.firstLearner; id < w.nodes.length; id++) {
        if (learnedBy(w, id) === null) return `learner L${id - w.ghost.firstLearner} has learned nothing by step ${w.step}, in a run without drops, crashes or partitions`;
      }
      return null;
    },
  },
];

const probes: Probe<W>[] = [
  { name: 'value chosen', hit: (w) => w.ghost.chosen.length > 0 },
  { name: 'two proposers competed', hit: (w) => (w.ghost.started & (w.ghost.started - 1)) !== 0 },
  { name: 'proposer adopted an accepted value', hit: (w) => w.ghost.adopted },
  { name: 'proposer was refused (Nack)', hit: (w) => w.ghost.nacked },
  { name: 'acceptor crashed after voting', hit: (w) => w.ghost.crashAfterVote },
];

const configSchema = lazySchema((z) =>
  z.object({
    mutant: z.string().nullable(),
    proposers: z.number().int().min(1).max(8),
    acceptors: z.number().int().min(1).max(15),
    learners: z.number().int().min(0).max(4),
    budget: budgetSchema(),
  }),
);

function configArb(mutant: string | null): fc.Arbitrary<PaxosConfig> {
  return fc
    .record({
      proposers: fc.constantFrom(2, 1, 3),
      acceptors: memberCountArb(),
      learners: fc.constantFrom(1, 2),
      budget: fc.record({
        crashes: fc.integer({ min: 0, max: 2 }),
        drops: fc.integer({ min: 0, max: 3 }),
        duplicates: fc.integer({ min: 0, max: 2 }),
        partitions: fc.integer({ min: 0, max: 1 }),
      }),
    })
    .map((c) => ({ mutant, ...c }));
}

// ---- Exhaustive exploration: ghost key, bounds, symmetry ----

/**
 * The ghost as a set of facts: votes, ballots, chosen pairs and submitted values
 * are read by the invariants as sets (a new entry is compared with all the
 * others), so the order and repetition they were appended in is history, not
 * state. `last` is per acceptor. The probe-only flags (started, adopted, nacked,
 * crashAfterVote) change no verdict and no later step, so they are left out.
 */
function paxosGhostKey(g: PaxosGhost): string {
  const votes: string[] = [];
  for (const x of g.votes) votes.push(`${x.a}.${x.b}.${x.v}`);
  let last = '';
  for (const x of g.last) last += x === null ? '-,' : `${x.b}.${x.v},`;
  const chosen: string[] = [];
  for (const c of g.chosen) chosen.push(`${c.b}.${c.v}`);
  const ballots: string[] = [];
  for (const x of g.ballots) ballots.push(`${x.b}.${x.p}`);
  return `${sortedSet(votes)}/${last}/${sortedSet(chosen)}/${sortedSet(ballots)}/${sortedSet(g.submitted.slice())}`;
}

/** The distinct strings, sorted, comma-joined (in place: xs is scratch). */
function sortedSet(xs: string[]): string {
  if (xs.length < 2) return xs.length === 0 ? '' : xs[0];
  xs.sort();
  let out = xs[0];
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[i - 1]) out += ',' + xs[i];
  return out;
}

// The README's configuration: two competing proposers, three acceptors, one
// learner, one round each, no faults, at most five messages in flight. It is
// exhausted in seconds; every bound can be raised with --bound.
const EXPLORE_DEFAULTS = { proposers: 2, acceptors: 3, learners: 1, rounds: 1, inflight: 5, crashes: 0, drops: 0, duplicates: 0, partitions: 0 };

/** A proposer's round, whether it is up or crashed. */
function proposerRound(w: W, id: number): number {
  const s = w.nodes[id] as ProposerState | null;
  return s !== null ? s.round : (w.durable[id] as { round: number }).round;
}

const paxosExplore: ExploreSpec<PaxosState, PaxosMsg, PaxosGhost, PaxosConfig> = {
  defaults: EXPLORE_DEFAULTS,
  // A mutant not listed is found within the defaults. More messages in flight
  // make the search larger but the counterexample shorter (leftover messages
  // need not be delivered first), so each gets what its shortest one needs.
  mutantBounds: {
    'promise-ge': { duplicates: 1, inflight: 3 }, // the same Prepare twice
    'volatile-promise': { crashes: 1, inflight: 3 },
    'volatile-accepted': { crashes: 1, inflight: 7 },
    'resend-own-value': { inflight: 8 },
    // Adopting the first reported value only matters with three ballots in play.
    'first-accepted-value': { proposers: 3, learners: 0, inflight: 11 },
  },
  config: (b, mutant) => ({
    mutant,
    proposers: b.proposers,
    acceptors: b.acceptors,
    learners: b.learners,
    budget: { crashes: b.crashes, drops: b.drops, duplicates: b.duplicates, partitions: b.partitions },
  }),
  within(w, b) {
    if (w.net.length > b.inflight) return false;
    for (let id = 0; id < b.proposers; id++) if (proposerRound(w, id) > b.rounds) return false;
    return true;
  },
  describe:
    'proposers, acceptors, learners: the topology; rounds: highest round a proposer may reach (each retry is a round); inflight: most messages in flight; crashes, drops, duplicates, partitions: the fault budget',
};

/** Acceptor index k renamed by a node permutation. */
function permuteBits(bits: number, perm: readonly number[], base: number): number {
  let out = 0;
  for (let k = 0; bits >>> k !== 0; k++) if ((bits >>> k) & 1) out |= 1 << (perm[base + k] - base);
  return out;
}

const paxosSymmetry: Symmetry<PaxosState, PaxosMsg, PaxosGhost, PaxosConfig> = {
  // Proposers are not interchangeable: each carries its own client value and its id is in its ballots.
  groups: (cfg) => [Array.from({ length: cfg.acceptors }, (_, k) => cfg.proposers + k), Array.from({ length: cfg.learners }, (_, k) => cfg.proposers + cfg.acceptors + k)],
  permute(w0, perm, cfg) {
    const w = permuteEngineParts(w0, perm);
    const base = cfg.proposers;
    const nodes = w.nodes as (PaxosState | null)[];
    for (let id = 0; id < cfg.proposers; id++) {
      const s = nodes[id] as ProposerState | null;
      if (s === null || (s.promises === 0 && s.accepts === 0)) continue;
      nodes[id] = { ...s, promises: permuteBits(s.promises, perm, base), accepts: permuteBits(s.accepts, perm, base) };
    }
    const g = w.ghost;
    // Before the first vote the ghost names no acceptor.
    if (g.votes.length === 0) return w;
    const last: (Vote | null)[] = new Array(g.last.length);
    for (let a = 0; a < g.last.length; a++) {
      const x = g.last[a];
      const to = perm[base + a] - base;
      last[to] = x === null ? null : { a: to, b: x.b, v: x.v };
    }
    const votes: Vote[] = new Array(g.votes.length);
    for (let i = 0; i < votes.length; i++) {
      const x = g.votes[i];
      votes[i] = { a: perm[base + x.a] - base, b: x.b, v: x.v };
    }
    const ghost: PaxosGhost = { ...g, votes, last };
    return makeWorld(w.step, w.nodes, w.durable, w.disk, w.io, w.net, w.timers, w.partition, w.used, w.nextId, w.pending, ghost);
  },
};

export function paxosProtocol(): Protocol<PaxosState, PaxosMsg, ProposeRequest, PaxosObs, PaxosGhost, PaxosConfig> {
  return {
    name: 'paxos',
    summary: 'single-decree Paxos: proposers, acceptors, learners over a lossy, duplicating, reordering network',
    network: 'datagram',
    model: paxosModel,
    nodeCount,
    workload: (cfg) => Array.from({ length: cfg.proposers }, (_, p) => ({ node: p, request: { value: `v${p}` } })),
    mutants: PAXOS_MUTANTS,
    roleOf,
    roleContract: {
      acceptor:
        'state {role: "acceptor", promised, acceptedBallot, acceptedValue} (ballots are numbers, 0 = none); messages Prepare{b} -> Promise{b, vb, v} | Nack{b, promised}; Propose{b, v} -> Accept{b} | Nack{b, promised}; durable {promised, acceptedBallot, acceptedValue} (a missing field was not persisted)',
    },
    ghost: {
      init: (cfg) => ({
        firstLearner: cfg.proposers + cfg.acceptors,
        votes: [],
        last: Array.from({ length: cfg.acceptors }, () => null),
        chosen: [],
        submitted: [],
        started: 0,
        ballots: [],
        adopted: false,
        nacked: false,
        crashAfterVote: false,
      }),
      update: updateGhost,
    },
    invariants: paxosInvariants,
    liveness,
    probes,
    configArb,
    defaultConfig: (mutant) => ({ mutant, proposers: 2, acceptors: 3, learners: 1, budget: { crashes: 1, drops: 2, duplicates: 1, partitions: 1 } }),
    benchConfigs: [{ label: '2 proposers, 3 acceptors, 1 learner', fix: (c) => ({ ...c, proposers: 2, acceptors: 3, learners: 1 }) }],
    simplerConfigs: (cfg) => {
      const out: PaxosConfig[] = [];
      if (cfg.acceptors > 3) out.push({ ...cfg, acceptors: 3 });
      if (cfg.acceptors > 1) out.push({ ...cfg, acceptors: cfg.acceptors - 1 });
      if (cfg.learners > 1) out.push({ ...cfg, learners: 1 });
      if (cfg.proposers > 2) out.push({ ...cfg, proposers: 2 });
      return out;
    },
    parseConfig: (raw) => parseWith(configSchema, raw) as PaxosConfig,
    maxChoices: 80,
    suffixBound: () => 300,
    defaultRuns: 2000,
    render: paxosRender,
    ghostKey: paxosGhostKey,
    explore: paxosExplore,
    symmetry: paxosSymmetry,
  };
}
