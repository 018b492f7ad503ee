// Discovery (§4.2 steps 1-3; Leader.getEpochToPropose / waitForEpochAck,
// Learner.registerWithLeader): FOLLOWERINFO(acceptedEpoch), the new epoch
// max(acceptedEpoch over a quorum)+1, LEADERINFO, ACKEPOCH(currentEpoch, lastZxid).
import type { NodeId } from '../../src/model.ts';
import { epochOf, isQuorum, isVoter, lastZxid } from './config.ts';
import { lookForLeader } from './fle.ts';
import { Fx, T_FLE, T_SYNC } from './fx.ts';
import { syncPeer } from './sync.ts';
import { keepQuorum } from './broadcast.ts';
import type { LeadState, Peer, ZabConfig, ZabMsg, ZabState } from './types.ts';

export function startLeading(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const lead: LeadState = {
    phase: 'discovery',
    epoch: -1,
    infoFrom: 1 << id,
    maxAccepted: s.acceptedEpoch,
    ackEpoch: 1 << id,
    ackLd: 1 << id,
    peers: new Array<Peer | null>(cfg.voters + cfg.observers).fill(null),
    outstanding: [],
    counter: 0,
  };
  fx.arm(T_SYNC);
  fx.note({ t: 'lead', round: s.round });
  let next: ZabState = { ...s, state: 'LEADING', leader: id, lphase: 'none', synced: null, lead, heardZab: false, silentTicks: 0, backlog: null };
  // Learners that were already knocking while I was LOOKING.
  const b = s.backlog;
  if (b !== null) for (let j = 0; j < b.length; j++) {
    const x = b[j];
    if (x !== null && next.state === 'LEADING') next = onFollowerInfo(next, id, j, x.acc, x.s, cfg, fx);
  }
  return next;
}

export function startLearning(s: ZabState, id: NodeId, leader: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const sess = s.sess + 1;
  // Whoever was waiting for me to lead is refused.
  const b = s.backlog;
  if (b !== null) for (let j = 0; j < b.length; j++) {
    const x = b[j];
    if (x !== null) fx.to(j, { t: 'CLOSE', s: x.s });
  }
  fx.to(leader, { t: 'FOLLOWERINFO', s: sess, acc: s.acceptedEpoch });
  fx.arm(T_SYNC);
  fx.note({ t: 'follow', leader, round: s.round });
  return { ...s, state: isVoter(id, cfg) ? 'FOLLOWING' : 'OBSERVING', leader, sess, lphase: 'discovery', synced: null, lead: null, backlog: null, silentTicks: 0, heardZab: false };
}

/** The leader shuts down: every learner connection is closed, back to election. */
export function quit(s: ZabState, id: NodeId, why: string, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead;
  if (L !== null) {
    for (let j = 0; j < L.peers.length; j++) {
      const p = L.peers[j];
      if (p !== null) fx.to(j, { t: 'CLOSE', s: p.s });
    }
  }
  fx.note({ t: 'quit', why });
  return lookForLeader(s, id, cfg, fx);
}

/** A learner gives up on its leader; `close` when the connection is still up. */
export function abandon(s: ZabState, id: NodeId, why: string, close: boolean, cfg: ZabConfig, fx: Fx): ZabState {
  if (close && s.leader >= 0) fx.to(s.leader, { t: 'CLOSE', s: s.sess });
  fx.note({ t: 'abandon', why });
  return lookForLeader(s, id, cfg, fx);
}

export function withPeer(L: LeadState, j: NodeId, p: Peer | null): LeadState {
  const peers = L.peers.slice();
  peers[j] = p;
  return { ...L, peers };
}

function leaderInfo(p: Peer, e: number): ZabMsg {
  return { t: 'LEADERINFO', s: p.s, e };
}

