// Fast Leader Election (§4.1; FastLeaderElection.lookForLeader and its
// WorkerReceiver). Rounds are logicalclock; recvset holds the votes of my
// round, outofelection the votes of servers already FOLLOWING/LEADING.
import type { NodeId } from '../../src/model.ts';
import { isQuorum, isVoter, lastZxid } from './config.ts';
import { abandon, startLeading, startLearning } from './discovery.ts';
import { dropPeer } from './broadcast.ts';
import { type Fx, T_FINALIZE, T_FLE, T_SYNC } from './fx.ts';
import { variant } from './mutants.ts';
import type { Notify, Vote, ZabConfig, ZabState } from './types.ts';
import { sameVote, voteGt, voteOf } from './vote.ts';

/** Observers start from a vote below every voter's (getInitId = Long.MIN_VALUE): they never win. */
export const NO_VOTE: Vote = Object.freeze({ leader: -1, zxid: -1, epoch: -1 });

/** The initial vote: (myid, last logged zxid, currentEpoch) (§4.1 "Votes"). */
export function initialVote(s: ZabState, id: NodeId, cfg: ZabConfig): Vote {
  return isVoter(id, cfg) ? { leader: id, zxid: lastZxid(s.history), epoch: s.currentEpoch } : NO_VOTE;
}

export function myNote(s: ZabState): Notify {
  const v = s.vote;
  return { t: 'NOTIFY', leader: v.leader, zxid: v.zxid, epoch: v.epoch, round: s.round, st: s.state };
}

/** Notifications go to the voting members only (sendNotifications). */
function broadcast(n: Notify, id: NodeId, cfg: ZabConfig, fx: Fx): void {
  for (let j = 0; j < cfg.voters; j++) if (j !== id) fx.to(j, n);
}

function emptyVotes(cfg: ZabConfig): (Notify | null)[] {
  return new Array<Notify | null>(cfg.voters).fill(null);
}

/**
 * Start a new election (lookForLeader): a new round, my initial vote, recvset and
 * outofelection cleared, every role-specific volatile field dropped.
 */
export function lookForLeader(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const vote = initialVote(s, id, cfg);
  const round = s.round + 1;
  const recv = emptyVotes(cfg);
  const next: ZabState = {
    ...s,
    state: 'LOOKING',
    round,
    vote,
    recv,
    ooe: emptyVotes(cfg),
    finalizing: false,
    heardNote: false,
    heardFin: false,
    leader: -1,
    lphase: 'none',
    synced: null,
    syncSnap: null,
    held: s.held.length === 0 ? s.held : [],
    nlEpoch: -1,
    lead: null,
    backlog: null,
  };
  const n = myNote(next);
  broadcast(n, id, cfg, fx);
  fx.disarm(T_SYNC);
  fx.disarm(T_FINALIZE);
  fx.arm(T_FLE);
  if (!isVoter(id, cfg)) return next;
  // A voter receives its own notification too (sendNotifications includes
  // self) and checks it like any other: alone a quorum (one voter), it ends
  // the election after finalizeWait.
  recv[id] = n;
  return settle(next, id, cfg, fx);
}

/** Bit set of recvset entries equal to my proposal in my round (termPredicate, LOOKING equality). */
function matching(recv: readonly (Notify | null)[], v: Vote, round: number): number {
  let mask = 0;
  for (let j = 0; j < recv.length; j++) {
    const e = recv[j];
    if (e !== null && e.leader === v.leader && e.zxid === v.zxid && e.epoch === v.epoch && e.round === round) mask |= 1 << j;
  }
  return mask;
}

/** Bit set of entries equal to a FOLLOWING/LEADING notification under Vote.equals. */
function matchingNote(set: readonly (Notify | null)[], n: Notify): number {
  let mask = 0;
  for (let j = 0; j < set.length; j++) {
    const e = set[j];
    if (e !== null && sameVote(e, n)) mask |= 1 << j;
  }
  return mask;
}

/**
 * checkLeader: another leader must itself have said it is LEADING; I may lead
 * only on votes from my own round.
 */
