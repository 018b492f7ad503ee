// Synchronisation (§4.2 steps 4-6; LearnerHandler.syncFollower,
// Learner.syncWithLeader, Leader.waitForNewLeaderAck).
import type { NodeId } from '../../src/model.ts';
import { countUpTo, epochOf, isQuorum, isVoter, lastZxid } from './config.ts';
import { withPeer } from './discovery.ts';
import { keepQuorum, proposeQueued } from './broadcast.ts';
import { Fx, T_PERSIST, T_SYNC } from './fx.ts';
import type { LeadState, Peer, SyncKind, Txn, ZabConfig, ZabState } from './types.ts';

const NO_TXNS: readonly Txn[] = Object.freeze([]);

export interface SyncPlan {
  kind: SyncKind;
  /** TRUNC target (-1 otherwise). */
  to: number;
  txns: readonly Txn[];
}

/**
 * §4.2 step 4: what the leader sends a learner whose last logged zxid is
 * peerLast. The leader's committedLog is its whole history, so minCommitted is
 * its first txn and maxCommitted its last.
 */
export function planSync(h: readonly Txn[], peerLast: number, cfg: ZabConfig): SyncPlan {
  const max = lastZxid(h);
  if (peerLast === max) return { kind: 'DIFF', to: -1, txns: NO_TXNS };
  if (peerLast > max) return { kind: 'TRUNC', to: max, txns: NO_TXNS };
  if (h.length > 0 && peerLast >= h[0].z) {
    let k = 0;
    while (k < h.length && h[k].z < peerLast) k++;
    // h[k] is the first txn >= peerLast.
    if (h[k].z === peerLast) return { kind: 'DIFF', to: -1, txns: h.slice(k + 1) };
    // ZOOKEEPER-1154: before the fix a peerLast in range was assumed to be in the log.
    if (cfg.mutant === 'diff-instead-of-trunc') return { kind: 'DIFF', to: -1, txns: h.slice(k) };
    // In range but not in my log: truncate to the largest lower zxid I have, then DIFF.
    return { kind: 'TRUNC', to: h[k - 1].z, txns: h.slice(k) };
  }
  return { kind: 'SNAP', to: -1, txns: h };
}

/** Send the sync packets and NEWLEADER; from now on the learner gets live proposals. */
export function syncPeer(s: ZabState, id: NodeId, j: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const p = L.peers[j] as Peer;
  const plan = planSync(s.history, p.last, cfg);
  const nlz = lastZxid(s.history);
  fx.to(j, { t: 'SYNC', s: p.s, kind: plan.kind, to: plan.to, txns: plan.txns });
  fx.to(j, { t: 'NEWLEADER', s: p.s, e: L.epoch, z: nlz });
  fx.note({ t: 'sync', to: j, kind: plan.kind, n: plan.txns.length });
  return { ...s, lead: withPeer(L, j, { ...p, st: 'newleader', nlz }) };
}

/** §4.2 step 5, first half: TRUNC hits the log at once; DIFF and SNAP stay in memory. */
export function onSync(s: ZabState, kind: SyncKind, to: number, txns: readonly Txn[]): ZabState {
  if (s.lphase !== 'sync' || s.synced !== null) return s;
  if (kind === 'SNAP') return { ...s, synced: txns };
  if (kind === 'DIFF') return { ...s, synced: txns.length === 0 ? s.history : s.history.concat(txns) };
  const h = s.history.slice(0, countUpTo(s.history, to));
  const lastCommitted = s.lastCommitted > h.length ? h.length : s.lastCommitted;
  return { ...s, history: h, lastCommitted, synced: txns.length === 0 ? h : h.concat(txns) };
}

