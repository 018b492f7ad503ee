// What must hold of ZAB (research/zab-and-paxos.md §1.1-1.4), stated once, next
// to the model. "Delivered" is history[1..lastCommitted] of each server (Zab.tla)
// as read from the world; the ghost folds those states into facts: what each
// server delivered in this life, the global commit sequence, every txn a leader
// created, every vote a voter held, every leader established.
import * as fc from 'fast-check';
import { memberCountArb } from '../src/explore/arbitrary.ts';
import type { z as Z } from 'zod';
import type { Invariant, Liveness, Probe, Protocol } from '../src/protocol.ts';
import { zabProfiles } from './profiles.ts';
import type { World } from '../src/world.ts';
import type { NodeId } from '../src/model.ts';
import { budgetSchema, lazySchema, parseWith } from '../src/config.ts';
import {
  epochOf,
  fmtZxid,
  isVoter,
  nodeCount,
  popcount,
  sameTxn,
  zabModel,
  zabRender,
  ZAB_MUTANTS,
  ZAB_PROFILES,
  type PeerState,
  type Txn,
  type WriteRequest,
  type ZabConfig,
  type ZabDisk,
  replay,
  type ZabMsg,
  type ZabObs,
  type ZabState,
  type ZabWrite,
  lastZxid,
} from '../models/zab/index.ts';

/** A txn some leader created, with that primary (server, epoch). */
export interface Broadcast {
  readonly z: number;
  readonly v: number;
  readonly by: NodeId;
  readonly e: number;
}

/** A (round, vote, state) a voter held, newest first. */
export interface VoteRec {
  readonly node: NodeId;
  readonly round: number;
  readonly leader: number;
  readonly zxid: number;
  readonly epoch: number;
  readonly st: PeerState;
  readonly next: VoteRec | null;
}

/** A server turning LEADING, with its round and the vote it decided on. */
export interface LeadingEvent {
  readonly node: NodeId;
  readonly round: number;
  readonly zxid: number;
  readonly epoch: number;
  readonly step: number;
}

/** What a primary had delivered when it broadcast its first txn (PrimaryIntegrity). */
export interface FirstBroadcast {
  readonly by: NodeId;
  readonly e: number;
  readonly prefix: readonly Txn[];
}

export interface ZabGhost {
  /** The last state seen per server (null while crashed). */
  readonly seen: readonly (ZabState | null)[];
  /** Each server's logged history, live or on disk while crashed. */
  readonly hist: readonly (readonly Txn[])[];
  /** Each server's lastCommitted (0 while crashed). */
  readonly lc: readonly number[];
  /** Each server's highest lastCommitted in any life: how much of its log it has delivered. */
  readonly everLc: readonly number[];
  /** What each server delivered in this life, in delivery order. */
  readonly deliv: readonly (readonly Txn[])[];
  /** The committed sequence: the first txn ever delivered at each position. */
  readonly committed: readonly Txn[];
  /** Every distinct txn any server ever delivered. */
  readonly delivered: readonly Txn[];
  readonly bcast: readonly Broadcast[];
  readonly first: readonly FirstBroadcast[];
  /** Established leaders (epoch, server), in order. */
  readonly leaders: readonly { readonly e: number; readonly id: NodeId }[];
  readonly votes: VoteRec | null;
  readonly leading: LeadingEvent | null;
  /** Bit set of servers in discovery or sync. */
  readonly syncing: number;
  readonly flags: number;
  readonly steps: number;
  /** The first ERROR a server logged for a message its code holds impossible (Zab.tla's in-action flags). */
  readonly alarm: string | null;
}

const F_TRUNC = 1;
const F_DIFF = 2;
const F_SNAP = 4;
const F_INFORM = 8;
const F_CRASH_IN_SYNC = 16;
/** A crash lost queued disk writes (it landed between a write and its flush). */
const F_CRASH_UNFLUSHED = 64;

type W = World<ZabState, ZabMsg, ZabGhost>;
const NO_TXNS: readonly Txn[] = Object.freeze([]);

function setAt<T>(xs: readonly T[], i: number, v: T): T[] {
  const out = xs.slice();
  out[i] = v;
  return out;
}

function inSync(s: ZabState): boolean {
  if (s.state === 'LEADING') return s.lead !== null && s.lead.phase !== 'broadcast';
  return (s.state === 'FOLLOWING' || s.state === 'OBSERVING') && s.lphase !== 'broadcast' && s.lphase !== 'none';
}

