// Named bug variants and version profiles (research/zab-and-paxos.md §3). The
// reducers never compare `cfg.mutant` themselves: they consult the variant
// record that `variant(cfg)` builds once per configuration, so a bug is one
// switch that changes an order or the source of a value in the realistic code.
import type { Mutant } from '../../src/protocol.ts';
import type { ZabConfig } from './types.ts';

/** The switches a variant flips. Every one is false in the correct model (ZooKeeper 3.9). */
export interface ZabVariant {
  /** B1, spec issue 1: PROPOSAL only to learners whose NEWLEADER ACK is in. */
  proposeToAckedOnly: boolean;
  /** B2, spec issue 3: UPTODATE carries the NEWLEADER zxid, not the commit point. */
  uptodateEchoesNewLeader: boolean;
  /** B3, ZOOKEEPER-1154: a peer zxid in [min, max] of the committedLog is taken to be in it. */
  diffInsteadOfTrunc: boolean;
  /** B4, ZOOKEEPER-4643: on NEWLEADER, currentEpoch is written before the synced txns are logged. */
  epochBeforeHistory: boolean;
  /** B5, ZOOKEEPER-4646/3911: the NEWLEADER ACK does not wait for the synced txns' log flush. */
  ackNewLeaderBeforeLogFlush: boolean;
  /** ZOOKEEPER-4685: the synced txns are ACKed by the log flush, ahead of the NEWLEADER ACK. */
  ackSyncedOnFlush: boolean;
  /** ZOOKEEPER-4712/4785: a learner leaving its leader abandons its queued log writes and resyncs from memory. */
  dropLogQueueOnLeave: boolean;
  /** B7, ZOOKEEPER-4394: the writes queued before leaving are logged after the next sync's writes. */
  logAfterShutdown: boolean;
  /** ZOOKEEPER-2845/2832: the sync point in ACKEPOCH is the applied state's zxid, not the log's. */
  syncPointFromApplied: boolean;
  /** ZOOKEEPER-2355: the DIFF header advances the learner's last zxid before the txns are applied. */
  diffAdvancesLastZxid: boolean;
  /** B9, ZOOKEEPER-335: epochs are not persisted; the new epoch is the last zxid's epoch + 1. */
  epochFromLastZxid: boolean;
  /** B11, ZOOKEEPER-1419: the id tie-break ignores the epochs. */
  nonTotalVoteOrder: boolean;
  /** B12, ZOOKEEPER-975: FLE decides once every voter was heard from. */
  decideWithoutQuorum: boolean;
  /** FLE compares server ids before zxids. */
  electionSidBeforeZxid: boolean;
  /** The leader commits on two acks. */
  commitBeforeQuorum: boolean;
  /** Observers get PROPOSALs and their ACKs count. */
  countObserverAck: boolean;
  /** A follower serves a write itself. */
  localWrite: boolean;
  /** The learner sends ACKEPOCH as soon as it asks for the acceptedEpoch write, not when the write completes. */
  ackEpochBeforeWrite: boolean;
  /** FLE: on a higher round a voter adopts the sender's vote without comparing it with its own. */
  higherRoundAdoptsVote: boolean;
  /** A restart takes currentEpoch from the acceptedEpoch file. */
  currentFromAccepted: boolean;
}

type Switch = keyof ZabVariant;

interface ZabMutant extends Mutant {
  flips: Switch;
}

