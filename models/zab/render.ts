// How ZAB reads in a trace: voters s0.., observers o<id>, zxids as epoch:counter,
// rounds as r<n>, epochs as e<n>.
import type { Render } from '../../src/protocol.ts';
import { fmtZxid, isVoter } from './config.ts';
import type { Txn, WriteRequest, ZabConfig, ZabMsg, ZabObs, ZabState } from './types.ts';
import { phaseLabel } from '../common/label.ts';

function txn(t: Txn): string {
  return `${fmtZxid(t.z)}=w${t.v}`;
}

function txns(ts: readonly Txn[]): string {
  return `[${ts.map(txn).join(' ')}]`;
}

function voteStr(leader: number, zxid: number, epoch: number): string {
  return leader < 0 ? 'nobody' : `s${leader}@${fmtZxid(zxid)}/e${epoch}`;
}

export const zabRender: Render<ZabState, ZabMsg, WriteRequest, ZabObs, ZabConfig> = {
  node: (id, cfg) => (isVoter(id, cfg) ? `s${id}` : `o${id}`),
  msg(m) {
    switch (m.t) {
      case 'NOTIFY':
        return `NOTIFY(r${m.round} ${m.st} ${voteStr(m.leader, m.zxid, m.epoch)})`;
      case 'FOLLOWERINFO':
        return `FOLLOWERINFO(acceptedEpoch ${m.acc}) #${m.s}`;
      case 'LEADERINFO':
        return `LEADERINFO(e${m.e}) #${m.s}`;
      case 'ACKEPOCH':
        return `ACKEPOCH(${m.cur < 0 ? 'e-1' : `e${m.cur}`}, last ${fmtZxid(m.last)}) #${m.s}`;
      case 'DIFF':
        return `DIFF(leader at ${fmtZxid(m.z)}) #${m.s}`;
      case 'TRUNC':
        return `TRUNC(${fmtZxid(m.z)}) #${m.s}`;
      case 'SNAP':
        return `SNAP(${fmtZxid(m.z)} ${txns(m.txns)}) #${m.s}`;
      case 'NEWLEADER':
        return `NEWLEADER(e${m.e}, ${fmtZxid(m.z)}) #${m.s}`;
      case 'UPTODATE':
        return `UPTODATE(commit ${fmtZxid(m.z)}) #${m.s}`;
      case 'PROPOSAL':
        return `PROPOSAL(${txn(m.txn)}) #${m.s}`;
      case 'ACK':
        return `ACK(${fmtZxid(m.z)}) #${m.s}`;
      case 'COMMIT':
        return `COMMIT(${fmtZxid(m.z)}) #${m.s}`;
      case 'INFORM':
        return `INFORM(${txn(m.txn)}) #${m.s}`;
      case 'REQUEST':
        return `REQUEST(w${m.v}) #${m.s}`;
      case 'CLOSE':
        return `CLOSE #${m.s}`;
    }
  },
  msgType: (m) => m.t,
  request: (c) => `write w${c.v}`,
  obs(o) {
    switch (o.t) {
      case 'lead':
        return `LEADING (round ${o.round})`;
      case 'follow':
        return `follows s${o.leader} (round ${o.round})`;
      case 'epoch':
        return `proposes epoch ${o.e}`;
      case 'established':
        return `established epoch ${o.e}`;
      case 'sync':
        return `syncs ${o.to} by ${o.kind} (${o.n} txns)`;
      case 'quit':
        return `stops leading: ${o.why}`;
      case 'abandon':
        return `leaves its leader: ${o.why}`;
      case 'propose':
        return `proposes ${fmtZxid(o.z)}=w${o.v}`;
      case 'commit':
        return `commits ${fmtZxid(o.z)}`;
      case 'inform':
        return `informed of ${fmtZxid(o.z)}`;
      case 'inconsistent':
        return `${o.exit ? 'exits' : 'logs an error'} (${o.flag}): ${o.why}`;
    }
  },
  state(s) {
    return {
      state: s.state,
      round: s.round,
      vote: voteStr(s.vote.leader, s.vote.zxid, s.vote.epoch),
      acceptedEpoch: s.acceptedEpoch,
      currentEpoch: s.currentEpoch,
      history: s.history.map(txn).join(' '),
      lastCommitted: s.lastCommitted === 0 ? '⊥' : fmtZxid(s.history[s.lastCommitted - 1].z),
      ...(s.state === 'FOLLOWING' || s.state === 'OBSERVING' ? { leader: `s${s.leader}`, phase: s.lphase } : {}),
      ...(s.synced !== null ? { synced: s.synced.map(txn).join(' ') } : {}),
      ...(s.lead !== null ? { lead: s.lead.phase, epoch: s.lead.epoch, outstanding: s.lead.outstanding.map((o) => fmtZxid(o.z)).join(' ') } : {}),
      ...(s.queue.length > 0 ? { queue: s.queue.map((v) => `w${v}`).join(' ') } : {}),
    };
  },
  phase(s) {
    if (s.state === 'LEADING') return phaseLabel('LEADING', s.lead?.phase ?? '?');
    if (s.booting > 0) return 'BOOTING';
    if (s.state === 'LOOKING') return 'LOOKING';
    return phaseLabel(s.state, s.lphase);
  },
};
