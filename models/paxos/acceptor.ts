// The acceptor: "two promises, one answer" (the seed, step 2) and the accept
// rule (step 4). Guards follow Paxos.tla: Phase1b needs bal > maxBal, Phase2b
// needs bal >= maxBal (the rules themselves are in mutants.ts, CORRECT).
import type { Input, NodeId, StepResult } from '../../src/model.ts';
import { variant } from './mutants.ts';
import type { AcceptorDurable } from './rules.ts';
import type { AcceptorState, PaxosConfig, PaxosMsg, PaxosObs, ProposeRequest, Value } from './types.ts';

type R = StepResult<AcceptorState, PaxosMsg, PaxosObs>;
const NONE = {};

function acceptor(promised: number, acceptedBallot: number, acceptedValue: Value | null): AcceptorState {
  return { role: 'acceptor', promised, acceptedBallot, acceptedValue };
}

export function initAcceptor(): AcceptorState {
  return acceptor(0, 0, null);
}

function nack(to: NodeId, b: number, s: AcceptorState): R {
  return { state: s, effects: { send: [{ to, msg: { t: 'Nack', b, promised: s.promised } }] } };
}

export function stepAcceptor(s: AcceptorState, input: Input<PaxosMsg, ProposeRequest>, _id: NodeId, cfg: PaxosConfig): R {
  if (input.kind !== 'deliver') return { state: s, effects: NONE };
  const m = input.msg;
  const from = input.from;
  if (m.t === 'Prepare') {
    if (!variant(cfg).promises(m.b, s.promised)) return nack(from, m.b, s);
    return {
      state: acceptor(m.b, s.acceptedBallot, s.acceptedValue),
      effects: { send: [{ to: from, msg: { t: 'Promise', b: m.b, vb: s.acceptedBallot, v: s.acceptedValue } }] },
    };
  }
  if (m.t === 'Propose') {
    if (!variant(cfg).accepts(m.b, s.promised)) return nack(from, m.b, s);
    // Accepting also promises: nothing below this ballot may be accepted later.
    const promised = m.b > s.promised && variant(cfg).acceptPromises ? m.b : s.promised;
    return { state: acceptor(promised, m.b, m.v), effects: { send: [{ to: from, msg: { t: 'Accept', b: m.b } }] } };
  }
  return { state: s, effects: NONE };
}

/** Promise and accepted proposal are on disk; the mutants keep one of them in memory only. */
export function acceptorDurable(s: AcceptorState, cfg: PaxosConfig): AcceptorDurable {
  return variant(cfg).durable(s);
}

export function recoverAcceptor(d: AcceptorDurable): AcceptorState {
  return acceptor(d.promised, d.acceptedBallot, d.acceptedValue);
}
