// The proposer (the seed, steps 1, 3 and 5): a fresh, unique, increasing ballot;
// Prepare to every acceptor; with a quorum of promises, Propose the value of the
// highest-numbered accepted proposal among them, else its own; with a quorum of
// Accepts, the decision is made and sent to the learners. It retries with a
// higher round on its timer.
import type { Effects, Input, NodeId, Send, StepResult } from '../../src/model.ts';
import { acceptorId, acceptorIndex, ballotOf, learnerId, popcount, quorum, roundOf } from './config.ts';
import type { PaxosConfig, PaxosMsg, PaxosObs, ProposeRequest, ProposerState, Value } from './types.ts';

type R = StepResult<ProposerState, PaxosMsg, PaxosObs>;
const NONE = {};
export const RETRY = 'retry';

export function initProposer(): ProposerState {
  return { role: 'proposer', round: 0, value: null, phase: 'idle', ballot: 0, seenRound: 0, promises: 0, accepts: 0, bestBallot: 0, bestValue: null, proposal: null };
}

function toAcceptors(msg: PaxosMsg, cfg: PaxosConfig): Send<PaxosMsg>[] {
  const out: Send<PaxosMsg>[] = [];
  for (let k = 0; k < cfg.acceptors; k++) out.push({ to: acceptorId(k, cfg), msg });
  return out;
}

/** Phase 1a: a new ballot above anything used or seen, Prepare to all acceptors. */
function startRound(s: ProposerState, id: NodeId, cfg: PaxosConfig, value: Value): R {
  const round = Math.max(s.round, s.seenRound) + 1;
  const ballot = ballotOf(round, id, cfg);
  const state: ProposerState = { ...s, round, value, phase: 'preparing', ballot, promises: 0, accepts: 0, bestBallot: 0, bestValue: null, proposal: null };
  return { state, effects: { send: toAcceptors({ t: 'Prepare', b: ballot }, cfg), timers: { set: [RETRY] }, observe: [{ t: 'prepare', b: ballot }] } };
}

function onPromise(s: ProposerState, from: NodeId, m: Extract<PaxosMsg, { t: 'Promise' }>, cfg: PaxosConfig): R {
  if (s.phase !== 'preparing' || m.b !== s.ballot) return { state: s, effects: NONE };
  const bit = 1 << acceptorIndex(from, cfg);
  let { bestBallot, bestValue } = s;
  const adoptHigher = cfg.mutant === 'first-accepted-value' ? bestValue === null : m.vb > bestBallot;
  if (m.v !== null && adoptHigher) {
    bestBallot = m.vb;
    bestValue = m.v;
  }
  const promises = s.promises | bit;
  if (popcount(promises) < quorum(cfg)) return { state: { ...s, promises, bestBallot, bestValue }, effects: NONE };
  // Phase 2a: the value is forced by the highest accepted proposal, if any.
  const own = s.value as Value;
  const proposal = cfg.mutant === 'ignore-accepted' || bestValue === null ? own : bestValue;
  const observe: PaxosObs[] = proposal !== own ? [{ t: 'adopt', b: s.ballot, v: proposal }] : [];
  return {
    state: { ...s, promises, bestBallot, bestValue, phase: 'proposing', proposal },
    effects: { send: toAcceptors({ t: 'Propose', b: s.ballot, v: proposal }, cfg), observe },
  };
}

function onAccept(s: ProposerState, from: NodeId, b: number, cfg: PaxosConfig): R {
  if (s.phase !== 'proposing' || b !== s.ballot) return { state: s, effects: NONE };
  const accepts = s.accepts | (1 << acceptorIndex(from, cfg));
  const needed = cfg.mutant === 'learn-early' ? 1 : quorum(cfg);
  if (popcount(accepts) < needed) return { state: { ...s, accepts }, effects: NONE };
  const v = s.proposal as Value;
  const send: Send<PaxosMsg>[] = [];
  for (let k = 0; k < cfg.learners; k++) send.push({ to: learnerId(k, cfg), msg: { t: 'Learn', b: s.ballot, v } });
  const effects: Effects<PaxosMsg, PaxosObs> = { send, timers: { cancel: [RETRY] }, observe: [{ t: 'decided', b: s.ballot, v }] };
  return { state: { ...s, accepts, phase: 'decided' }, effects };
}

export function stepProposer(s: ProposerState, input: Input<PaxosMsg, ProposeRequest>, id: NodeId, cfg: PaxosConfig): R {
  switch (input.kind) {
    case 'start':
      // `invent-value`: starts a round before any client asked, with a value of its own making.
      if (cfg.mutant === 'invent-value') return startRound(s, id, cfg, `P${id}-default`);
      return { state: s, effects: NONE };
    case 'restart':
      return s.value !== null ? startRound(s, id, cfg, s.value) : { state: s, effects: NONE };
    case 'client':
      if (s.value !== null && s.phase !== 'idle') return { state: s, effects: NONE };
      return startRound(s, id, cfg, input.request.value);
    case 'timeout':
      if (input.timer !== RETRY || s.phase === 'decided' || s.value === null) return { state: s, effects: NONE };
      if (cfg.mutant === 'resend-own-value' && s.phase === 'proposing') {
        // Retransmits phase 2 at the same ballot, but with the client's value instead of the one it adopted.
        return { state: { ...s, proposal: s.value }, effects: { send: toAcceptors({ t: 'Propose', b: s.ballot, v: s.value }, cfg), timers: { set: [RETRY] } } };
      }
      return startRound(s, id, cfg, s.value);
    case 'deliver': {
      const m = input.msg;
      if (m.t === 'Promise') return onPromise(s, input.from, m, cfg);
      if (m.t === 'Accept') return onAccept(s, input.from, m.b, cfg);
      if (m.t === 'Nack' && m.b === s.ballot && s.phase !== 'decided') {
        const seenRound = Math.max(s.seenRound, roundOf(m.promised));
        return { state: { ...s, seenRound }, effects: { observe: [{ t: 'nacked', b: m.b }] } };
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
  return { ...initProposer(), round: d.round, value: d.value };
}
