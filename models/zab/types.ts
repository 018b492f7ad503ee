// ZAB as ZooKeeper 3.x runs it (research/zab-and-paxos.md §4): Fast Leader
// Election, discovery, synchronisation and broadcast, with observers. Node ids
// 0..voters-1 are voters (participants), the rest observers.
import type { BaseConfig } from '../../src/model.ts';

export interface ZabConfig extends BaseConfig {
  voters: number;
  observers: number;
  /** Client writes in the workload (each submitted once, to a fixed server). */
  writes: number;
  /** ZooKeeper version whose sync and log code the model runs (mutants.ts ZAB_PROFILES); default '3.9'. */
  profile?: string;
  /**
   * The leader's committedLog holds its last `window` committed txns
   * (zookeeper.commitLogCount, scaled down): a learner further behind gets SNAP
   * (LearnerHandler.syncFollower). Default 4.
   */
  window?: number;
  /**
   * Warm start: the run begins once a first leader is established and every
   * server has synced with it (reached by fair, fault-free steps without client
   * writes; see Protocol.warmUntil).
   */
  warm?: boolean;
}

/** A logged transaction ⟨v, z⟩: zxid z = epoch·2^32 + counter (§1.1), v = client write id. */
export interface Txn {
  readonly z: number;
  readonly v: number;
}

/** ServerState of QuorumPeer. */
export type PeerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';

/** An FLE vote (§4.1): proposed leader, its last zxid and its peerEpoch (currentEpoch). */
export interface Vote {
  readonly leader: number;
  readonly zxid: number;
  readonly epoch: number;
}

/**
 * A notification: the sender's vote, its round (logicalclock / electionEpoch)
 * and its state. Received notifications are stored as is in recvset and
 * outofelection, so an entry is the message object itself.
 */
export interface Notify extends Vote {
  readonly t: 'NOTIFY';
  readonly round: number;
  readonly st: PeerState;
  /** Sent again by the retransmission timer (see onNotify: answering a worse vote). */
  readonly re?: boolean;
}

export type SyncKind = 'DIFF' | 'TRUNC' | 'SNAP';

/**
 * A write to a server's disk (disk.ts). Channel 0 is the txn log, appended by
 * the SyncRequestProcessor thread and fsynced in batches; channel 1 is what the
 * peer's own thread writes and waits for: the epoch files and snapshots.
 * `ack`: the learner connection whose leader the log flush acknowledges
 * (SendAckRequestProcessor), -1 for none; `self`: the leader counts its own ack
 * at the flush (AckRequestProcessor); `nl`: the NEWLEADER handling waits for it.
 */
export type ZabWrite =
  | { readonly w: 'accepted'; readonly e: number }
  /** `s`: a learner's write, the connection whose NEWLEADER asked for it (the leader's own: -1). */
  | { readonly w: 'current'; readonly e: number; readonly s: number }
  | { readonly w: 'append'; readonly txns: readonly Txn[]; readonly ack: number; readonly self: boolean; readonly nl: boolean }
  | { readonly w: 'trunc'; readonly z: number }
  | { readonly w: 'snap'; readonly z: number; readonly txns: readonly Txn[] };

/** What survives a crash: the epoch files, the newest snapshot and the txn log. */
export interface ZabDisk {
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** Snapshot: the txns applied up to zxid z (ZooKeeper names the file by z). */
  readonly snap: { readonly z: number; readonly txns: readonly Txn[] } | null;
  readonly log: readonly Txn[];
}

/**
 * Peer-to-peer messages of the quorum port carry `s`, the learner's connection
 * (session) number: a learner that reconnects opens a new TCP connection, so
 * nothing sent on an older one may reach the new one. The scheduler keeps one
 * FIFO link per pair, so the tag stands in for the socket.
 */
