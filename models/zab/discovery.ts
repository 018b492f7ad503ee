// Discovery (§4.2 steps 1-3; Leader.getEpochToPropose / waitForEpochAck,
// Learner.registerWithLeader): FOLLOWERINFO(acceptedEpoch), the new epoch
// max(acceptedEpoch over a quorum)+1, LEADERINFO, ACKEPOCH(currentEpoch, lastZxid).
// An epoch is written to its file before anyone is told of it: LEADERINFO and
// ACKEPOCH leave from the write's completion (flushed), not from the step that
// asked for it.
import type { NodeId } from '../../src/model.ts';
import { epochOf, isQuorum, isVoter, lastZxid } from './config.ts';
import { lookForLeader } from './fle.ts';
import { type Fx, T_FLE, T_SYNC } from './fx.ts';
import { variant } from './mutants.ts';
import { establish, syncPeer } from './sync.ts';
import { keepQuorum } from './broadcast.ts';
import type { LeadState, Peer, ZabConfig, ZabMsg, ZabState } from './types.ts';

export function startLeading(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const lead: LeadState = {
    phase: 'discovery',
    epochDurable: false,
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
  // ZooKeeperServer.loadData ends with a clean snapshot of what the leader will
  // serve: its whole history is then on disk before its epoch file is written.
  fx.write({ w: 'snap', z: lastZxid(s.history), txns: s.history });
  let next: ZabState = { ...s, state: 'LEADING', leader: id, lphase: 'none', synced: null, syncSnap: null, lead, heardZab: false, silentTicks: 0, backlog: null };
  // Learners that were already knocking while I was LOOKING.
  const b = s.backlog;
  if (b !== null)
    for (let j = 0; j < b.length; j++) {
      const x = b[j];
      if (x !== null && next.state === 'LEADING') next = onFollowerInfo(next, id, j, x.acc, x.s, cfg, fx);
    }
  // getEpochToPropose counts the leader itself: alone a quorum (one voter), it goes on at once.
  const L = next.lead;
  if (next.state === 'LEADING' && L !== null && L.epoch < 0 && isQuorum(L.infoFrom, cfg)) next = proposeEpoch(next, L, cfg, fx);
  return next;
}

export function startLearning(s: ZabState, id: NodeId, leader: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const sess = s.sess + 1;
  // Whoever was waiting for me to lead is refused.
  const b = s.backlog;
  if (b !== null)
    for (let j = 0; j < b.length; j++) {
      const x = b[j];
      if (x !== null) fx.to(j, { t: 'CLOSE', s: x.s });
    }
  fx.to(leader, { t: 'FOLLOWERINFO', s: sess, acc: s.acceptedEpoch });
  fx.arm(T_SYNC);
  fx.note({ t: 'follow', leader, round: s.round });
  return { ...s, state: isVoter(id, cfg) ? 'FOLLOWING' : 'OBSERVING', leader, sess, lphase: 'discovery', synced: null, syncSnap: null, lead: null, backlog: null, silentTicks: 0, heardZab: false };
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

/**
 * A learner gives up on its leader; `close` when the connection is still up.
 * Its follower pipeline shuts down: in the correct model the log thread drains
 * its queue (the writes stay queued and complete in order); 3.8.0 abandons it
 * while the txns stay in memory (ZOOKEEPER-4712/4785).
 */
export function abandon(s: ZabState, id: NodeId, why: string, close: boolean, cfg: ZabConfig, fx: Fx): ZabState {
  if (close && s.leader >= 0) fx.to(s.leader, { t: 'CLOSE', s: s.sess });
  fx.note({ t: 'abandon', why });
  const v = variant(cfg);
  let out = s;
  if (v.dropLogQueueOnLeave || v.logAfterShutdown) {
    fx.dropLogQueue();
    // log-after-shutdown: the old processor's queue is written later, behind the next sync.
    if (v.logAfterShutdown && s.queuedLog.length > 0) out = { ...s, unlogged: s.unlogged.concat(s.queuedLog) };
    out = { ...out, queuedLog: [] };
  }
  return lookForLeader(out, id, cfg, fx);
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
    // Late joiner (or a learner reconnecting): the epoch is already fixed; it is
    // told once the epoch is on my disk.
    if (L.epochDurable) fx.to(from, leaderInfo(p, L.epoch));
    return known !== null ? keepQuorum({ ...s, lead: L }, id, cfg, fx) : { ...s, lead: L };
  }
  const infoFrom = isVoter(from, cfg) ? L.infoFrom | (1 << from) : L.infoFrom;
  const maxAccepted = acc > L.maxAccepted ? acc : L.maxAccepted;
  L = { ...L, infoFrom, maxAccepted };
  if (!isQuorum(infoFrom, cfg)) return { ...s, lead: L };
  return proposeEpoch(s, L, cfg, fx);
}

/** A quorum connected: the new epoch is max(acceptedEpoch) + 1 (Leader.getEpochToPropose). */
function proposeEpoch(s: ZabState, L: LeadState, cfg: ZabConfig, fx: Fx): ZabState {
  fx.note({ t: 'epoch', e: L.maxAccepted + 1 });
  if (variant(cfg).epochFromLastZxid) {
    // ZOOKEEPER-335: derived from the last zxid and never written, the epoch can
    // repeat after back-to-back crashes.
    const epoch = epochOf(lastZxid(s.history)) + 1;
    return epochAnnounced({ ...s, acceptedEpoch: epoch, lead: { ...L, epoch, epochDurable: true } }, cfg, fx);
  }
  // acceptedEpoch is written before anyone is told (Leader.getEpochToPropose).
  const epoch = L.maxAccepted + 1;
  fx.write({ w: 'accepted', e: epoch });
  return { ...s, acceptedEpoch: epoch, lead: { ...L, epoch } };
}

/** LEADERINFO to every learner waiting for the epoch. */
function announceEpoch(s: ZabState, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  for (let j = 0; j < L.peers.length; j++) {
    const q = L.peers[j];
    if (q !== null && q.st === 'info') fx.to(j, leaderInfo(q, L.epoch));
  }
  return s;
}

/** The leader's acceptedEpoch write completed. */
export function leaderEpochDurable(s: ZabState, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead;
  if (s.state !== 'LEADING' || L === null || L.epoch !== e || L.epochDurable) return s;
  return epochAnnounced({ ...s, lead: { ...L, epochDurable: true } }, cfg, fx);
}

/** LEADERINFO out; waitForEpochAck counts the leader itself: alone a quorum, it goes on at once. */
function epochAnnounced(s: ZabState, cfg: ZabConfig, fx: Fx): ZabState {
  const next = announceEpoch(s, fx);
  const L = next.lead as LeadState;
  return L.phase === 'discovery' && isQuorum(L.ackEpoch, cfg) ? epochAcked(next, L, cfg, fx) : next;
}

/** The zxid a learner syncs from (ACKEPOCH): the last one in its log. */
function syncPoint(s: ZabState, cfg: ZabConfig): number {
  const v = variant(cfg);
  // ZOOKEEPER-2845/2832: the data tree's last processed zxid, behind logged uncommitted txns.
  if (v.syncPointFromApplied) return s.lastCommitted === 0 ? 0 : s.history[s.lastCommitted - 1].z;
  const last = lastZxid(s.history);
  // ZOOKEEPER-2355: a DIFF header already moved the last zxid to the leader's.
  if (v.diffAdvancesLastZxid && s.diffZxid > last) return s.diffZxid;
  return last;
}

function ackEpoch(s: ZabState, cur: number, cfg: ZabConfig, fx: Fx): ZabState {
  fx.to(s.leader, { t: 'ACKEPOCH', s: s.sess, cur, last: syncPoint(s, cfg) });
  return { ...s, lphase: 'sync' };
}

/** §4.2 step 2, on the learner. */
export function onLeaderInfo(s: ZabState, id: NodeId, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'discovery') return s;
  if (variant(cfg).epochFromLastZxid) {
    // Before ZOOKEEPER-335 there was no acceptedEpoch to refuse an epoch with.
    return ackEpoch({ ...s, acceptedEpoch: e }, s.currentEpoch, cfg, fx);
  }
  if (e > s.acceptedEpoch) {
    // setAcceptedEpoch, then ACKEPOCH: the ack leaves from the write's completion.
    fx.write({ w: 'accepted', e });
    if (variant(cfg).ackEpochBeforeWrite) return ackEpoch({ ...s, acceptedEpoch: e }, s.currentEpoch, cfg, fx);
    return { ...s, acceptedEpoch: e, lphase: 'accepting' };
  }
  // Already acked this epoch once: -1 is not counted again, but drives the sync.
  if (e === s.acceptedEpoch) return ackEpoch(s, -1, cfg, fx);
  const next = abandon(s, id, `leader epoch ${e} < accepted epoch ${s.acceptedEpoch}`, true, cfg, fx);
  fx.arm(T_FLE);
  return { ...next, refusedBy: s.leader };
}