function established(s: ZabState | null): boolean {
  return s !== null && s.state === 'LEADING' && s.lead !== null && s.lead.phase === 'broadcast';
}

function containsTxn(xs: readonly Txn[], t: Txn, end = xs.length): boolean {
  for (let k = 0; k < end; k++) if (sameTxn(xs[k], t)) return true;
  return false;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A fresh copy of g to fill in, every field in one order: one copy per step
 * instead of a spread per changed field (the ghost was the largest single
 * cost of a ZAB step), and one hidden class for every ghost.
 */
function draft(g: ZabGhost): Mutable<ZabGhost> {
  return {
    seen: g.seen,
    hist: g.hist,
    lc: g.lc,
    everLc: g.everLc,
    deliv: g.deliv,
    committed: g.committed,
    delivered: g.delivered,
    bcast: g.bcast,
    first: g.first,
    leaders: g.leaders,
    votes: g.votes,
    leading: g.leading,
    syncing: g.syncing,
    flags: g.flags,
    steps: g.steps,
    alarm: g.alarm,
  };
}

export function updateZabGhost(g: ZabGhost, node: NodeId, s: ZabState | null, obs: readonly ZabObs[] | undefined, cfg: ZabConfig, lostWrites = 0): ZabGhost {
  let flags = g.flags;
  let alarm = g.alarm;
  if (obs !== undefined) {
    for (const o of obs) {
      if (o.t === 'sync') flags |= o.kind === 'TRUNC' ? F_TRUNC : o.kind === 'DIFF' ? F_DIFF : F_SNAP;
      else if (o.t === 'inform') flags |= F_INFORM;
      else if (o.t === 'inconsistent' && alarm === null) alarm = `s${node} ${o.exit ? 'exits' : 'logs an error'}, ${o.flag}: ${o.why}`;
    }
  }
  const old = g.seen[node];
  if (s === null) {
    // A crash ends this life's deliveries; the log stays on disk.
    const bit = 1 << node;
    if (g.syncing & bit) flags |= F_CRASH_IN_SYNC;
    if (lostWrites > 0) flags |= F_CRASH_UNFLUSHED;
    const out = draft(g);
    out.alarm = alarm;
    out.seen = setAt(g.seen, node, null);
    out.lc = setAt(g.lc, node, 0);
    out.deliv = setAt(g.deliv, node, NO_TXNS);
    out.syncing = g.syncing & ~bit;
    out.flags = flags;
    return out;
  }
  if (
    old !== null &&
    old.vote === s.vote &&
    old.round === s.round &&
    old.state === s.state &&
    old.history === s.history &&
    old.lastCommitted === s.lastCommitted &&
    old.lphase === s.lphase &&
    (old.lead === null) === (s.lead === null) &&
    (s.lead === null || ((old.lead as NonNullable<ZabState['lead']>).phase === s.lead.phase && (old.lead as NonNullable<ZabState['lead']>).epoch === s.lead.epoch))
  ) {
    if (flags === g.flags && alarm === g.alarm) return g;
    const out = draft(g);
    out.flags = flags;
    out.alarm = alarm;
    return out;
  }
  const out = draft(g);
  out.alarm = alarm;
  out.seen = setAt(g.seen, node, s);
  out.flags = flags;
  out.steps = g.steps + 1;
  // Votes held (FLE): every change of (round, vote, state) of a voter.
  if (old === null || old.vote !== s.vote || old.round !== s.round || old.state !== s.state) {
    if (isVoter(node, cfg)) {
      const v = s.vote;
      out.votes = { node, round: s.round, leader: v.leader, zxid: v.zxid, epoch: v.epoch, st: s.state, next: out.votes };
    }
    if (s.state === 'LEADING' && (old === null || old.state !== 'LEADING')) {
      out.leading = { node, round: s.round, zxid: s.vote.zxid, epoch: s.vote.epoch, step: g.steps };
    }
  }
  if (established(s) && !established(old)) out.leaders = [...out.leaders, { e: (s.lead as NonNullable<ZabState['lead']>).epoch, id: node }];
  const oldHist = g.hist[node];
  const oldLc = g.lc[node];
  if (s.history !== oldHist || s.lastCommitted !== oldLc) {
    const h = s.history;
    // Txns a primary created: its log grows with zxids of its own epoch.
    if (established(s) && h !== oldHist && h.length > oldHist.length) {
      const e = (s.lead as NonNullable<ZabState['lead']>).epoch;
      let bcast = out.bcast;
      let first = out.first;
      for (let k = oldHist.length; k < h.length; k++) {
        const t = h[k];
        if (epochOf(t.z) !== e) continue;
        if (!first.some((f) => f.by === node && f.e === e)) {
          const upTo = Math.min(s.lastCommitted, oldHist.length);
          first = [...first, { by: node, e, prefix: h.slice(0, upTo) }];
        }
        bcast = [...bcast, { z: t.z, v: t.v, by: node, e }];
      }
      out.bcast = bcast;
      out.first = first;
    }
    // New deliveries: whatever is delivered now beyond what was already delivered in place.
    const lc = s.lastCommitted;
    let k = 0;
    // Clamped to the logs: a mutant may claim more delivered than it logged.
    const common = Math.min(oldLc, lc, oldHist.length, h.length);
    while (k < common && sameTxn(oldHist[k], h[k])) k++;
    if (lc > k) {
      const fresh = h.slice(k, lc);
      let delivered = out.delivered;
      for (const t of fresh) if (!containsTxn(delivered, t)) delivered = [...delivered, t];
      let committed = out.committed;
      if (lc > committed.length) committed = committed.concat(h.slice(committed.length, lc));
      out.deliv = setAt(out.deliv, node, out.deliv[node].concat(fresh));
      out.delivered = delivered;
      out.committed = committed;
    }
    if (h !== oldHist) out.hist = setAt(out.hist, node, h);
    if (lc !== oldLc) out.lc = setAt(out.lc, node, lc);
    if (lc > out.everLc[node]) out.everLc = setAt(out.everLc, node, lc);
  }
  const bit = 1 << node;
  out.syncing = inSync(s) ? g.syncing | bit : g.syncing & ~bit;
  return out;
}

export function initZabGhost(cfg: ZabConfig): ZabGhost {
  const n = nodeCount(cfg);
  return {
    seen: new Array(n).fill(null),
    hist: new Array(n).fill(NO_TXNS),
    lc: new Array(n).fill(0),
    everLc: new Array(n).fill(0),
    deliv: new Array(n).fill(NO_TXNS),
    committed: NO_TXNS,
    delivered: NO_TXNS,
    bcast: [],
    first: [],
    leaders: [],
    votes: null,
    leading: null,
    syncing: 0,
    flags: 0,
    steps: 0,
    alarm: null,
  };
}

const fmt = (t: Txn) => `${fmtZxid(t.z)}=w${t.v}`;

/** The disk changed only by appends to its log (or an epoch file): nothing it replays can have gone. */
function onlyAppended(a: ZabDisk, b: ZabDisk): boolean {
  const n = a.log.length;
  return a.snap === b.snap && b.log.length >= n && (n === 0 || b.log[n - 1] === a.log[n - 1]);
}

/** The part of server i's delivery list that is new since prev, or -1. */
function freshFrom(w: W, prev: W, i: number): number {
  const a = w.ghost.deliv[i];
  const b = prev.ghost.deliv[i];
  if (a === b || a.length <= b.length) return -1;
  return b.length;
}

/**
 * The first newly delivered txn (server i, position q) that breaks `ordered`
 * against the txn delivered just before it, or null: TotalOrder and
 * GlobalPrimaryOrder differ only in the order they demand of neighbours.
 */
function freshDisorder(w: W, prev: W, n: number, ordered: (before: Txn, after: Txn) => boolean): [number, Txn, Txn] | null {
  if (w.ghost.deliv === prev.ghost.deliv) return null;
  for (let i = 0; i < n; i++) {
    const from = freshFrom(w, prev, i);
    if (from < 0) continue;
    const d = w.ghost.deliv[i];
    for (let q = Math.max(1, from); q < d.length; q++) if (!ordered(d[q - 1], d[q])) return [i, d[q - 1], d[q]];
  }
  return null;
}

/** Server i has a write of epoch file `file` with value e queued (not flushed yet). */
function epochQueued(w: W, i: number, file: 'accepted' | 'current', e: number): boolean {
  for (const b of w.io[i] ?? []) {
    for (const x of b.writes) {
      const wr = x as ZabWrite;
      if (wr.w === file && wr.e === e) return true;
    }
  }
  return false;
}

/**
 * The first message f gives for a packet a server sent in the step (new ids
 * only, break notices aside), or null. A copy the adversary made of a packet
 * already in flight (a duplicate: the same message object) is not a send: it
 * was judged when it was first sent.
 */
function sentInStep(w: W, prev: W, f: (from: NodeId, m: ZabMsg) => string | null): string | null {
  const net = w.net;
  for (let k = net.length - 1; k >= 0 && net[k].id >= prev.nextId; k--) {
    const pk = net[k];
    if (pk.down || pk.msg === null || prev.net.some((q) => q.msg === pk.msg)) continue;
    const m = f(pk.from, pk.msg as ZabMsg);
    if (m !== null) return m;
  }
  return null;
}

export function zabInvariants(cfg: ZabConfig): Invariant<W>[] {
  const n = nodeCount(cfg);
  // A majority of the voters, and FLE's total order on votes (§4.1: peerEpoch,
  // then zxid, then server id; a vote for nobody or an observer never wins),
  // stated here rather than read from the model's own quorum and vote code.
  const majority = Math.floor(cfg.voters / 2) + 1;
  const beats = (a: ZabState['vote'], b: ZabState['vote']) =>
    a.leader >= 0 && a.leader < cfg.voters && (a.epoch > b.epoch || (a.epoch === b.epoch && (a.zxid > b.zxid || (a.zxid === b.zxid && a.leader > b.leader))));
  const label = (i: number) => zabRender.node(i, cfg);
  return [
    {
      name: 'ShouldNotBeTriggered',
      description:
        "no server meets a message its own code holds impossible: an ACK after NEWLEADER that is not NEWLEADER's, a COMMIT that is not for the next pending txn (Zab.tla's ackInconsistent / commitInconsistent; ZooKeeper logs an ERROR, or exits)",
      check: (w) => w.ghost.alarm,
    },
    {
      name: 'Leadership',
      description: 'at most one established leader per epoch (Zab.tla Leadership2)',
      check(w, prev) {
        const ls = w.ghost.leaders;
        if (ls === prev.ghost.leaders) return null;
        const x = ls[ls.length - 1];
        for (const y of ls) if (y.e === x.e && y.id !== x.id) return `${label(y.id)} and ${label(x.id)} were both established as leader of epoch ${x.e}`;
        return null;
      },
    },
    {
      name: 'MajorityCommit',
      description:
        "a txn is first delivered only once it is on the disk of a quorum of voters, at its position in their replayed logs; observers never count (ZAB paper, Zab.tla's ACK quorum over durable logs)",
      check(w, prev) {
        const c = w.ghost.committed;
        if (c === prev.ghost.committed) return null;
        const durable: (readonly Txn[])[] = [];
        for (let j = 0; j < cfg.voters; j++) durable.push(replay(w.disk[j] as ZabDisk));
        for (let k = prev.ghost.committed.length; k < c.length; k++) {
          let mask = 0;
          for (let j = 0; j < cfg.voters; j++) {
            const h = durable[j];
            if (k < h.length && sameTxn(h[k], c[k])) mask |= 1 << j;
          }
          if (popcount(mask) < majority) {
            const who = [];
            for (let j = 0; j < cfg.voters; j++) if ((mask >>> j) & 1) who.push(label(j));
            return `${fmt(c[k])} delivered while on the disk of only ${who.length ? who.join(', ') : 'no voter'} (quorum ${majority} of ${cfg.voters})`;
          }
        }
        return null;
      },
    },
    {
      name: 'TotalOrder',
      description: 'each server delivers in strictly increasing zxid order (ZAB paper total order; Zab.tla TotalOrder)',
      check(w, prev) {
        const bad = freshDisorder(w, prev, n, (a, b) => a.z < b.z);
        return bad === null ? null : `${label(bad[0])} delivered ${fmt(bad[2])} after ${fmt(bad[1])}`;
      },
    },
    {
      name: 'PrefixConsistency',
      description: "every server's delivered prefix agrees entry by entry with the committed sequence (Zab.tla PrefixConsistency)",
      check(w, prev) {
        const g = w.ghost;
        if (g.committed === prev.ghost.committed && g.hist === prev.ghost.hist && g.lc === prev.ghost.lc) return null;
        for (let i = 0; i < n; i++) {
          const h = g.hist[i];
          const end = Math.min(g.lc[i], g.committed.length);
          for (let k = 0; k < end; k++) {
            if (!sameTxn(h[k], g.committed[k])) return `${label(i)} delivered ${fmt(h[k])} at position ${k + 1}, where ${fmt(g.committed[k])} was committed`;
          }
        }
        return null;
      },
    },
    {
      name: 'Agreement',
      description: 'if p delivered a and q delivered b, then p delivered b or q delivered a (ZAB paper agreement; Zab.tla Agreement)',
      check(w, prev) {
        const g = w.ghost;
        if (g.hist === prev.ghost.hist && g.lc === prev.ghost.lc) return null;
        for (let i = 0; i < n; i++) {
          if (g.hist[i] === prev.ghost.hist[i] && g.lc[i] === prev.ghost.lc[i]) continue;
          const a = g.hist[i];
          const la = g.lc[i];
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            const b = g.hist[j];
            const lb = g.lc[j];
            let onlyA: Txn | null = null;
            let onlyB: Txn | null = null;
            for (let k = 0; k < la && onlyA === null; k++) if (!containsTxn(b, a[k], lb)) onlyA = a[k];
            for (let k = 0; k < lb && onlyB === null; k++) if (!containsTxn(a, b[k], la)) onlyB = b[k];
            if (onlyA !== null && onlyB !== null) return `${label(i)} delivered ${fmt(onlyA)} but not ${fmt(onlyB)}, which ${label(j)} delivered without ${fmt(onlyA)}`;
          }
        }
        return null;
      },
    },
    {
      name: 'Integrity',
      description: 'a delivered txn <v, z> was broadcast by some primary (ZAB paper integrity; Zab.tla Integrity)',
      check(w, prev) {
        if (w.ghost.deliv === prev.ghost.deliv) return null;
        for (let i = 0; i < n; i++) {
          const from = freshFrom(w, prev, i);
          if (from < 0) continue;
          const d = w.ghost.deliv[i];
          for (let q = from; q < d.length; q++) {
            if (!w.ghost.bcast.some((b) => b.z === d[q].z && b.v === d[q].v)) return `${label(i)} delivered ${fmt(d[q])}, which no leader ever proposed`;
          }
        }
        return null;
      },
    },
    {
      name: 'LocalPrimaryOrder',
      description: 'if a primary broadcast a before b, whoever delivers b delivered a before it (ZAB paper local primary order)',
      check(w, prev) {
        if (w.ghost.deliv === prev.ghost.deliv) return null;
        const bc = w.ghost.bcast;
        for (let i = 0; i < n; i++) {
          const from = freshFrom(w, prev, i);
          if (from < 0) continue;
          const d = w.ghost.deliv[i];
          for (let q = from; q < d.length; q++) {
            const ib = bc.findIndex((b) => b.z === d[q].z && b.v === d[q].v);
            if (ib < 0) continue;
            const b = bc[ib];
            for (let ia = 0; ia < ib; ia++) {
              const a = bc[ia];
              if (a.by === b.by && a.e === b.e && !containsTxn(d, a, q))
                return `${label(i)} delivered ${fmt(d[q])} without first delivering ${fmt(a)}, which ${label(a.by)} broadcast before it in epoch ${a.e}`;
            }
          }
        }
        return null;
      },
    },
    {
      name: 'GlobalPrimaryOrder',
      description: "a server delivers an earlier primary's txns before a later primary's: epochs never decrease in its deliveries (ZAB paper global primary order)",
      check(w, prev) {
        const bad = freshDisorder(w, prev, n, (a, b) => epochOf(a.z) <= epochOf(b.z));
        return bad === null ? null : `${label(bad[0])} delivered ${fmt(bad[2])} (epoch ${epochOf(bad[2].z)}) after ${fmt(bad[1])} (epoch ${epochOf(bad[1].z)})`;
      },
    },
    {
      name: 'PrimaryIntegrity',
      description: 'if the primary of epoch e broadcasts, it has already delivered every txn of an earlier epoch that anyone delivers (ZAB paper primary integrity)',
      check(w, prev) {
        const g = w.ghost;
        if (g.first === prev.ghost.first && g.delivered === prev.ghost.delivered) return null;
        for (const f of g.first) {
          for (const b of g.delivered) {
            if (epochOf(b.z) < f.e && !containsTxn(f.prefix, b)) return `${label(f.by)} broadcast in epoch ${f.e} without having delivered ${fmt(b)}, which was delivered`;
          }
        }
        return null;
      },
    },
    {
      name: 'CommittedLogDurability',
      description: 'a txn a server has delivered is, once on its disk, never truncated or overwritten there: what a restart replays keeps it (NJU CommittedLogDurability over lastCommitted, §1.4)',
      check(w, prev) {
        if (w.disk === prev.disk) return null;
        const c = w.ghost.committed;
        for (let i = 0; i < n; i++) {
          if (w.disk[i] === prev.disk[i] || Math.min(c.length, w.ghost.everLc[i]) === 0) continue;
          if (onlyAppended(prev.disk[i] as ZabDisk, w.disk[i] as ZabDisk)) continue;
          const before = replay(prev.disk[i] as ZabDisk);
          const after = replay(w.disk[i] as ZabDisk);
          const end = Math.min(before.length, c.length, w.ghost.everLc[i]);
          for (let k = 0; k < end; k++) {
            if (sameTxn(before[k], c[k]) && (k >= after.length || !sameTxn(after[k], before[k]))) {
              return `${label(i)}'s disk ${k >= after.length ? 'lost' : `overwrote with ${fmt(after[k])}`} committed ${fmt(before[k])} at position ${k + 1}`;
            }
          }
        }
        return null;
      },
    },
    {
      name: 'LeadingNeedsQuorum',
      description: 'a server goes LEADING only when a quorum of voters voted for it: in its round, or out of election for the same (leader, peerEpoch) (FLE termPredicate, ZOOKEEPER-975)',
      check(w, prev) {
        const ev = w.ghost.leading;
        if (ev === null || ev === prev.ghost.leading) return null;
        let mask = 0;
        for (let r = w.ghost.votes; r !== null; r = r.next) {
          if (r.leader !== ev.node) continue;
          if (r.st === 'LOOKING' ? r.round === ev.round && r.zxid === ev.zxid && r.epoch === ev.epoch : r.epoch === ev.epoch) mask |= 1 << r.node;
        }
        if (popcount(mask) >= majority) return null;
        return `${label(ev.node)} went LEADING in round ${ev.round} with only ${popcount(mask)} matching vote(s) (quorum ${majority})`;
      },
    },
    {
      name: 'VoteMonotonic',
      description: 'within a round a LOOKING server only moves to a strictly better vote under the total order (FastLeaderElection.tla UpdateProposal / TotalOrderPredicate, ZOOKEEPER-1419)',
      check(w, prev) {
        // Every change of a server's vote or round passes through the ghost.
        if (w.ghost.seen === prev.ghost.seen) return null;
        for (let i = 0; i < n; i++) {
          const a = w.nodes[i];
          const b = prev.nodes[i];
          if (a === b || a === null || b === null || a.vote === b.vote) continue;
          if (a.state !== 'LOOKING' || b.state !== 'LOOKING' || a.round !== b.round) continue;
          if (!beats(a.vote, b.vote)) {
            const v = (x: ZabState['vote']) => `s${x.leader}@${fmtZxid(x.zxid)}/e${x.epoch}`;
            return `${label(i)} moved its vote in round ${a.round} from ${v(b.vote)} to the lower ${v(a.vote)}`;
          }
        }
        return null;
      },
    },
    {
      name: 'EpochOnDisk',
      description:
        'a server tells others of an epoch only once its epoch file holds it: LEADERINFO(e) leaves with acceptedEpoch >= e on its disk, a counted ACKEPOCH with the epoch it accepted on its disk (ZAB paper §4.2 phase 1, f.p is persisted before ACK-E; Leader.getEpochToPropose, Learner.registerWithLeader)',
      check: (w, prev) =>
        sentInStep(w, prev, (from, m) => {
          if (m.t !== 'LEADERINFO' && m.t !== 'ACKEPOCH') return null;
          const s = w.nodes[from];
          // Only what the server sent as it stepped; an ACKEPOCH of -1 repeats an
          // earlier answer and is not counted towards the epoch.
          if (s === null || s === prev.nodes[from] || (m.t === 'ACKEPOCH' && m.cur === -1)) return null;
          const e = m.t === 'LEADERINFO' ? m.e : s.acceptedEpoch;
          const onDisk = (w.disk[from] as ZabDisk).acceptedEpoch;
          return e > onDisk ? `${label(from)} sent ${m.t} for epoch ${e} while its disk holds acceptedEpoch ${onDisk}` : null;
        }),
    },
    {
      name: 'EpochsFromDisk',
      description:
        "a server's acceptedEpoch and currentEpoch (what it votes, answers and syncs with) are the ones in its epoch files, or ones it has asked to write there (Zab.tla: both are persistent; QuorumPeer loads them from the acceptedEpoch and currentEpoch files)",
      check(w, prev) {
        for (let i = 0; i < n; i++) {
          const s = w.nodes[i];
          if (s === null || (s === prev.nodes[i] && w.disk[i] === prev.disk[i])) continue;
          const d = w.disk[i] as ZabDisk;
          if (s.acceptedEpoch !== d.acceptedEpoch && !epochQueued(w, i, 'accepted', s.acceptedEpoch))
            return `${label(i)} holds acceptedEpoch ${s.acceptedEpoch}, which is neither on its disk (${d.acceptedEpoch}) nor being written`;
          if (s.currentEpoch !== d.currentEpoch && !epochQueued(w, i, 'current', s.currentEpoch))
            return `${label(i)} holds currentEpoch ${s.currentEpoch}, which is neither on its disk (${d.currentEpoch}) nor being written`;
        }
        return null;
      },
    },
    {
      name: 'VoteAtLeastOwn',
      description:
        "a LOOKING voter never proposes a vote below its own candidacy (its id, last logged zxid, currentEpoch): FLE starts from its own vote and, on a higher round, takes the better of the sender's vote and its own (FastLeaderElection.lookForLeader, FastLeaderElection.tla). Read off the NOTIFY packets it sends, what the other voters see",
      check: (w, prev) =>
        sentInStep(w, prev, (from, m) => {
          if (m.t !== 'NOTIFY' || m.st !== 'LOOKING' || from >= cfg.voters) return null;
          const s = w.nodes[from];
          if (s === null) return null;
          const own = { leader: from, zxid: lastZxid(s.history), epoch: s.currentEpoch };
          if (m.leader === own.leader && m.zxid === own.zxid && m.epoch === own.epoch) return null;
          return beats(m, own) ? null : `${label(from)} sent a vote for s${m.leader}@${fmtZxid(m.zxid)}/e${m.epoch}, below its own s${from}@${fmtZxid(own.zxid)}/e${own.epoch}`;
        }),
    },
  ];
}