export type ZabMsg =
  | Notify
  | { readonly t: 'FOLLOWERINFO'; readonly s: number; readonly acc: number }
  | { readonly t: 'LEADERINFO'; readonly s: number; readonly e: number }
  /** cur = -1: the follower had already accepted this epoch; not counted (§4.2 step 2). */
  | { readonly t: 'ACKEPOCH'; readonly s: number; readonly cur: number; readonly last: number }
  /**
   * The sync header (LearnerHandler.syncFollower): DIFF and TRUNC(z) are
   * followed by the txns one PROPOSAL (and COMMIT) each; SNAP carries the
   * leader's applied txns as one serialized snapshot. z: DIFF, the leader's last
   * zxid; TRUNC, where the learner cuts its log; SNAP, the snapshot's zxid.
   */
  | { readonly t: 'DIFF'; readonly s: number; readonly z: number }
  | { readonly t: 'TRUNC'; readonly s: number; readonly z: number }
  | { readonly t: 'SNAP'; readonly s: number; readonly z: number; readonly txns: readonly Txn[] }
  | { readonly t: 'NEWLEADER'; readonly s: number; readonly e: number; readonly z: number }
  /** Carries the leader's commit point (Zab.tla's COMMIT-LD). */
  | { readonly t: 'UPTODATE'; readonly s: number; readonly z: number }
  | { readonly t: 'PROPOSAL'; readonly s: number; readonly txn: Txn }
  /** ACK of a PROPOSAL, or of NEWLEADER: one packet type (Leader.ACK), as on the wire. */
  | { readonly t: 'ACK'; readonly s: number; readonly z: number }
  | { readonly t: 'COMMIT'; readonly s: number; readonly z: number }
  /** Commit notice to an observer, carrying the txn (observers get no PROPOSAL). */
  | { readonly t: 'INFORM'; readonly s: number; readonly txn: Txn }
  /** A client write forwarded by a learner to its leader. */
  | { readonly t: 'REQUEST'; readonly s: number; readonly v: number }
  /** The sender closed the connection (a learner giving up, a leader shutting down). */
  | { readonly t: 'CLOSE'; readonly s: number };

export interface WriteRequest {
  v: number;
}

export type ZabObs =
  | { t: 'lead'; round: number }
  | { t: 'follow'; leader: number; round: number }
  | { t: 'epoch'; e: number }
  | { t: 'established'; e: number }
  | { t: 'sync'; to: number; kind: SyncKind; n: number }
  | { t: 'quit'; why: string }
  | { t: 'abandon'; why: string }
  | { t: 'propose'; z: number; v: number }
  | { t: 'commit'; z: number }
  | { t: 'inform'; z: number }
  /**
   * A server met a message its code treats as impossible and logged an ERROR
   * (ZooKeeper's checks; the specs' in-action flags, ShouldNotBeTriggered).
   * exit: it also stops (FollowerZooKeeperServer.commit's UNMATCHED_TXN_COMMIT).
   */
  | { t: 'inconsistent'; flag: InconsistencyFlag; why: string; exit: boolean };

/** Zab.tla's in-action flags that a ZooKeeper server also detects and logs. */
export type InconsistencyFlag = 'ackInconsistent' | 'commitInconsistent';

/**
 * Learner phase (Learner.registerWithLeader / syncWithLeader). accepting: the
 * acceptedEpoch write runs, ACKEPOCH follows it; logging / epoching: NEWLEADER
 * is being handled, waiting on the disk (the learner thread is blocked, so what
 * the leader sends meanwhile waits in `held`).
 */
export type LearnerPhase = 'none' | 'discovery' | 'accepting' | 'sync' | 'logging' | 'epoching' | 'synced' | 'broadcast';

/** The leader's view of one learner (a LearnerHandler). */
export interface Peer {
  readonly s: number;
  /** info: FOLLOWERINFO in; acked: ACKEPOCH in; newleader: sync + NEWLEADER sent; active: an ACK after NEWLEADER in. */
  readonly st: 'info' | 'acked' | 'newleader' | 'active';
  /** The learner's last logged zxid from ACKEPOCH. */
  readonly last: number;
  /** Zxid of the NEWLEADER sent (what its ACK-LD echoes). */
  readonly nlz: number;
}

export interface Outstanding {
  readonly z: number;
  /** Bit set of the servers that logged and acknowledged it (the leader included). */
  readonly acks: number;
}

export interface LeadState {
  /** discovery; epoching: the currentEpoch write runs before anyone is synced; sync; broadcast. */
  readonly phase: 'discovery' | 'epoching' | 'sync' | 'broadcast';
  /** The proposed epoch's acceptedEpoch write has completed (LEADERINFO goes out only then). */
  readonly epochDurable: boolean;
  /** The epoch proposed in LEADERINFO; -1 until a quorum sent FOLLOWERINFO. */
  readonly epoch: number;
  readonly infoFrom: number;
  readonly maxAccepted: number;
  readonly ackEpoch: number;
  readonly ackLd: number;
  readonly peers: readonly (Peer | null)[];
  /** Proposed, not yet committed; outstanding[k] is history[lastCommitted + k]. */
  readonly outstanding: readonly Outstanding[];
  readonly counter: number;
}