/** The learner's acceptedEpoch write completed: now ACKEPOCH. */
export function learnerEpochAccepted(s: ZabState, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'accepting' || s.acceptedEpoch !== e) return s;
  return ackEpoch(s, s.currentEpoch, cfg, fx);
}

/** §4.2 step 3, on the leader. */
export function onAckEpoch(s: ZabState, id: NodeId, from: NodeId, cur: number, last: number, cfg: ZabConfig, fx: Fx): ZabState {
  let L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  if (p.st !== 'info' || L.epoch < 0) return s;
  L = withPeer(L, from, { ...p, st: 'acked', last });
  if (L.phase === 'sync' || L.phase === 'broadcast') return syncPeer({ ...s, lead: L }, id, from, cfg, fx);
  if (L.phase === 'epoching' || cur === -1) return { ...s, lead: L };
  const myLast = lastZxid(s.history);
  if (cur > s.currentEpoch || (cur === s.currentEpoch && last > myLast)) {
    return quit(s, id, `follower ${from} is ahead of the leader`, cfg, fx);
  }
  const ackEpochMask = isVoter(from, cfg) ? L.ackEpoch | (1 << from) : L.ackEpoch;
  L = { ...L, ackEpoch: ackEpochMask };
  if (!isQuorum(ackEpochMask, cfg)) return { ...s, lead: L };
  return epochAcked(s, L, cfg, fx);
}

