// Synchronisation (§4.2 steps 4-6; LearnerHandler.syncFollower,
// Learner.syncWithLeader, Leader.waitForNewLeaderAck), as a stream: the leader
// sends DIFF / TRUNC / SNAP, then each txn of the sync as its own PROPOSAL (and
// COMMIT), then NEWLEADER, and UPTODATE once established. The learner keeps the
// synced txns in memory until NEWLEADER, then logs them, writes currentEpoch and
// only then ACKs NEWLEADER, each step waiting for its write to complete.
import type { NodeId } from '../../src/model.ts';
import { countUpTo, epochOf, fmtZxid, isQuorum, isVoter, lastZxid } from './config.ts';
import { withPeer } from './discovery.ts';
import { keepQuorum, proposeQueued } from './broadcast.ts';
import { type Fx, T_SYNC } from './fx.ts';
import { variant } from './mutants.ts';
import type { LeadState, Peer, SyncKind, Txn, ZabConfig, ZabMsg, ZabState } from './types.ts';

const NO_TXNS: readonly Txn[] = Object.freeze([]);
/**
 * zookeeper.commitLogCount (with the txn-log sync's allowance), scaled down to
 * the model's few writes: a learner more than this many txns behind gets SNAP.
 */
export const DEFAULT_WINDOW = 2;

export interface SyncPlan {
  kind: SyncKind;
  /** TRUNC: where the learner cuts its log; DIFF / SNAP: the leader's last zxid. */
  z: number;
  /** DIFF / TRUNC: index of the first committed txn to send. */
  from: number;
}

/**
 * §4.2 step 4 (LearnerHandler.syncFollower): how to bring a learner whose last
 * logged zxid is peerLast up to the leader's committed txns. The committedLog
 * is the last `window` of them: a learner older than its first gets SNAP,
 * unless it is empty and the whole log fits the window.
 */
export function planSync(committed: readonly Txn[], peerLast: number, cfg: ZabConfig): SyncPlan {
  const max = lastZxid(committed);
  const n = committed.length;
  if (peerLast === max) return { kind: 'DIFF', z: max, from: n };
  if (peerLast > max) return { kind: 'TRUNC', z: max, from: n };
  const lo = Math.max(0, n - (cfg.window ?? DEFAULT_WINDOW));
  // An empty learner and a short log: the leader sends its log as a DIFF
  // (txn-log sync, zookeeper.snapshotSizeFactor) rather than a snapshot.
  if (peerLast === 0 && lo === 0) return { kind: 'DIFF', z: max, from: 0 };
  if (n > 0 && peerLast >= committed[lo].z) {
    let k = lo;
    while (committed[k].z < peerLast) k++;
    if (committed[k].z === peerLast) return { kind: 'DIFF', z: max, from: k + 1 };
    // ZOOKEEPER-1154: before the fix a peerLast in range was assumed to be in the log.
    if (variant(cfg).diffInsteadOfTrunc) return { kind: 'DIFF', z: max, from: k };
    // In range but not in my log: truncate to the largest lower zxid I have, then DIFF.
    return { kind: 'TRUNC', z: committed[k - 1].z, from: k };
  }
  return { kind: 'SNAP', z: max, from: n };
}

/** Stream the sync to learner j, then NEWLEADER; from now on it gets live proposals. */
export function syncPeer(s: ZabState, id: NodeId, j: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  const p = L.peers[j] as Peer;
  // Before the epoch is established the whole log is committed (it is what the
  // leader loaded); afterwards the proposals past lastCommitted are outstanding.
  const nc = L.phase === 'broadcast' ? s.lastCommitted : s.history.length;
  const committed = nc === s.history.length ? s.history : s.history.slice(0, nc);
  const plan = planSync(committed, p.last, cfg);
  const out = (m: ZabMsg) => fx.to(j, m);
  if (plan.kind === 'SNAP') out({ t: 'SNAP', s: p.s, z: plan.z, txns: committed });
  else out(plan.kind === 'DIFF' ? { t: 'DIFF', s: p.s, z: plan.z } : { t: 'TRUNC', s: p.s, z: plan.z });
  for (let k = plan.from; k < nc; k++) {
    out({ t: 'PROPOSAL', s: p.s, txn: s.history[k] });
    out({ t: 'COMMIT', s: p.s, z: s.history[k].z });
  }
  for (let k = nc; k < s.history.length; k++) out({ t: 'PROPOSAL', s: p.s, txn: s.history[k] });
  const nlz = lastZxid(s.history);
  out({ t: 'NEWLEADER', s: p.s, e: L.epoch, z: nlz });
  fx.note({ t: 'sync', to: j, kind: plan.kind, n: s.history.length - plan.from });
  return { ...s, lead: withPeer(L, j, { ...p, st: 'newleader', nlz }) };
}

