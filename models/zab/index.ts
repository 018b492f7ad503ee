// ZAB as a pure node model: one reducer per server, dispatching on its
// ServerState (QuorumPeer.run) and on the message type.
import type { Input, NodeId, NodeModel, StepResult } from '../../src/model.ts';
import { epochOf, lastZxid } from './config.ts';
import { abandon, leaderEpochCurrent, leaderEpochDurable, learnerEpochAccepted, onAckEpoch, onFollowerInfo, onLeaderInfo, quit } from './discovery.ts';
import { lookForLeader, NO_VOTE, onFinalize, onFleTimer, onNotify } from './fle.ts';
import { BOOT_TICKS, Fx, INIT_LIMIT, T_BOOT, T_FINALIZE, T_FLE, T_SYNC } from './fx.ts';
import { dropPeer, learnerLogged, onAck, onClientWrite, onCommit, onProposal, onRequest, onUptodate, selfAck } from './broadcast.ts';
import { durableOf, zabDisk } from './disk.ts';
import { variant } from './mutants.ts';
import { onInform } from './observer.ts';
import { onNewLeader, onSyncHeader, onSyncProposal, syncedEpoch, syncedLogged } from './sync.ts';
import type { Backlog, Txn, WriteRequest, ZabConfig, ZabDisk, ZabDurable, ZabMsg, ZabObs, ZabState, ZabWrite } from './types.ts';

export * from './types.ts';
export * from './config.ts';
export { voteGt } from './vote.ts';
export { planSync } from './sync.ts';
export { ZAB_MUTANTS, ZAB_PROFILES, DEFAULT_PROFILE, profileProblem } from './mutants.ts';
export { replay, zabDisk, EMPTY_DISK } from './disk.ts';
export { zabRender } from './render.ts';

type R = StepResult<ZabState, ZabMsg, ZabObs>;
const EMPTY_HISTORY: readonly Txn[] = Object.freeze([]);
const NO_QUEUE: readonly number[] = Object.freeze([]);
const NO_MSGS: readonly ZabMsg[] = Object.freeze([]);

function fresh(d: ZabDurable): ZabState {
  return {
    acceptedEpoch: d.acceptedEpoch,
    currentEpoch: d.currentEpoch,
    history: d.history,
    state: 'LOOKING',
    round: 0,
    vote: NO_VOTE,
    recv: [],
    ooe: [],
    finalizing: false,
    heardNote: false,
    heardFin: false,
    heardZab: false,
    unlogged: EMPTY_HISTORY,
    queuedLog: EMPTY_HISTORY,
    held: NO_MSGS,
    nlEpoch: -1,
    nlZxid: -1,
    diffZxid: -1,
    syncSnap: null,
    booting: 0,
    refusedBy: -1,
    silentTicks: 0,
    lastCommitted: 0,
    queue: NO_QUEUE,
    leader: -1,
    sess: 0,
    lphase: 'none',
    synced: null,
    lead: null,
    backlog: null,
  };
}

function onTimeout(s: ZabState, id: NodeId, timer: string, cfg: ZabConfig, fx: Fx): ZabState {
  switch (timer) {
    case T_FLE:
      return onFleTimer(s, id, cfg, fx);
    case T_FINALIZE:
      return onFinalize(s, id, cfg, fx);
    case T_SYNC: {
      // A learner still connecting (Learner.connectToLeader) retries on each
      // silent tick; a learner in discovery or sync gives up after initLimit
      // silent ticks; once serving it relies on the connection breaking.
      if (s.state === 'FOLLOWING' || s.state === 'OBSERVING') {
        if (s.lphase === 'broadcast' || s.lphase === 'none') return s;
        if (s.lphase === 'discovery') {
          // Learner.connectToLeader retries a bounded number of times: a leader
          // still LOOKING takes the connection up when it starts leading (its
          // backlog) or refuses it when it follows someone else.
          const tries = s.silentTicks + 1;
          if (tries > INIT_LIMIT) return abandon(s, id, 'could not connect to the leader', true, cfg, fx);
          fx.arm(T_SYNC);
          fx.to(s.leader, { t: 'FOLLOWERINFO', s: s.sess, acc: s.acceptedEpoch });
          return { ...s, silentTicks: tries };
        }
        const silent = s.heardZab ? 0 : s.silentTicks + 1;
        if (silent >= INIT_LIMIT) return abandon(s, id, 'not synced within initLimit', true, cfg, fx);
        fx.arm(T_SYNC);
        return { ...s, heardZab: false, silentTicks: silent };
      }
      if (s.state !== 'LEADING' || s.lead === null || s.lead.phase === 'broadcast') return s;
      // The leader's initLimit is a deadline, not a read timeout: getEpochToPropose,
      // waitForEpochAck and waitForNewLeaderAck each wait at most initLimit ticks in
      // all, however much the learners say meanwhile (a learner that keeps coming
      // back with an epoch it already acked, -1, never completes the quorum).
      const ticks = s.silentTicks + 1;
      if (ticks < INIT_LIMIT) {
        fx.arm(T_SYNC);
        return { ...s, silentTicks: ticks };
      }
      return quit(s, id, 'no quorum synced within initLimit', cfg, fx);
    }
    default:
      return s;
  }
}