function checkLeader(set: readonly (Notify | null)[], leader: NodeId, round: number, s: ZabState, id: NodeId): boolean {
  if (leader !== id) {
    const e = leader >= 0 && leader < set.length ? set[leader] : null;
    return e !== null && e.st === 'LEADING';
  }
  return s.round === round;
}

function decide(s: ZabState, id: NodeId, vote: Vote, round: number, cfg: ZabConfig, fx: Fx): ZabState {
  fx.disarm(T_FLE);
  fx.disarm(T_FINALIZE);
  const base: ZabState = { ...s, vote, round, finalizing: false };
  return vote.leader === id ? startLeading(base, id, cfg, fx) : startLearning(base, id, vote.leader, cfg, fx);
}

/** Re-check termination after recvset or my proposal changed (§4.1 "Termination"). */
function settle(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (variant(cfg).decideWithoutQuorum) {
    // ZOOKEEPER-975: decided once every voter had been heard from, matching or not.
    let heard = 0;
    for (let j = 0; j < s.recv.length; j++) if (s.recv[j] !== null) heard++;
    if (heard === cfg.voters && s.vote.leader >= 0) return decide(s, id, s.vote, s.round, cfg, fx);
  }
  const q = isQuorum(matching(s.recv, s.vote, s.round), cfg);
  // While finalizeWait runs, lookForLeader is in its inner poll loop and does
  // not retransmit.
  if (q && !s.finalizing) {
    fx.arm(T_FINALIZE);
    fx.disarm(T_FLE);
    return { ...s, finalizing: true, heardFin: false };
  }
  if (!q && s.finalizing) {
    fx.disarm(T_FINALIZE);
    fx.arm(T_FLE);
    return { ...s, finalizing: false };
  }
  return s;
}

function isCopy(s: ZabState, from: NodeId, n: Notify): boolean {
  const e = n.st === 'LOOKING' ? (from < s.recv.length ? s.recv[from] : null) : from < s.ooe.length ? s.ooe[from] : null;
  return e !== null && e.round === n.round && e.st === n.st && e.leader === n.leader && e.zxid === n.zxid && e.epoch === n.epoch;
}