export const zabLiveness: Liveness<W>[] = [
  {
    name: 'Progress',
    description:
      'once the network is healed and every server is up, a leader is established within the step bound, every server serves under it (but one that accepted a higher epoch, which must wait for the next election), and every committed write is delivered by every voter',
    check(w) {
      let leader = -1;
      for (let i = 0; i < w.nodes.length; i++) {
        const s = w.nodes[i];
        if (established(s) && (leader < 0 || (s as ZabState).currentEpoch > (w.nodes[leader] as ZabState).currentEpoch)) leader = i;
      }
      if (leader < 0) return `no leader established by step ${w.step}`;
      const lead = (w.nodes[leader] as ZabState).lead as NonNullable<ZabState['lead']>;
      const c = w.ghost.committed;
      for (let i = 0; i < w.nodes.length; i++) {
        const s = w.nodes[i];
        if (s === null) continue;
        // A voter that accepted a higher epoch than the leader's refuses its LEADERINFO
        // (Learner.registerWithLeader) and can only join at the next election.
        if (s.acceptedEpoch > lead.epoch) continue;
        if (i !== leader && !((s.state === 'FOLLOWING' || s.state === 'OBSERVING') && s.leader === leader && s.lphase === 'broadcast')) {
          return `server ${i} is ${s.state}${s.state === 'LOOKING' ? '' : ` (${s.lphase}, leader ${s.leader})`}, not serving under leader ${leader} at step ${w.step}`;
        }
        for (let k = 0; k < c.length; k++) {
          if (k >= s.lastCommitted || !sameTxn(s.history[k], c[k])) return `server ${i} has not delivered committed ${fmt(c[k])} by step ${w.step}`;
        }
      }
      return null;
    },
  },
];