const MUTANTS: ZabMutant[] = [
  {
    name: 'propose-to-ackld-only',
    flips: 'proposeToAckedOnly',
    description: 'B1, spec issue 1: the leader sends PROPOSAL only to followers whose NEWLEADER ACK it has, so a follower between NEWLEADER and its ACK misses one',
  },
  {
    name: 'commitld-echoes-ackld',
    flips: 'uptodateEchoesNewLeader',
    description: "B2, spec issue 3: UPTODATE (COMMIT-LD) carries the NEWLEADER ACK's zxid, not the leader's commit point, losing commits made in between",
  },
  {
    name: 'diff-instead-of-trunc',
    flips: 'diffInsteadOfTrunc',
    description: "B3, ZOOKEEPER-1154: sync sends DIFF whenever the follower's last zxid is within the committedLog, even when it is not in it",
  },
  {
    name: 'epoch-before-history',
    flips: 'epochBeforeHistory',
    description: 'B4, ZOOKEEPER-4643: on NEWLEADER the follower writes currentEpoch before it logs the synced txns; a crash between the two flushes keeps the new epoch with the old log',
  },
  {
    name: 'ackld-before-persist',
    flips: 'ackNewLeaderBeforeLogFlush',
    description: 'B5, ZOOKEEPER-4646/3911: the follower sends the NEWLEADER ACK once the synced txns are queued for its log, before their flush',
  },
  {
    name: 'ack-before-ackld',
    flips: 'ackSyncedOnFlush',
    description: "B6, ZOOKEEPER-4685: the learner's log thread ACKs the synced txns as soon as their flush completes, so an ACK of a PROPOSAL reaches the leader before the ACK of NEWLEADER",
  },
  {
    name: 'drop-queue-on-leave',
    flips: 'dropLogQueueOnLeave',
    description: 'ZOOKEEPER-4712/4785: a learner that leaves its leader abandons its unflushed log queue but keeps the txns in memory and resyncs from them, so they never reach its log',
  },
  {
    name: 'log-after-shutdown',
    flips: 'logAfterShutdown',
    description: "B7, ZOOKEEPER-4394: the txns queued for the log before a learner left its leader are written after the next leader's sync, behind newer txns",
  },
  {
    name: 'sync-point-from-applied',
    flips: 'syncPointFromApplied',
    description: "ZOOKEEPER-2845/2832: ACKEPOCH reports the applied state's last zxid instead of the log's, so logged uncommitted txns stay in the log under the leader's DIFF",
  },
  {
    name: 'diff-advances-lastzxid',
    flips: 'diffAdvancesLastZxid',
    description: "ZOOKEEPER-2355: the DIFF header sets the learner's last zxid to the leader's before the txns arrive; a broken sync then resyncs from a zxid it never reached",
  },
  {
    name: 'epoch-from-last-zxid',
    flips: 'epochFromLastZxid',
    description: "B9, ZOOKEEPER-335: the new epoch is the epoch of the leader's last zxid + 1 and epochs are not persisted, so an epoch can repeat",
  },
  {
    name: 'non-total-vote-order',
    flips: 'nonTotalVoteOrder',
    description: 'B11, ZOOKEEPER-1419: the pre-fix totalOrderPredicate breaks id ties without comparing epochs, so two votes can beat each other',
  },
  { name: 'decide-without-quorum', flips: 'decideWithoutQuorum', description: 'B12, ZOOKEEPER-975: FLE decides as soon as it has heard from every voter, without a quorum of matching votes' },
  { name: 'election-sid-before-zxid', flips: 'electionSidBeforeZxid', description: 'FLE compares the server id before the zxid, electing a server with a shorter log' },
  { name: 'commit-before-quorum', flips: 'commitBeforeQuorum', description: 'the leader commits once any two voters have acked (a quorum only with 3 voters)' },
  { name: 'count-observer-ack', flips: 'countObserverAck', description: 'observers get PROPOSALs and the leader counts their ACKs towards the commit quorum' },
  { name: 'local-write', flips: 'localWrite', description: 'a follower serves a client write itself: logged and applied locally, never proposed by the leader' },
  {
    name: 'ackepoch-before-accepted-write',
    flips: 'ackEpochBeforeWrite',
    description: 'on LEADERINFO the learner queues its acceptedEpoch write and sends ACKEPOCH at once: a crash before the flush forgets an epoch it acknowledged',
  },
  {
    name: 'higher-round-adopts-vote',
    flips: 'higherRoundAdoptsVote',
    description: "FLE: a notification of a higher round makes a voter adopt the sender's vote without comparing it with its own, so it can vote for a server with a shorter log",
  },
  {
    name: 'current-epoch-from-accepted',
    flips: 'currentFromAccepted',
    description: 'a restart loads currentEpoch from the acceptedEpoch file: a server that acked an epoch it never synced into votes with it and can win over longer logs',
  },
];