function onMessage(s: ZabState, id: NodeId, from: NodeId, m: ZabMsg, cfg: ZabConfig, fx: Fx): ZabState {
  if (m.t === 'NOTIFY') return onNotify(s, id, from, m, cfg, fx);
  if (s.state === 'LEADING') {
    const L = s.lead;
    if (L === null) return s;
    if (m.t === 'FOLLOWERINFO') return onFollowerInfo(s.heardZab ? s : { ...s, heardZab: true }, id, from, m.acc, m.s, cfg, fx);
    const p = L.peers[from];
    // Anything from a connection I no longer have is gone with that socket.
    if (p === null || p.s !== m.s) return s;
    if (!s.heardZab) s = { ...s, heardZab: true };
    switch (m.t) {
      case 'ACKEPOCH':
        return onAckEpoch(s, id, from, m.cur, m.last, cfg, fx);
      case 'ACK':
        return onAck(s, id, from, m.z, cfg, fx);
      case 'REQUEST':
        return onRequest(s, id, m.v, cfg, fx);
      case 'CLOSE':
        return dropPeer(s, id, from, cfg, fx);
      default:
        return s;
    }
  }
  if (s.state === 'LOOKING') {
    if (m.t === 'FOLLOWERINFO') return { ...s, backlog: setBacklog(s.backlog, from, { s: m.s, acc: m.acc }, cfg) };
    if (m.t === 'CLOSE' && s.backlog !== null && s.backlog[from]?.s === m.s) return { ...s, backlog: setBacklog(s.backlog, from, null, cfg) };
    return s;
  }
  if (m.t === 'FOLLOWERINFO') {
    // Not leading: the connection is refused.
    fx.to(from, { t: 'CLOSE', s: m.s });
    return s;
  }
  if (from !== s.leader || m.s !== s.sess) return s;
  const cur = s.heardZab ? s : { ...s, heardZab: true };
  // Handling NEWLEADER blocks the learner thread on its disk: what follows waits in the socket.
  if ((cur.lphase === 'logging' || cur.lphase === 'epoching') && m.t !== 'CLOSE') return { ...cur, held: cur.held.concat([m]) };
  return onLearnerMessage(cur, id, m, cfg, fx);
}

function onLearnerMessage(s: ZabState, id: NodeId, m: ZabMsg, cfg: ZabConfig, fx: Fx): ZabState {
  switch (m.t) {
    case 'LEADERINFO':
      return onLeaderInfo(s, id, m.e, cfg, fx);
    case 'DIFF':
    case 'TRUNC':
    case 'SNAP':
      return onSyncHeader(s, m, cfg, fx);
    case 'NEWLEADER':
      return onNewLeader(s, m.e, m.z, cfg, fx);
    case 'UPTODATE':
      return onUptodate(s, m.z, fx);
    case 'PROPOSAL':
      return s.lphase === 'sync' && s.synced !== null ? onSyncProposal(s, m.txn) : onProposal(s, id, m.txn, cfg, fx);
    case 'COMMIT':
      return onCommit(s, id, m.z, cfg, fx);
    case 'INFORM':
      return onInform(s, id, m.txn, cfg, fx);
    case 'CLOSE':
      return abandon(s, id, 'the leader closed the connection', false, cfg, fx);
    default:
      return s;
  }
}

/** The leader's messages that waited while NEWLEADER was handled, once the learner is free again. */
function release(s: ZabState, id: NodeId, cfg: ZabConfig, fx: Fx): ZabState {
  let out = s;
  while (out.held.length > 0 && out.lphase !== 'logging' && out.lphase !== 'epoching') {
    const m = out.held[0];
    out = { ...out, held: out.held.length === 1 ? NO_MSGS : out.held.slice(1) };
    out = onLearnerMessage(out, id, m, cfg, fx);
  }
  return out;
}

