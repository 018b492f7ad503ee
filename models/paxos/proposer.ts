// The proposer (the seed, steps 1, 3 and 5): a fresh, unique, increasing ballot;
// Prepare to every acceptor; with a quorum of promises, Propose the value of the
// highest-numbered accepted proposal among them, else its own; with a quorum of
// Accepts, the decision is made and sent to the learners. It retries with a
// higher round on its timer.
//
// States are built by one constructor with every field, not by spreading the
// previous state: a spread that overrides fields was the model's largest cost
// per step (`npm run bench`, node --cpu-prof; see the README's benchmarks).
import type { Effects, Input, NodeId, Send, StepResult } from '../../src/model.ts';
import { popcount } from '../common/quorum.ts';
import { acceptorId, acceptorIndex, learnerId, roundOf } from './config.ts';
import { variant } from './mutants.ts';
import type { PaxosConfig, PaxosMsg, PaxosObs, ProposeRequest, ProposerState, Value } from './types.ts';

type R = StepResult<ProposerState, PaxosMsg, PaxosObs>;
type Phase = ProposerState['phase'];
const NONE = {};
export const RETRY = 'retry';
const SET_RETRY = { set: [RETRY] };
const CANCEL_RETRY = { cancel: [RETRY] };

function proposer(
  round: number,
  value: Value | null,
  phase: Phase,
  ballot: number,
  seenRound: number,
  promises: number,
  accepts: number,
  bestBallot: number,
  bestValue: Value | null,
  proposal: Value | null,
): ProposerState {
  return { role: 'proposer', round, value, phase, ballot, seenRound, promises, accepts, bestBallot, bestValue, proposal };
}

export function initProposer(): ProposerState {
  return proposer(0, null, 'idle', 0, 0, 0, 0, 0, null, null);
}

function toAcceptors(msg: PaxosMsg, cfg: PaxosConfig): Send<PaxosMsg>[] {
  const out: Send<PaxosMsg>[] = [];
  for (let k = 0; k < cfg.acceptors; k++) out.push({ to: acceptorId(k, cfg), msg });
  return out;
}

/** Phase 1a: a new ballot above anything used or seen, Prepare to all acceptors. */
function startRound(s: ProposerState, id: NodeId, cfg: PaxosConfig, value: Value): R {
  const round = Math.max(s.round, s.seenRound) + 1;
  const ballot = variant(cfg).ballot(round, id);
  const state = proposer(round, value, 'preparing', ballot, s.seenRound, 0, 0, 0, null, null);
  return { state, effects: { send: toAcceptors({ t: 'Prepare', b: ballot }, cfg), timers: SET_RETRY, observe: [{ t: 'prepare', b: ballot }] } };
}

function onPromise(s: ProposerState, from: NodeId, m: Extract<PaxosMsg, { t: 'Promise' }>, cfg: PaxosConfig): R {
  if (s.phase !== 'preparing' || m.b !== s.ballot) return { state: s, effects: NONE };
  const rules = variant(cfg);
  let { bestBallot, bestValue } = s;
  if (m.v !== null && rules.adopts(m.vb, bestBallot, bestValue)) {
    bestBallot = m.vb;
    bestValue = m.v;
  }
  const promises = s.promises | (1 << acceptorIndex(from, cfg));
  if (popcount(promises) < rules.quorum(cfg.acceptors)) {
    return { state: proposer(s.round, s.value, s.phase, s.ballot, s.seenRound, promises, s.accepts, bestBallot, bestValue, s.proposal), effects: NONE };
  }
  // Phase 2a: the value is forced by the highest accepted proposal, if any.
  const own = s.value as Value;
  const proposal = rules.ignoresAccepted || bestValue === null ? own : bestValue;
  const observe: PaxosObs[] = proposal !== own ? [{ t: 'adopt', b: s.ballot, v: proposal }] : [];
  return {
    state: proposer(s.round, s.value, 'proposing', s.ballot, s.seenRound, promises, s.accepts, bestBallot, bestValue, proposal),
    effects: { send: toAcceptors({ t: 'Propose', b: s.ballot, v: proposal }, cfg), observe },
  };
}

function onAccept(s: ProposerState, from: NodeId, b: number, cfg: PaxosConfig): R {
  if (s.phase !== 'proposing' || b !== s.ballot) return { state: s, effects: NONE };
  const accepts = s.accepts | (1 << acceptorIndex(from, cfg));
  const decided = popcount(accepts) >= variant(cfg).decideAfter(cfg.acceptors);
  const state = proposer(s.round, s.value, decided ? 'decided' : s.phase, s.ballot, s.seenRound, s.promises, accepts, s.bestBallot, s.bestValue, s.proposal);
  if (!decided) return { state, effects: NONE };
  const v = s.proposal as Value;
  const send: Send<PaxosMsg>[] = [];
  for (let k = 0; k < cfg.learners; k++) send.push({ to: learnerId(k, cfg), msg: { t: 'Learn', b: s.ballot, v } });
  const effects: Effects<PaxosMsg, PaxosObs> = { send, timers: CANCEL_RETRY, observe: [{ t: 'decided', b: s.ballot, v }] };
  return { state, effects };
}

export function stepProposer(s: ProposerState, input: Input<PaxosMsg, ProposeRequest>, id: NodeId, cfg: PaxosConfig): R {
  switch (input.kind) {
    case 'start':
      return variant(cfg).inventsValue ? startRound(s, id, cfg, `P${id}-default`) : { state: s, effects: NONE };
    case 'restart':
      return s.value !== null ? startRound(s, id, cfg, s.value) : { state: s, effects: NONE };
    case 'client':
      if (s.value !== null && s.phase !== 'idle') return { state: s, effects: NONE };
      return startRound(s, id, cfg, input.request.value);
    case 'timeout':
      if (input.timer !== RETRY || s.phase === 'decided' || s.value === null) return { state: s, effects: NONE };
      if (s.phase === 'proposing' && variant(cfg).resendsOwnValue) {
        // Retransmits phase 2 at the same ballot, but with the client's value instead of the one it adopted.
        const state = proposer(s.round, s.value, s.phase, s.ballot, s.seenRound, s.promises, s.accepts, s.bestBallot, s.bestValue, s.value);
        return { state, effects: { send: toAcceptors({ t: 'Propose', b: s.ballot, v: s.value }, cfg), timers: SET_RETRY } };
      }
      return startRound(s, id, cfg, s.value);
    case 'deliver': {
      const m = input.msg;
      if (m.t === 'Promise') return onPromise(s, input.from, m, cfg);
      if (m.t === 'Accept') return onAccept(s, input.from, m.b, cfg);
      if (m.t === 'Nack' && m.b === s.ballot && s.phase !== 'decided') {
        const seenRound = Math.max(s.seenRound, roundOf(m.promised));
        const state = proposer(s.round, s.value, s.phase, s.ballot, seenRound, s.promises, s.accepts, s.bestBallot, s.bestValue, s.proposal);
        return { state, effects: { observe: [{ t: 'nacked', b: m.b }] } };
      }
      return { state: s, effects: NONE };
    }
    default:
      return { state: s, effects: NONE };
  }
}

export interface ProposerDurable {
  round: number;
  value: Value | null;
}

export function recoverProposer(d: ProposerDurable): ProposerState {
  return proposer(d.round, d.value, 'idle', 0, 0, 0, 0, 0, null, null);
}