export function onNotify(s: ZabState, id: NodeId, from: NodeId, n: Notify, cfg: ZabConfig, fx: Fx): ZabState {
  // Only voters answer: observers listen, and never vote (validVoter).
  const answers = isVoter(id, cfg);
  // A re-sent copy of what I already hold from that server is not news: with
  // ZooKeeper's exponential backoff such copies come ever more rarely, so they
  // neither delay finalizeWait nor count as traffic for my own retransmission.
  if ((!s.heardNote || (s.finalizing && !s.heardFin)) && (!answers || isVoter(from, cfg)) && !isCopy(s, from, n)) s = { ...s, heardNote: true, heardFin: true };
  if (s.state !== 'LOOKING') {
    // My own leader is looking for a leader: it no longer leads me (its
    // connection to me is gone, whether or not I was told).
    // (While I am still connecting, my leader-to-be may well be finishing its election.)
    if (n.st === 'LOOKING' && from === s.leader && s.state !== 'LEADING' && s.lphase !== 'discovery') return abandon(s, id, 'the leader is LOOKING', false, cfg, fx);
    // Likewise a learner of mine that is LOOKING has left me.
    if (n.st === 'LOOKING' && s.state === 'LEADING' && s.lead !== null && s.lead.peers[from] !== null) {
      const next = dropPeer(s, id, from, cfg, fx);
      if (next.state !== 'LEADING') return next;
      if (answers) fx.to(from, myNote(next));
      return next;
    }
    // A server out of election answers a LOOKING one with the leader it follows.
    if (n.st === 'LOOKING' && answers) fx.to(from, myNote(s));
    return s;
  }
  if (!isVoter(from, cfg)) {
    // An observer's notification is answered, never counted.
    if (n.st === 'LOOKING' && answers) fx.to(from, myNote(s));
    return s;
  }
  if (n.st === 'OBSERVING') return s;
  // An observer has no vote to propose and never counts: it only joins an
  // ensemble that is out of election (outofelection quorum plus checkLeader).
  if (n.st === 'LOOKING' && !answers) return s;
  if (n.st === 'LOOKING') {
    let { round, vote, recv } = s;
    let changed = false;
    if (n.round > round) {
      // A higher round: adopt it, clear recvset, vote max(theirs, my initial vote).
      round = n.round;
      recv = emptyVotes(cfg);
      const init = initialVote(s, id, cfg);
      // higher-round-adopts-vote: the comparison with my own vote is skipped.
      vote = voteGt(n, init, cfg) || (variant(cfg).higherRoundAdoptsVote && n.leader >= 0) ? voteOf(n) : init;
      changed = true;
    } else if (n.round < round) {
      // A lagging round: dropped, but the lagging sender is told my vote.
      if (answers) fx.to(from, myNote(s));
      return s;
    } else if (voteGt(n, vote, cfg)) {
      vote = voteOf(n);
      changed = true;
    } else {
      // ZooKeeper's exponential retransmission backoff eventually lets a server
      // with a better vote be heard by one that keeps re-sending a worse one;
      // answering a re-sent worse vote of my round reaches the same point.
      if (answers && n.re === true && voteGt(vote, n, cfg)) fx.to(from, myNote(s));
      // A copy of what I hold changes nothing.
      const e = recv[from];
      if (e !== null && e.round === n.round && e.st === n.st && e.leader === n.leader && e.zxid === n.zxid && e.epoch === n.epoch) return s;
      recv = recv.slice();
    }
    let next: ZabState;
    if (changed) {
      next = { ...s, round, vote, recv: recv === s.recv ? recv.slice() : recv };
      const own = myNote(next);
      if (isVoter(id, cfg)) (next.recv as (Notify | null)[])[id] = own;
      broadcast(own, id, cfg, fx);
    } else next = { ...s, recv };
    (next.recv as (Notify | null)[])[from] = n;
    return settle(next, id, cfg, fx);
  }
  // FOLLOWING / LEADING: consider votes of my round together, and always the
  // out-of-election ones (joining an established ensemble, ZOOKEEPER-1732).
  let next = s;
  if (n.round === s.round) {
    const recv = s.recv.slice();
    recv[from] = n;
    next = { ...s, recv };
    if (n.leader !== s.refusedBy && isQuorum(matchingNote(recv, n), cfg) && checkLeader(recv, n.leader, n.round, next, id)) return decide(next, id, voteOf(n), n.round, cfg, fx);
  }
  const ooe = s.ooe.slice();
  ooe[from] = n;
  next = { ...next, ooe };
  if (n.leader !== s.refusedBy && isQuorum(matchingNote(ooe, n), cfg) && checkLeader(ooe, n.leader, n.round, next, id)) return decide(next, id, voteOf(n), n.round, cfg, fx);
  return n.round === s.round ? settle(next, id, cfg, fx) : next;
}

/** finalizeWait elapsed with no better vote: decide if the quorum still holds. */
export function onFinalize(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.state !== 'LOOKING' || !s.finalizing) return s;
  if (!isQuorum(matching(s.recv, s.vote, s.round), cfg)) {
    fx.arm(T_FLE);
    return { ...s, finalizing: false };
  }
  // recvqueue.poll(finalizeWait) is polled again after every notification: only
  // finalizeWait of silence ends the election.
  if (s.heardFin) {
    fx.arm(T_FINALIZE);
    return { ...s, heardFin: false };
  }
  return decide(s, id, s.vote, s.round, cfg, fx);
}

/**
 * Retransmission (lookForLeader's poll timeout): only after a silence, i.e. no
 * notification from a voter since the timer was last armed, re-send my vote to
 * every voter.
 */
export function onFleTimer(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.state !== 'LOOKING' || s.finalizing) return s;
  fx.arm(T_FLE);
  if (s.refusedBy >= 0) s = { ...s, refusedBy: -1 };
  if (s.heardNote) return { ...s, heardNote: false };
  broadcast({ ...myNote(s), re: true }, id, cfg, fx);
  return s;
}