const probes: Probe<W>[] = [
  { name: 'leader established', hit: (w) => w.ghost.leaders.length > 0 },
  { name: 'epoch change', hit: (w) => w.ghost.leaders.some((l) => l.e !== w.ghost.leaders[0].e) },
  { name: 'crash during sync', hit: (w) => (w.ghost.flags & F_CRASH_IN_SYNC) !== 0 },
  { name: 'crash between a write and its flush', hit: (w) => (w.ghost.flags & F_CRASH_UNFLUSHED) !== 0 },
  { name: 'torn write', hit: (w) => (w.used.torn ?? 0) > 0 },
  { name: 'commit', hit: (w) => w.ghost.committed.length > 0 },
  { name: 'observer received INFORM', hit: (w) => (w.ghost.flags & F_INFORM) !== 0 },
  { name: 'TRUNC sent', hit: (w) => (w.ghost.flags & F_TRUNC) !== 0 },
  { name: 'DIFF sent', hit: (w) => (w.ghost.flags & F_DIFF) !== 0 },
  { name: 'SNAP sent', hit: (w) => (w.ghost.flags & F_SNAP) !== 0 },
];

/** The version profile and committedLog window fields, shared with the ensemble's config. */
export function zabVersionFields(z: typeof Z) {
  return {
    profile: z.enum(Object.keys(ZAB_PROFILES) as [string, ...string[]]).optional(),
    window: z.number().int().min(1).max(64).optional(),
  };
}