/** A batch of my disk writes completed (fsync returned): whatever waited for it goes on. */
function onFlushed(s: ZabState, id: NodeId, writes: readonly unknown[], cfg: ZabConfig, fx: Fx): ZabState {
  let out = s;
  for (const x of writes) {
    const w = x as ZabWrite;
    switch (w.w) {
      case 'accepted':
        out = out.state === 'LEADING' ? leaderEpochDurable(out, w.e, cfg, fx) : learnerEpochAccepted(out, w.e, cfg, fx);
        break;
      case 'current':
        // Like the log write below: a learner's NEWLEADER waits for its own
        // currentEpoch write (a synchronous one in ZooKeeper), not one a
        // previous connection left queued.
        if (out.state === 'LEADING') out = leaderEpochCurrent(out, id, w.e, cfg, fx);
        else if (w.s === out.sess) out = syncedEpoch(out, id, w.e, cfg, fx);
        break;
      case 'append':
        if (w.self) out = selfAck(out, id, w.txns, cfg, fx);
        else {
          out = learnerLogged(out, id, w.txns, w.ack, w.nl, cfg, fx);
          // NEWLEADER waits for its own write (syncFlush after logging the
          // synced txns): one queued under an earlier connection, completing
          // first, is not it.
          if (w.nl && w.ack === out.sess) out = syncedLogged(out, id, cfg, fx);
        }
        break;
      default:
        break;
    }
  }
  return out.held.length > 0 ? release(out, id, cfg, fx) : out;
}

function setBacklog(b: ZabState['backlog'], j: NodeId, v: Backlog | null, cfg: ZabConfig): ZabState['backlog'] {
  const out = b === null ? new Array<Backlog | null>(cfg.voters + cfg.observers).fill(null) : b.slice();
  out[j] = v;
  return out.every((x) => x === null) ? null : out;
}

export const zabModel: NodeModel<ZabState, ZabMsg, WriteRequest, ZabObs, ZabConfig> = {
  init(): ZabState {
    return fresh({ acceptedEpoch: 0, currentEpoch: 0, history: EMPTY_HISTORY });
  },
  step(s: ZabState, input: Input<ZabMsg, WriteRequest>, id: NodeId, cfg: ZabConfig): R {
    const fx = new Fx();
    let next: ZabState;
    if (s.booting > 0 && input.kind !== 'restart') {
      // Still loading the database: no election port yet, nothing is answered.
      if (input.kind === 'timeout' && input.timer === T_BOOT) {
        if (s.booting > 1) {
          fx.arm(T_BOOT);
          next = { ...s, booting: s.booting - 1 };
        } else next = lookForLeader({ ...s, booting: 0 }, id, cfg, fx);
      } else if (input.kind === 'client') next = { ...s, queue: s.queue.concat([input.request.v]) };
      else if (input.kind === 'flushed') next = onFlushed(s, id, input.writes, cfg, fx);
      else next = s;
      return { state: next, effects: fx.effects() };
    }
    switch (input.kind) {
      case 'start':
        next = lookForLeader(s, id, cfg, fx);
        break;
      case 'restart':
        fx.arm(T_BOOT);
        next = { ...s, booting: BOOT_TICKS };
        break;
      case 'deliver':
        next = onMessage(s, id, input.from, input.msg, cfg, fx);
        break;
      case 'timeout':
        next = onTimeout(s, id, input.timer, cfg, fx);
        break;
      case 'flushed':
        next = onFlushed(s, id, input.writes, cfg, fx);
        break;
      case 'client':
        next = onClientWrite(s, id, input.request.v, cfg, fx);
        break;
      case 'linkDown': {
        const peer = input.peer;
        if (s.state === 'LEADING' && s.lead !== null && s.lead.peers[peer] !== null) next = dropPeer(s, id, peer, cfg, fx);
        else if ((s.state === 'FOLLOWING' || s.state === 'OBSERVING') && peer === s.leader) next = abandon(s, id, 'connection to the leader broke', false, cfg, fx);
        else if (s.state === 'LOOKING' && s.backlog !== null && s.backlog[peer] !== null) next = { ...s, backlog: setBacklog(s.backlog, peer, null, cfg) };
        else next = s;
        break;
      }
    }
    return { state: next, effects: fx.effects() };
  },
  /** Only for callers that want the epochs and log of a live state; a crash keeps the disk (zabDisk). */
  durable(s: ZabState): ZabDurable {
    return { acceptedEpoch: s.acceptedEpoch, currentEpoch: s.currentEpoch, history: s.history };
  },
  disk: zabDisk,
  /** A restart loads the snapshot and replays the log (ZKDatabase.loadDataBase). */
  recover(d: unknown, _id: NodeId, cfg: ZabConfig): ZabState {
    const disk = d as ZabDisk;
    const r = durableOf(disk);
    // ZOOKEEPER-335: no epoch files; the epochs come from the last zxid.
    if (variant(cfg).epochFromLastZxid) {
      const e = epochOf(lastZxid(r.history));
      return fresh({ acceptedEpoch: e, currentEpoch: e, history: r.history });
    }
    // current-epoch-from-accepted: the wrong file is read back.
    if (variant(cfg).currentFromAccepted) return fresh({ ...r, currentEpoch: r.acceptedEpoch });
    return fresh(r);
  },
};
