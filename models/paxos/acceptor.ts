// The acceptor: "two promises, one answer" (the seed, step 2) and the accept
// rule (step 4). Guards follow Paxos.tla: Phase1b needs bal > maxBal, Phase2b
// needs bal >= maxBal.
import type { Input, NodeId, StepResult } from '../../src/model.ts';
import type { AcceptorState, PaxosConfig, PaxosMsg, PaxosObs, ProposeRequest } from './types.ts';

type R = StepResult<AcceptorState, PaxosMsg, PaxosObs>;
const NONE = {};

export function initAcceptor(): AcceptorState {
  return { role: 'acceptor', promised: 0, acceptedBallot: 0, acceptedValue: null };
}

/** Whether a Prepare(b) earns a promise: strictly above every earlier promise. */
function promises(b: number, s: AcceptorState, cfg: PaxosConfig): boolean {
  return cfg.mutant === 'promise-ge' ? b >= s.promised : b > s.promised;
}

/** Whether a Propose(b) is accepted: at or above the promise. */
function accepts(b: number, s: AcceptorState, cfg: PaxosConfig): boolean {
  if (cfg.mutant === 'accept-gt') return b > s.promised;
  if (cfg.mutant === 'accept-below-promise') return true;
  return b >= s.promised;
}

export function stepAcceptor(s: AcceptorState, input: Input<PaxosMsg, ProposeRequest>, _id: NodeId, cfg: PaxosConfig): R {
  if (input.kind !== 'deliver') return { state: s, effects: NONE };
  const m = input.msg;
  const from = input.from;
  if (m.t === 'Prepare') {
    if (!promises(m.b, s, cfg)) return { state: s, effects: { send: [{ to: from, msg: { t: 'Nack', b: m.b, promised: s.promised } }] } };
    return {
      state: { ...s, promised: m.b },
      effects: { send: [{ to: from, msg: { t: 'Promise', b: m.b, vb: s.acceptedBallot, v: s.acceptedValue } }] },
    };
  }
  if (m.t === 'Propose') {
    if (!accepts(m.b, s, cfg)) return { state: s, effects: { send: [{ to: from, msg: { t: 'Nack', b: m.b, promised: s.promised } }] } };
    // Accepting also promises: nothing below this ballot may be accepted later.
    const promised = m.b > s.promised ? m.b : s.promised;
    return { state: { role: 'acceptor', promised, acceptedBallot: m.b, acceptedValue: m.v }, effects: { send: [{ to: from, msg: { t: 'Accept', b: m.b } }] } };
  }
  return { state: s, effects: NONE };
}

export interface AcceptorDurable {
  promised: number;
  acceptedBallot: number;
  acceptedValue: string | null;
}

/** Promise and accepted proposal are on disk; the mutants keep one of them in memory only. */
export function acceptorDurable(s: AcceptorState, cfg: PaxosConfig): AcceptorDurable {
  if (cfg.mutant === 'volatile-promise') return { promised: 0, acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue };
  if (cfg.mutant === 'volatile-accepted') return { promised: s.promised, acceptedBallot: 0, acceptedValue: null };
  return { promised: s.promised, acceptedBallot: s.acceptedBallot, acceptedValue: s.acceptedValue };
}

export function recoverAcceptor(d: AcceptorDurable): AcceptorState {
  return { role: 'acceptor', promised: d.promised, acceptedBallot: d.acceptedBallot, acceptedValue: d.acceptedValue };
}