/** §4.2 step 1: a learner connects; a quorum including me fixes the epoch. */
export function onFollowerInfo(s: ZabState, id: NodeId, from: NodeId, acc: number, sess: number, cfg: ZabConfig, fx: Fx): ZabState {
  let L = s.lead;
  if (s.state !== 'LEADING' || L === null) return s;
  const known = L.peers[from];
  // A connection retry of a learner I already have is the same connection.
  if (known !== null && known.s === sess) return s;
  const p: Peer = { s: sess, st: 'info', last: -1, nlz: -1 };
  L = withPeer(L, from, p);
  if (L.epoch >= 0) {
    // Late joiner (or a learner reconnecting): the epoch is already fixed.
    fx.to(from, leaderInfo(p, L.epoch));
    return known !== null ? keepQuorum({ ...s, lead: L }, id, cfg, fx) : { ...s, lead: L };
  }
  const infoFrom = isVoter(from, cfg) ? L.infoFrom | (1 << from) : L.infoFrom;
  const maxAccepted = acc > L.maxAccepted ? acc : L.maxAccepted;
  L = { ...L, infoFrom, maxAccepted };
  if (!isQuorum(infoFrom, cfg)) return { ...s, lead: L };
  // ZOOKEEPER-335: derived from the last zxid, the epoch can repeat after back-to-back crashes.
  const epoch = cfg.mutant === 'epoch-from-last-zxid' ? epochOf(lastZxid(s.history)) + 1 : maxAccepted + 1;
  L = { ...L, epoch };
  for (let j = 0; j < L.peers.length; j++) {
    const q = L.peers[j];
    if (q !== null) fx.to(j, leaderInfo(q, epoch));
  }
  fx.note({ t: 'epoch', e: epoch });
  // acceptedEpoch is persisted before anyone is told (Leader.getEpochToPropose).
  return { ...s, acceptedEpoch: epoch, lead: L };
}

/** §4.2 step 2, on the learner. */
export function onLeaderInfo(s: ZabState, id: NodeId, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'discovery') return s;
  const last = lastZxid(s.history);
  if (cfg.mutant === 'epoch-from-last-zxid') {
    // Before ZOOKEEPER-335 there was no acceptedEpoch to refuse an epoch with.
    fx.to(s.leader, { t: 'ACKEPOCH', s: s.sess, cur: s.currentEpoch, last });
    return { ...s, acceptedEpoch: e, lphase: 'sync' };
  }
  if (e > s.acceptedEpoch) {
    fx.to(s.leader, { t: 'ACKEPOCH', s: s.sess, cur: s.currentEpoch, last });
    return { ...s, acceptedEpoch: e, lphase: 'sync' };
  }
  if (e === s.acceptedEpoch) {
    // Already acked this epoch once: -1 is not counted again, but drives the sync.
    fx.to(s.leader, { t: 'ACKEPOCH', s: s.sess, cur: -1, last });
    return { ...s, lphase: 'sync' };
  }
  const next = abandon(s, id, `leader epoch ${e} < accepted epoch ${s.acceptedEpoch}`, true, cfg, fx);
  fx.arm(T_FLE);
  return { ...next, refusedBy: s.leader };
}

/** §4.2 step 3, on the leader. */
export function onAckEpoch(s: ZabState, id: NodeId, from: NodeId, cur: number, last: number, cfg: ZabConfig, fx: Fx): ZabState {
  let L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  if (p.st !== 'info' || L.epoch < 0) return s;
  L = withPeer(L, from, { ...p, st: 'acked', last });
  if (L.phase !== 'discovery') return syncPeer({ ...s, lead: L }, id, from, cfg, fx);
  if (cur === -1) return { ...s, lead: L };
  const myLast = lastZxid(s.history);
  if (cur > s.currentEpoch || (cur === s.currentEpoch && last > myLast)) {
    return quit(s, id, `follower ${from} is ahead of the leader`, cfg, fx);
  }
  const ackEpoch = isVoter(from, cfg) ? L.ackEpoch | (1 << from) : L.ackEpoch;
  L = { ...L, ackEpoch };
  if (!isQuorum(ackEpoch, cfg)) return { ...s, lead: L };
  // The quorum acked: currentEpoch = e, then every learner waiting is synced.
  let next: ZabState = {
    ...s,
    currentEpoch: L.epoch,
    vote: { ...s.vote, epoch: L.epoch },
    lead: { ...L, phase: 'sync' },
  };
  for (let j = 0; j < L.peers.length; j++) {
    const q = L.peers[j];
    if (q !== null && q.st === 'acked') next = syncPeer(next, id, j, cfg, fx);
  }
  return next;
}