const configSchema = lazySchema((z) =>
  z.object({
    mutant: z.string().nullable(),
    voters: z.number().int().min(1).max(9),
    observers: z.number().int().min(0).max(4),
    writes: z.number().int().min(0).max(8),
    warm: z.boolean().optional(),
    budget: budgetSchema(),
    ...zabVersionFields(z),
  }),
);

/** Up: every server synced under an established leader (no write made yet). */
function warmedUp(w: W): boolean {
  let lead = false;
  for (const s of w.nodes as readonly (ZabState | null)[]) {
    if (s === null) return false;
    if (established(s)) lead = true;
    else if (s.state === 'LOOKING' || s.lphase !== 'broadcast') return false;
  }
  return lead;
}

export function configArb(mutant: string | null): fc.Arbitrary<ZabConfig> {
  return fc
    .record({
      // Every ensemble size from 1 to 7, even ones included, mostly 1-3 (issue
      // 12). A lone voter elects itself on its own notification and is its own
      // quorum at each step of discovery and sync, as ZooKeeper's is.
      voters: memberCountArb(),
      observers: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
      writes: fc.integer({ min: 2, max: 4 }),
      // Half the runs start warm: the recovery bugs (a txn of an old epoch left on
      // a crashed leader, ZOOKEEPER-1154 and kin) need the whole fault budget after
      // the first election, not during it.
      warm: fc.boolean(),
      // The real bugs need two to four crashes once a leader is established, and
      // the scheduler spends the budget as it goes (one step in eight is a
      // fault): favour crashes over connection breaks and partitions.
      budget: fc.record({
        crashes: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 3, arbitrary: fc.integer({ min: 3, max: 4 }) }),
        drops: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
        duplicates: fc.constant(0),
        partitions: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
        // A crash that keeps the oldest unflushed log batch (its fsync never returned).
        torn: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
      }),
    })
    .map((c) => ({ mutant, ...c }));
}