function ackLd(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx, z: number): void {
  fx.to(s.leader, { t: 'ACKLD', s: s.sess, z });
  // The synced proposals of this epoch are logged now and acknowledged after ACK-LD
  // (ZOOKEEPER-4685: never before it on the same connection).
  if (isVoter(id, cfg)) {
    const h = s.synced ?? s.history;
    for (let k = 0; k < h.length; k++) if (epochOf(h[k].z) === s.currentEpoch) fx.to(s.leader, { t: 'ACK', s: s.sess, z: h[k].z });
  }
}

/**
 * §4.2 step 5, NEWLEADER: persist the synced txns, THEN set currentEpoch, THEN
 * send ACK-LD (the order that fixes ZOOKEEPER-4643 and 4646).
 */
export function onNewLeader(s: ZabState, id: NodeId, e: number, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'sync' || s.synced === null) return s;
  if (cfg.mutant === 'epoch-before-history') {
    // ZOOKEEPER-4643: currentEpoch hits the disk first; the log write comes in a later step.
    fx.arm(T_PERSIST);
    return { ...s, currentEpoch: e, vote: { ...s.vote, epoch: e }, lphase: 'persisting' };
  }
  if (cfg.mutant === 'ackld-before-persist') {
    // ZOOKEEPER-4646/3911: ACK-LD goes out while the synced txns are still in memory.
    const next: ZabState = { ...s, currentEpoch: e, vote: { ...s.vote, epoch: e }, lphase: 'synced' };
    ackLd(next, id, cfg, fx, z);
    return next;
  }
  const next: ZabState = { ...s, history: s.synced, synced: null, currentEpoch: e, vote: { ...s.vote, epoch: e }, lphase: 'synced' };
  ackLd(next, id, cfg, fx, z);
  return next;
}

/** The epoch-before-history mutant's deferred log write, then its ACK-LD. */
export function finishPersist(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'persisting' || s.synced === null) return s;
  fx.disarm(T_PERSIST);
  const next: ZabState = { ...s, history: s.synced, synced: null, lphase: 'synced' };
  ackLd(next, id, cfg, fx, lastZxid(next.history));
  return next;
}

/** §4.2 step 6, on the leader: ACK-LD in; a quorum of them starts the epoch. */
export function onAckLd(s: ZabState, id: NodeId, from: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  let L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  if (p.st !== 'newleader') return s;
  L = withPeer(L, from, { ...p, st: 'active' });
  if (L.phase === 'broadcast') {
    fx.to(from, { t: 'UPTODATE', s: p.s, z: uptodateZxid(s, p.nlz, cfg) });
    return { ...s, lead: L };
  }
  if (L.phase !== 'sync') return { ...s, lead: L };
  const ackLdMask = isVoter(from, cfg) ? L.ackLd | (1 << from) : L.ackLd;
  L = { ...L, ackLd: ackLdMask };
  if (!isQuorum(ackLdMask, cfg)) return { ...s, lead: L };
  // Established: everything in the leader's log is committed (Zab.tla, ACK-LD quorum).
  let next: ZabState = { ...s, lastCommitted: s.history.length, lead: { ...L, phase: 'broadcast' } };
  fx.disarm(T_SYNC);
  fx.note({ t: 'established', e: L.epoch });
  for (let j = 0; j < L.peers.length; j++) {
    const q = L.peers[j];
    if (q !== null && q.st === 'active') fx.to(j, { t: 'UPTODATE', s: q.s, z: uptodateZxid(next, q.nlz, cfg) });
  }
  next = keepQuorum(next, id, cfg, fx);
  return next.state === 'LEADING' ? proposeQueued(next, id, cfg, fx) : next;
}

/** UPTODATE carries the leader's commit point (Zab.tla COMMIT-LD). */
function uptodateZxid(s: ZabState, nlz: number, cfg: ZabConfig): number {
  // Spec issue 3: echoing the ACK-LD's zxid loses the commits made in between.
  if (cfg.mutant === 'commitld-echoes-ackld') return nlz;
  return s.lastCommitted === 0 ? 0 : s.history[s.lastCommitted - 1].z;
}
