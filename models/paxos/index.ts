// Single-decree Paxos as a pure node model: proposers, acceptors, learners.
import type { Input, NodeId, NodeModel, StepResult } from '../../src/model.ts';
import { acceptorDurable, initAcceptor, recoverAcceptor, stepAcceptor } from './acceptor.ts';
import { roleOf } from './config.ts';
import { initLearner, stepLearner } from './learner.ts';
import { initProposer, recoverProposer, stepProposer, type ProposerDurable } from './proposer.ts';
import type { AcceptorDurable } from './rules.ts';
import type { PaxosConfig, PaxosMsg, PaxosObs, PaxosState, ProposeRequest } from './types.ts';

export * from './types.ts';
export * from './config.ts';
export { PAXOS_MUTANTS } from './mutants.ts';

type R = StepResult<PaxosState, PaxosMsg, PaxosObs>;

export const paxosModel: NodeModel<PaxosState, PaxosMsg, ProposeRequest, PaxosObs, PaxosConfig> = {
  init(id: NodeId, cfg: PaxosConfig): PaxosState {
    const role = roleOf(id, cfg);
    return role === 'proposer' ? initProposer() : role === 'acceptor' ? initAcceptor() : initLearner();
  },
  step(s: PaxosState, input: Input<PaxosMsg, ProposeRequest>, id: NodeId, cfg: PaxosConfig): R {
    switch (s.role) {
      case 'proposer':
        return stepProposer(s, input, id, cfg);
      case 'acceptor':
        return stepAcceptor(s, input, id, cfg);
      case 'learner':
        return stepLearner(s, input);
    }
  },
  durable(s: PaxosState, _id: NodeId, cfg: PaxosConfig): unknown {
    switch (s.role) {
      case 'proposer':
        return { round: s.round, value: s.value } satisfies ProposerDurable;
      case 'acceptor':
        return acceptorDurable(s, cfg);
      case 'learner':
        return { learned: s.learned };
    }
  },
  recover(d: unknown, id: NodeId, cfg: PaxosConfig): PaxosState {
    const role = roleOf(id, cfg);
    if (role === 'proposer') return recoverProposer(d as ProposerDurable);
    if (role === 'acceptor') return recoverAcceptor(d as AcceptorDurable);
    return { role: 'learner', learned: (d as { learned: string | null }).learned };
  },
};