export interface ZabState {
  // Durable (§4.2; a crash keeps these, Zab.tla Restart).
  /** The paper's f.p: the last epoch accepted in LEADERINFO. */
  readonly acceptedEpoch: number;
  /** The paper's f.a: the epoch of the last NEWLEADER accepted. */
  readonly currentEpoch: number;
  /** The logged history. */
  readonly history: readonly Txn[];
  // Volatile.
  readonly state: PeerState;
  /** logicalclock. */
  readonly round: number;
  /** Proposal while LOOKING, the decided vote afterwards. */
  readonly vote: Vote;
  /** recvset: per voter, its latest notification in my round. */
  readonly recv: readonly (Notify | null)[];
  /** outofelection: per voter, its latest FOLLOWING/LEADING notification. */
  readonly ooe: readonly (Notify | null)[];
  /** A quorum matched my vote and the finalizeWait timer runs. */
  readonly finalizing: boolean;
  /**
   * A notification from a voter / a quorum-port packet arrived since the fle /
   * sync timer was last armed. Those timers are read timeouts
   * (recvqueue.poll(notTimeout), the learner socket's initLimit timeout): they
   * expire only after a silence, so a firing with traffic in between re-arms.
   */
  readonly heardNote: boolean;
  /** Likewise for finalizeWait, which is polled again after every notification. */
  readonly heardFin: boolean;
  readonly heardZab: boolean;
  /**
   * Txns in memory that are not yet handed to the log: the synced txns while
   * epoch-before-history writes currentEpoch first, and with log-after-shutdown
   * the writes abandoned when leaving a leader (written behind the next sync).
   */
  readonly unlogged: readonly Txn[];
  /** log-after-shutdown only: the txns handed to the log thread and not yet flushed. */
  readonly queuedLog: readonly Txn[];
  /** What the leader sent while this learner was blocked on its disk (NEWLEADER handling), in order. */
  readonly held: readonly ZabMsg[];
  /** The NEWLEADER being handled: its epoch and zxid (-1 when none). */
  readonly nlEpoch: number;
  readonly nlZxid: number;
  /** diff-advances-lastzxid: the zxid a DIFF header claimed (-1 otherwise). */
  readonly diffZxid: number;
  /**
   * Ticks left before a restarted server has loaded its snapshot and replayed
   * its log (ZKDatabase.loadDataBase) and joins the election; until then it
   * answers nothing.
   */
  readonly booting: number;
  /**
   * The leader that refused me (its epoch is below my acceptedEpoch): I do not
   * follow it again out of election before my retransmission timer has fired,
   * the reconnection delay that keeps this ZooKeeper livelock from starving
   * everyone else's timers.
   */
  readonly refusedBy: number;
  /** Consecutive silent ticks of the sync timer (initLimit). */
  readonly silentTicks: number;
  /** Number of history entries delivered (Zab.tla lastCommitted.index). */
  readonly lastCommitted: number;
  /** Client writes waiting for a serving leader (lost on crash). */
  readonly queue: readonly number[];
  /** Whom I follow or observe (-1: nobody); me when leading. */
  readonly leader: number;
  readonly sess: number;
  readonly lphase: LearnerPhase;
  /** The history being synced, in memory only until NEWLEADER (§4.2 step 5). */
  readonly synced: readonly Txn[] | null;
  /** The snapshot a SNAP sync brought (written at NEWLEADER), else null. */
  readonly syncSnap: readonly Txn[] | null;
  readonly lead: LeadState | null;
  /**
   * FOLLOWERINFOs that reached me while still LOOKING: the learner keeps
   * retrying its connection (Learner.connectToLeader), so they are taken up if I
   * start leading, and refused (CLOSE) if I follow someone else.
   */
  readonly backlog: readonly (Backlog | null)[] | null;
}

export interface Backlog {
  readonly s: number;
  readonly acc: number;
}

/** What a restart rebuilds from the disk: the epochs and the history (snapshot, then the log replayed past it). */
export interface ZabDurable {
  acceptedEpoch: number;
  currentEpoch: number;
  history: readonly Txn[];
}