/** §4.2 step 5, the sync header: TRUNC cuts the log now; DIFF and SNAP build the history in memory. */
export function onSyncHeader(s: ZabState, m: Extract<ZabMsg, { t: 'DIFF' | 'TRUNC' | 'SNAP' }>, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'sync' || s.synced !== null) return s;
  if (m.t === 'SNAP') return { ...s, synced: m.txns, syncSnap: m.txns };
  if (m.t === 'DIFF') return { ...s, synced: s.history, diffZxid: variant(cfg).diffAdvancesLastZxid ? m.z : s.diffZxid };
  fx.write({ w: 'trunc', z: m.z });
  const h = s.history.slice(0, countUpTo(s.history, m.z));
  const lastCommitted = s.lastCommitted > h.length ? h.length : s.lastCommitted;
  return { ...s, history: h, lastCommitted, synced: h };
}

/** A PROPOSAL of the sync stream: kept in memory (packetsNotCommitted) until NEWLEADER. */
export function onSyncProposal(s: ZabState, txn: Txn): ZabState {
  const h = s.synced as readonly Txn[];
  return txn.z > lastZxid(h) ? { ...s, synced: h.concat([txn]) } : s;
}

/**
 * §4.2 step 5, NEWLEADER. The correct order (the fix of ZOOKEEPER-4643, 4646
 * and 4685): log the synced txns and wait for the flush, THEN write currentEpoch
 * and wait, THEN ACK NEWLEADER, THEN forward the synced txns' ACKs. The
 * variants move one write ahead of another or stop waiting for one.
 */
export function onNewLeader(s: ZabState, e: number, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'sync' || s.synced === null) return s;
  const v = variant(cfg);
  const snap = s.syncSnap;
  const base = snap !== null ? snap.length : s.history.length;
  const fresh = s.synced.slice(base).concat(s.unlogged);
  // A SNAP sync's snapshot is taken now (Learner: snapshotNeeded).
  if (snap !== null) fx.write({ w: 'snap', z: lastZxid(snap), txns: snap });
  const next: ZabState = { ...s, history: s.synced, synced: null, syncSnap: null, nlEpoch: e, nlZxid: z, unlogged: NO_TXNS };
  if (v.epochBeforeHistory) {
    // ZOOKEEPER-4643: setCurrentEpoch first; the synced txns are logged after it.
    return writeEpoch({ ...next, unlogged: fresh }, e, fx);
  }
  fx.write({ w: 'append', txns: fresh, ack: s.sess, self: false, nl: true });
  if (v.ackNewLeaderBeforeLogFlush) return writeEpoch(next, e, fx);
  return { ...next, lphase: 'logging' };
}

function writeEpoch(s: ZabState, e: number, fx: Fx): ZabState {
  fx.write({ w: 'current', e, s: s.sess });
  return { ...s, currentEpoch: e, vote: { ...s.vote, epoch: e }, lphase: 'epoching' };
}

/** The NEWLEADER handling's log write completed. */
export function syncedLogged(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'logging') return s;
  if (variant(cfg).epochBeforeHistory) return ackNewLeader(s, id, cfg, fx, true);
  return writeEpoch(s, s.nlEpoch, fx);
}

