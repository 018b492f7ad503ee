// Broadcast (§4.2 step 7; Leader.propose / processAck / tryToCommit,
// Follower.processPacket, FollowerZooKeeperServer.commit): PROPOSAL, ACK and
// COMMIT strictly in zxid order; a commit needs a quorum of voters whose log
// flush completed (the leader's own ack comes from its flush too,
// AckRequestProcessor); observers get INFORM and never count.
import type { NodeId } from '../../src/model.ts';
import { countUpTo, epochOf, fmtZxid, isQuorum, isVoter, lastZxid, popcount, quorumSize, zxid } from './config.ts';
import { abandon, quit } from './discovery.ts';
import { type Fx, T_SYNC } from './fx.ts';
import { variant } from './mutants.ts';
import { onNewLeaderAck } from './sync.ts';
import type { LeadState, Outstanding, Peer, Txn, ZabConfig, ZabState } from './types.ts';

/** Which learners get PROPOSALs: every follower sent NEWLEADER (Zab.tla's ackeRecv). */
function getsProposals(p: Peer, j: NodeId, cfg: ZabConfig): boolean {
  const v = variant(cfg);
  if (!isVoter(j, cfg) && !v.countObserverAck) return false;
  // Spec issue 1: proposing to NEWLEADER-ACK senders only starves a follower between NEWLEADER and its ACK.
  if (v.proposeToAckedOnly) return p.st === 'active';
  return p.st === 'newleader' || p.st === 'active';
}

/** A quorum of voters logged it. */
function committable(acks: number, cfg: ZabConfig): boolean {
  const v = variant(cfg);
  if (v.commitBeforeQuorum) return popcount(acks) >= 2;
  if (v.countObserverAck) return popcount(acks) >= quorumSize(cfg);
  return isQuorum(acks, cfg);
}

/** Leader.propose: send the PROPOSAL and hand the txn to my own log; I ack it when the write completes. */
export function propose(s: ZabState, id: NodeId, v: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const counter = L.counter + 1;
  const txn: Txn = { z: zxid(L.epoch, counter), v };
  for (let j = 0; j < L.peers.length; j++) {
    const p = L.peers[j];
    if (p !== null && getsProposals(p, j, cfg)) fx.to(j, { t: 'PROPOSAL', s: p.s, txn });
  }
  fx.note({ t: 'propose', z: txn.z, v });
  fx.write({ w: 'append', txns: [txn], ack: -1, self: true, nl: false });
  const outstanding: Outstanding[] = L.outstanding.concat([{ z: txn.z, acks: 0 }]);
  return { ...s, history: s.history.concat([txn]), lead: { ...L, counter, outstanding } };
}

export function proposeQueued(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.queue.length === 0) return s;
  let next: ZabState = { ...s, queue: [] };
  for (const v of s.queue) next = propose(next, id, v, cfg, fx);
  return next;
}

/** Commit the head of the outstanding queue while it has a quorum: strictly in zxid order. */
function tryCommit(s: ZabState, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  let k = 0;
  while (k < L.outstanding.length && committable(L.outstanding[k].acks, cfg)) {
    const o = L.outstanding[k];
    const txn = s.history[s.lastCommitted + k];
    for (let j = 0; j < L.peers.length; j++) {
      const p = L.peers[j];
      if (p === null) continue;
      if (isVoter(j, cfg)) {
        // COMMIT goes to learners whose NEWLEADER ACK is in; the others learn the commit point from UPTODATE.
        if (p.st === 'active') fx.to(j, { t: 'COMMIT', s: p.s, z: o.z });
      } else if (p.st === 'newleader' || p.st === 'active') fx.to(j, { t: 'INFORM', s: p.s, txn });
    }
    fx.note({ t: 'commit', z: o.z });
    k++;
  }
  if (k === 0) return s;
  return { ...s, lastCommitted: s.lastCommitted + k, lead: { ...L, outstanding: L.outstanding.slice(k) } };
}

/** Count voter j's ack of z (Leader.processAck). */
function countAck(s: ZabState, j: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const bit = 1 << j;
  for (let k = 0; k < L.outstanding.length; k++) {
    const o = L.outstanding[k];
    if (o.z !== z) continue;
    if (o.acks & bit) return s;
    const outstanding = L.outstanding.slice();
    outstanding[k] = { z, acks: o.acks | bit };
    return tryCommit({ ...s, lead: { ...L, outstanding } }, cfg, fx);
  }
  return s;
}

/** An ACK from a learner: after NEWLEADER the first one is taken as its NEWLEADER ACK (one packet type). */
export function onAck(s: ZabState, id: NodeId, from: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  if (p.st === 'newleader') return onNewLeaderAck(s, id, from, z, cfg, fx);
  if (p.st !== 'active' || L.phase !== 'broadcast') return s;
  return countAck(s, from, z, cfg, fx);
}

/** My own log write of my proposals completed: I count my ack (AckRequestProcessor). */
export function selfAck(s: ZabState, id: NodeId, txns: readonly Txn[], cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead;
  if (s.state !== 'LEADING' || L === null || L.phase !== 'broadcast') return s;
  let out = s;
  for (const t of txns) if (epochOf(t.z) === L.epoch) out = countAck(out, id, t.z, cfg, fx);
  return out;
}

/** A learner lost or closed its connection to me. */
export function dropPeer(s: ZabState, id: NodeId, j: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const peers = L.peers.slice();
  peers[j] = null;
  return keepQuorum({ ...s, lead: { ...L, peers } }, id, cfg, fx);
}

/**
 * A serving leader that no longer has a quorum of synced voters connected steps
 * down (Leader.lead's per-tick check of the synced followers).
 */