export const ZAB_MUTANTS: Mutant[] = MUTANTS.map(({ name, description }) => ({ name, description }));

/**
 * ZooKeeper versions by what their sync and log code does. The correct model is
 * the current release line; 3.8.0 (Debian's package) has the NEWLEADER order of
 * ZOOKEEPER-4643/4646 and the learner shutdown of ZOOKEEPER-4712, fixed in 3.9.
 */
export const ZAB_PROFILES: Record<string, { description: string; flips: Switch[] }> = {
  '3.9': { description: 'current: NEWLEADER logs and flushes the synced txns, then writes currentEpoch, then ACKs; a leaving learner drains its log queue', flips: [] },
  '3.8.0': {
    description: "Debian's 3.8.0: on NEWLEADER currentEpoch first, the synced txns only queued when the ACK leaves; a leaving learner drops its log queue",
    flips: ['epochBeforeHistory', 'ackNewLeaderBeforeLogFlush', 'dropLogQueueOnLeave'],
  },
};

export const DEFAULT_PROFILE = '3.9';

const CORRECT: ZabVariant = Object.freeze({
  proposeToAckedOnly: false,
  uptodateEchoesNewLeader: false,
  diffInsteadOfTrunc: false,
  epochBeforeHistory: false,
  ackNewLeaderBeforeLogFlush: false,
  ackSyncedOnFlush: false,
  dropLogQueueOnLeave: false,
  logAfterShutdown: false,
  syncPointFromApplied: false,
  diffAdvancesLastZxid: false,
  epochFromLastZxid: false,
  nonTotalVoteOrder: false,
  decideWithoutQuorum: false,
  electionSidBeforeZxid: false,
  commitBeforeQuorum: false,
  countObserverAck: false,
  localWrite: false,
  ackEpochBeforeWrite: false,
  higherRoundAdoptsVote: false,
  currentFromAccepted: false,
});

/**
 * Why a (profile, mutant) pair cannot run, or null: an unknown profile, or a
 * mutant whose switch the profile already flips (it would be the profile itself).
 */
export function profileProblem(profile: string | undefined, mutant: string | null): string | null {
  const p = ZAB_PROFILES[profile ?? DEFAULT_PROFILE];
  if (p === undefined) return `unknown profile '${profile}' (choose one of: ${Object.keys(ZAB_PROFILES).join(', ')})`;
  if (mutant === null) return null;
  const m = MUTANTS.find((x) => x.name === mutant);
  if (m !== undefined && p.flips.includes(m.flips)) {
    const ok = MUTANTS.filter((x) => !p.flips.includes(x.flips)).map((x) => x.name);
    return `profile ${profile} already has ${mutant}; with it choose one of: ${ok.join(', ')}`;
  }
  return null;
}

const cache = new WeakMap<object, ZabVariant>();

/** The switches of a configuration: its profile's, plus its mutant's. Built once per config object. */
export function variant(cfg: ZabConfig): ZabVariant {
  let v = cache.get(cfg);
  if (v !== undefined) return v;
  const flips = new Set<Switch>(ZAB_PROFILES[cfg.profile ?? DEFAULT_PROFILE]?.flips ?? []);
  const m = MUTANTS.find((x) => x.name === cfg.mutant);
  if (m !== undefined) flips.add(m.flips);
  if (flips.size === 0) v = CORRECT;
  else {
    const out: ZabVariant = { ...CORRECT };
    for (const f of flips) out[f] = true;
    v = Object.freeze(out);
  }
  cache.set(cfg, v);
  return v;
}