/** The NEWLEADER handling's currentEpoch write completed. */
export function syncedEpoch(s: ZabState, id: NodeId, e: number, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'epoching' || s.nlEpoch !== e) return s;
  const v = variant(cfg);
  if (v.epochBeforeHistory && s.unlogged.length > 0) {
    // ZOOKEEPER-4643's order: only now are the synced txns handed to the log.
    fx.write({ w: 'append', txns: s.unlogged, ack: s.sess, self: false, nl: true });
    const next: ZabState = { ...s, unlogged: NO_TXNS };
    if (v.ackNewLeaderBeforeLogFlush) return ackNewLeader(next, id, cfg, fx, false);
    return { ...next, lphase: 'logging' };
  }
  return ackNewLeader(s, id, cfg, fx, !v.ackNewLeaderBeforeLogFlush);
}

/**
 * ACK of NEWLEADER, then the ACKs of this epoch's synced proposals if their log
 * write is done (else the log flush sends them: onFlushed), then what the
 * leader sent meanwhile is handled (index.ts).
 */
function ackNewLeader(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx, logged: boolean): ZabState {
  fx.to(s.leader, { t: 'ACK', s: s.sess, z: s.nlZxid });
  // The synced proposals' ACKs wait for the NEWLEADER ACK (ZOOKEEPER-4685's fix:
  // the leader takes the first ACK after NEWLEADER for its ACK).
  if (logged && isVoter(id, cfg)) ackEpochTxns(s, fx);
  return { ...s, lphase: 'synced', nlEpoch: -1 };
}

/** ACK every logged txn of my current epoch (the synced proposals the leader still counts). */
export function ackEpochTxns(s: ZabState, fx: Fx): void {
  const h = s.history;
  for (let k = 0; k < h.length; k++) if (epochOf(h[k].z) === s.currentEpoch) fx.to(s.leader, { t: 'ACK', s: s.sess, z: h[k].z });
}

/** §4.2 step 6, on the leader: the first ACK after NEWLEADER is its ACK; a quorum of them starts the epoch. */
export function onNewLeaderAck(s: ZabState, id: NodeId, from: NodeId, z: number, cfg: ZabConfig, fx: Fx): ZabState {
  let L = s.lead as LeadState;
  const p = L.peers[from] as Peer;
  // LearnerHandler reads the first packet after NEWLEADER as its ACK: any other
  // zxid is an error (Leader.waitForNewLeaderAck, Zab.tla's ackInconsistent).
  if (z !== p.nlz) fx.note({ t: 'inconsistent', flag: 'ackInconsistent', why: `s${from}'s first ACK after NEWLEADER ${fmtZxid(p.nlz)} is for ${fmtZxid(z)}`, exit: false });
  L = withPeer(L, from, { ...p, st: 'active' });
  if (L.phase === 'broadcast') {
    fx.to(from, { t: 'UPTODATE', s: p.s, z: uptodateZxid(s, p.nlz, cfg) });
    return { ...s, lead: L };
  }
  // Leader.waitForNewLeaderAck: an ACK of another zxid is logged and not counted,
  // but the learner handler goes on to wait for the start-up all the same.
  if (L.phase !== 'sync' || z !== p.nlz) return { ...s, lead: L };
  const ackLdMask = isVoter(from, cfg) ? L.ackLd | (1 << from) : L.ackLd;
  L = { ...L, ackLd: ackLdMask };
  if (!isQuorum(ackLdMask, cfg)) return { ...s, lead: L };
  return establish({ ...s, lead: L }, id, cfg, fx);
}

/** A quorum ACKed NEWLEADER: the epoch is established. */
export function establish(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  const L = s.lead as LeadState;
  // Everything in the leader's log is committed (Zab.tla, ACK-LD quorum).
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
  // Spec issue 3: echoing the NEWLEADER zxid loses the commits made in between.
  if (variant(cfg).uptodateEchoesNewLeader) return nlz;
  return s.lastCommitted === 0 ? 0 : s.history[s.lastCommitted - 1].z;
}