export function keepQuorum(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  if (L.phase !== 'broadcast') return s;
  let mask = 1 << id;
  for (let k = 0; k < cfg.voters; k++) {
    const p = L.peers[k];
    if (p !== null && (p.st === 'newleader' || p.st === 'active')) mask |= 1 << k;
  }
  if (isQuorum(mask, cfg)) return s;
  return quit(s, id, 'lost its quorum of synced followers', cfg, fx);
}

/** Hand txns to my log; learners that ack name the connection the acks go out on. */
export function logTxns(s: ZabState, txns: readonly Txn[], ack: number, fx: Fx, cfg: ZabConfig): ZabState {
  fx.write({ w: 'append', txns, ack, self: false, nl: false });
  const history = s.history.concat(txns);
  // log-after-shutdown keeps track of what its log thread still holds.
  return variant(cfg).logAfterShutdown ? { ...s, history, queuedLog: s.queuedLog.concat(txns) } : { ...s, history };
}

/**
 * PROPOSAL on a follower: handed to the log; the ACK leaves when the write
 * completes (SendAckRequestProcessor). A zxid already logged is a duplicate (spec issue 2).
 */
export function onProposal(s: ZabState, id: NodeId, txn: Txn, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'synced' && s.lphase !== 'broadcast') return s;
  if (txn.z <= lastZxid(s.history)) return s;
  // A gap is only logged as a warning by ZooKeeper (Learner "Got zxid ... expected ...").
  // Observers log what they are sent and never ack (count-observer-ack: they do).
  return logTxns(s, [txn], isVoter(id, cfg) || variant(cfg).countObserverAck ? s.sess : -1, fx, cfg);
}

/**
 * A log write of mine completed: ACK its txns if the connection it was for is
 * still mine and serving. The synced txns NEWLEADER logged are ACKed by
 * ackNewLeader once its ACK is out (ZOOKEEPER-4685's fix); before it the log
 * thread ACKed every flushed txn at once (SendAckRequestProcessor), ahead of it.
 */
export function learnerLogged(s: ZabState, id: NodeId, txns: readonly Txn[], ack: number, nl: boolean, cfg: ZabConfig, fx: Fx): ZabState {
  let out = s;
  const v = variant(cfg);
  if (v.logAfterShutdown && s.queuedLog.length > 0) {
    let k = 0;
    while (k < s.queuedLog.length && k < txns.length && s.queuedLog[k] === txns[k]) k++;
    if (k > 0) out = { ...s, queuedLog: s.queuedLog.slice(k) };
  }
  if (ack < 0 || ack !== s.sess || s.state === 'LOOKING') return out;
  const early = nl && v.ackSyncedOnFlush;
  if (s.lphase !== 'synced' && s.lphase !== 'broadcast' && !(early && (s.lphase === 'logging' || s.lphase === 'epoching'))) return out;
  for (const t of txns) if (!nl || early || epochOf(t.z) === s.currentEpoch) fx.to(s.leader, { t: 'ACK', s: s.sess, z: t.z });
  return out;
}

/**
 * COMMIT on a follower, as FollowerZooKeeperServer.commit: nothing pending is a
 * warning; a COMMIT for other than the next pending txn makes ZooKeeper exit.
 * A reducer cannot crash itself, so the server drops the connection and goes
 * back to election (what it has delivered stays delivered).
 */
export function onCommit(s: ZabState, id: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'broadcast') return s;
  if (s.lastCommitted >= s.history.length) return s;
  if (s.history[s.lastCommitted].z === z) return { ...s, lastCommitted: s.lastCommitted + 1 };
  fx.note({ t: 'inconsistent', flag: 'commitInconsistent', why: `COMMIT ${fmtZxid(z)} while the next pending txn is ${fmtZxid(s.history[s.lastCommitted].z)}`, exit: true });
  return abandon(s, id, 'unmatched commit', true, cfg, fx);
}

/** §4.2 step 6 on the learner: commit up to the leader's commit point and start serving. */
export function onUptodate(s: ZabState, z: number, fx: Fx): ZabState {
  if (s.lphase !== 'synced') return s;
  const upTo = countUpTo(s.history, z);
  const lastCommitted = upTo > s.lastCommitted ? upTo : s.lastCommitted;
  fx.disarm(T_SYNC);
  for (const v of s.queue) fx.to(s.leader, { t: 'REQUEST', s: s.sess, v });
  return { ...s, lastCommitted, lphase: 'broadcast', queue: s.queue.length === 0 ? s.queue : [] };
}

/**
 * A client write: the leader proposes it once serving; a learner forwards it to a
 * serving leader. Until then it waits in the server's queue (lost on crash).
 */
export function onClientWrite(s: ZabState, id: NodeId, v: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.state === 'LEADING' && s.lead !== null && s.lead.phase === 'broadcast') return propose(s, id, v, cfg, fx);
  if ((s.state === 'FOLLOWING' || s.state === 'OBSERVING') && s.lphase === 'broadcast') {
    if (variant(cfg).localWrite && s.state === 'FOLLOWING') {
      // A follower that serves a write itself: logged and applied, never proposed.
      const out = logTxns(s, [{ z: lastZxid(s.history) + 1, v }], -1, fx, cfg);
      return { ...out, lastCommitted: out.history.length };
    }
    fx.to(s.leader, { t: 'REQUEST', s: s.sess, v });
    return s;
  }
  return { ...s, queue: s.queue.concat([v]) };
}

/** A write forwarded by a learner: queued until the epoch is established. */
export function onRequest(s: ZabState, id: NodeId, v: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  if (L.phase === 'broadcast') return propose(s, id, v, cfg, fx);
  return { ...s, queue: s.queue.concat([v]) };
}