/** The quorum acked: currentEpoch = e is written, and the learners are synced once it is on disk. */
function epochAcked(s: ZabState, L: LeadState, cfg: ZabConfig, fx: Fx): ZabState {
  const next: ZabState = { ...s, currentEpoch: L.epoch, vote: { ...s.vote, epoch: L.epoch }, lead: { ...L, phase: 'epoching' } };
  if (variant(cfg).epochFromLastZxid) return leaderEpochCurrent(next, s.leader, L.epoch, cfg, fx);
  fx.write({ w: 'current', e: L.epoch, s: -1 });
  return next;
}

/** The leader's currentEpoch write completed: every learner that acked the epoch is synced. */
export function leaderEpochCurrent(s: ZabState, id: NodeId, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L0 = s.lead;
  if (s.state !== 'LEADING' || L0 === null || L0.phase !== 'epoching' || L0.epoch !== e) return s;
  let next: ZabState = { ...s, lead: { ...L0, phase: 'sync' } };
  for (let j = 0; j < L0.peers.length; j++) {
    const q = L0.peers[j];
    if (q !== null && q.st === 'acked') next = syncPeer(next, id, j, cfg, fx);
  }
  // waitForNewLeaderAck counts the leader itself: alone a quorum, it is established at once.
  return isQuorum((next.lead as LeadState).ackLd, cfg) ? establish(next, id, cfg, fx) : next;
}
