// How Paxos reads in a trace: ballots as round.proposer, nodes as P/A/L.
import type { Render } from '../../src/protocol.ts';
import { formatBallot, roleOf } from './config.ts';
import type { PaxosConfig, PaxosMsg, PaxosObs, PaxosState, ProposeRequest } from './types.ts';
import { phaseLabel } from '../common/label.ts';

export const paxosRender: Render<PaxosState, PaxosMsg, ProposeRequest, PaxosObs, PaxosConfig> = {
  node(id, cfg) {
    const role = roleOf(id, cfg);
    if (role === 'proposer') return `P${id}`;
    if (role === 'acceptor') return `A${id - cfg.proposers}`;
    return `L${id - cfg.proposers - cfg.acceptors}`;
  },
  msg(m) {
    const b = formatBallot(m.b);
    switch (m.t) {
      case 'Prepare':
        return `Prepare(${b})`;
      case 'Promise':
        return m.vb === 0 ? `Promise(${b}, none)` : `Promise(${b}, accepted ${formatBallot(m.vb)}=${m.v})`;
      case 'Propose':
        return `Propose(${b}, ${m.v})`;
      case 'Accept':
        return `Accept(${b})`;
      case 'Nack':
        return `Nack(${b}, promised ${formatBallot(m.promised)})`;
      case 'Learn':
        return `Learn(${b}, ${m.v})`;
    }
  },
  msgType: (m) => m.t,
  request: (c) => `propose ${c.value}`,
  obs(o) {
    switch (o.t) {
      case 'prepare':
        return `prepare ${formatBallot(o.b)}`;
      case 'adopt':
        return `adopt ${o.v} (from ballot ${formatBallot(o.b)})`;
      case 'decided':
        return `decided ${o.v} at ${formatBallot(o.b)}`;
      case 'nacked':
        return `nacked at ${formatBallot(o.b)}`;
      case 'learned':
        return `learned ${o.v}`;
    }
  },
  phase(s) {
    if (s.role === 'proposer') return phaseLabel('proposer', s.phase);
    if (s.role === 'acceptor') return s.acceptedBallot > 0 ? 'acceptor:accepted' : s.promised > 0 ? 'acceptor:promised' : 'acceptor:fresh';
    return s.learned === null ? 'learner:waiting' : 'learner:learned';
  },
};
