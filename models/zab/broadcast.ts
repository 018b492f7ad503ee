// Broadcast (§4.2 step 7; Leader.propose / processAck / tryToCommit,
// Follower.processPacket, FollowerZooKeeperServer.commit): PROPOSAL, ACK and
// COMMIT strictly in zxid order, a commit needs a quorum of voters including
// the leader; observers get INFORM and never count.
import type { NodeId } from '../../src/model.ts';
import { countUpTo, isQuorum, isVoter, lastZxid, popcount, quorumSize, zxid } from './config.ts';
import { abandon, quit } from './discovery.ts';
import { Fx, T_FLUSH, T_SYNC } from './fx.ts';
import type { LeadState, Outstanding, Peer, Txn, ZabConfig, ZabState } from './types.ts';

/** Which learners get PROPOSALs: every follower sent NEWLEADER (Zab.tla's ackeRecv). */
function getsProposals(p: Peer, j: NodeId, cfg: ZabConfig): boolean {
  if (!isVoter(j, cfg) && cfg.mutant !== 'count-observer-ack') return false;
  // Spec issue 1: proposing to ACK-LD senders only starves a follower between NEWLEADER and ACK-LD.
  if (cfg.mutant === 'propose-to-ackld-only') return p.st === 'active';
  return p.st === 'newleader' || p.st === 'active';
}

/** A quorum of voters, the leader included, logged it. */
function committable(acks: number, cfg: ZabConfig): boolean {
  if (cfg.mutant === 'commit-before-quorum') return popcount(acks) >= 2;
  if (cfg.mutant === 'count-observer-ack') return popcount(acks) >= quorumSize(cfg);
  return isQuorum(acks, cfg);
}

export function propose(s: ZabState, id: NodeId, v: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const counter = L.counter + 1;
  const txn: Txn = { z: zxid(L.epoch, counter), v };
  for (let j = 0; j < L.peers.length; j++) {
    const p = L.peers[j];
    if (p !== null && getsProposals(p, j, cfg)) fx.to(j, { t: 'PROPOSAL', s: p.s, txn });
  }
  fx.note({ t: 'propose', z: txn.z, v });
  const outstanding: Outstanding[] = L.outstanding.concat([{ z: txn.z, acks: 1 << id }]);
  // The leader logs its own proposal before counting itself.
  return tryCommit({ ...s, history: s.history.concat([txn]), lead: { ...L, counter, outstanding } }, cfg, fx);
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
        // COMMIT goes to learners whose ACK-LD is in; the others learn the commit point from UPTODATE.
        if (p.st === 'active') fx.to(j, { t: 'COMMIT', s: p.s, z: o.z });
      } else if (p.st === 'newleader' || p.st === 'active') fx.to(j, { t: 'INFORM', s: p.s, txn });
    }
    fx.note({ t: 'commit', z: o.z });
    k++;
  }
  if (k === 0) return s;
  return { ...s, lastCommitted: s.lastCommitted + k, lead: { ...L, outstanding: L.outstanding.slice(k) } };
}

export function onAck(s: ZabState, from: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  if (p.st !== 'active' || L.phase !== 'broadcast') return s;
  const bit = 1 << from;
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

/** PROPOSAL on a follower: log it and ACK; a zxid already logged is a duplicate (spec issue 2). */
export function onProposal(s: ZabState, id: NodeId, txn: Txn, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'synced' && s.lphase !== 'broadcast') return s;
  const inMemory = s.synced !== null && cfg.mutant === 'ackld-before-persist';
  const h = inMemory ? (s.synced as readonly Txn[]) : s.history;
  if (txn.z <= lastZxid(h)) return s;
  if (cfg.mutant === 'log-after-shutdown' && isVoter(id, cfg)) {
    // ZOOKEEPER-4712: queued for the sync processor, logged (and acked) at a later flush.
    fx.arm(T_FLUSH);
    return { ...s, unlogged: s.unlogged.concat([txn]) };
  }
  // A gap is only logged as a warning by ZooKeeper (Learner "Got zxid ... expected ...").
  const h2 = h.concat([txn]);
  fx.to(s.leader, { t: 'ACK', s: s.sess, z: txn.z });
  return inMemory ? { ...s, synced: h2 } : { ...s, history: h2 };
}

/**
 * The log-after-shutdown mutant's sync processor flush (ZOOKEEPER-4712/4394):
 * the queued proposals are written whatever happened since, even after the
 * server left its leader, re-entered election and synced with another.
 */
export function flushUnlogged(s: ZabState, fx: Fx): ZabState {
  if (s.unlogged.length === 0) return s;
  const history = s.history.concat(s.unlogged);
  if ((s.state === 'FOLLOWING' || s.state === 'OBSERVING') && (s.lphase === 'synced' || s.lphase === 'broadcast')) {
    for (const t of s.unlogged) fx.to(s.leader, { t: 'ACK', s: s.sess, z: t.z });
  }
  return { ...s, history, unlogged: [] };
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
  fx.note({ t: 'exit', why: 'COMMIT for a txn that is not the next pending one' });
  return abandon(s, id, 'unmatched commit', true, cfg, fx);
}

/** §4.2 step 6 on the learner: commit up to the leader's commit point and start serving. */
export function onUptodate(s: ZabState, z: number, fx: Fx): ZabState {
  if (s.lphase !== 'synced') return s;
  // ZOOKEEPER-3911 (ackld-before-persist): the synced txns reached the disk only now.
  const history = s.synced !== null ? s.synced : s.history;
  const upTo = countUpTo(history, z);
  const lastCommitted = upTo > s.lastCommitted ? upTo : s.lastCommitted;
  fx.disarm(T_SYNC);
  for (const v of s.queue) fx.to(s.leader, { t: 'REQUEST', s: s.sess, v });
  return { ...s, history, synced: null, lastCommitted, lphase: 'broadcast', queue: s.queue.length === 0 ? s.queue : [] };
}

/**
 * A client write: the leader proposes it once serving; a learner forwards it to a
 * serving leader. Until then it waits in the server's queue (lost on crash).
 */
export function onClientWrite(s: ZabState, id: NodeId, v: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.state === 'LEADING' && s.lead !== null && s.lead.phase === 'broadcast') return propose(s, id, v, cfg, fx);
  if ((s.state === 'FOLLOWING' || s.state === 'OBSERVING') && s.lphase === 'broadcast') {
    if (cfg.mutant === 'local-write' && s.state === 'FOLLOWING') {
      // A follower that serves a write itself: logged and applied, never proposed.
      const txn: Txn = { z: lastZxid(s.history) + 1, v };
      const history = s.history.concat([txn]);
      return { ...s, history, lastCommitted: history.length };
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