/** Write k goes to a fixed server: the likely first leader, a follower, an observer if any. */
export function writeTargets(cfg: ZabConfig): NodeId[] {
  const order = [cfg.voters - 1, 0, cfg.observers > 0 ? cfg.voters : 1, 1 % cfg.voters, cfg.voters - 2];
  const n = cfg.voters + cfg.observers;
  const out: NodeId[] = [];
  // With one or two servers some of these coincide or do not exist: wrap onto the servers there are.
  for (let k = 0; k < cfg.writes; k++) out.push((order[k % order.length] + n) % n);
  return out;
}

export function zabProtocol(): Protocol<ZabState, ZabMsg, WriteRequest, ZabObs, ZabGhost, ZabConfig> {
  return zabProfiles({
    name: 'zab',
    summary: 'ZAB as ZooKeeper 3.x runs it: Fast Leader Election, discovery, sync (DIFF/TRUNC/SNAP), broadcast, observers, over FIFO links with connection breaks',
    network: 'fifo',
    model: zabModel,
    nodeCount,
    workload: (cfg) => writeTargets(cfg).map((node, v) => ({ node, request: { v } })),
    mutants: ZAB_MUTANTS,
    ghost: { init: initZabGhost, update: (g, node, s, obs, cfg, _req, lost) => updateZabGhost(g, node, s, obs, cfg, lost) },
    invariants: zabInvariants,
    liveness: zabLiveness,
    probes,
    configArb,
    defaultConfig: (mutant) => ({ mutant, voters: 3, observers: 1, writes: 3, budget: { crashes: 2, drops: 2, duplicates: 0, partitions: 1 } }),
    benchConfigs: [
      { label: '3 voters, generated observers and faults', fix: (c) => ({ ...c, voters: 3 }) },
      { label: '5 voters, generated observers and faults', fix: (c) => ({ ...c, voters: 5 }) },
    ],
    parseConfig: (raw) => parseWith(configSchema, raw) as ZabConfig,
    maxChoices: 200,
    warmUntil: (cfg) => (cfg.warm ? warmedUp : null),
    // 100 steps a server: an ensemble of up to five settles within 500, seven
    // voters and two observers re-elect and resync after three crashes in ~700.
    suffixBound: (cfg) => Math.max(500, 100 * nodeCount(cfg)),
    defaultRuns: 2000,
    render: zabRender,
  });
}
