// Named bug variants, selected by `config.mutant` (research/zab-and-paxos.md §3).
import type { Mutant } from '../../src/protocol.ts';

export const ZAB_MUTANTS: Mutant[] = [
  { name: 'propose-to-ackld-only', description: 'B1, spec issue 1: the leader sends PROPOSAL only to followers whose ACK-LD it has, so a follower between NEWLEADER and ACK-LD misses one' },
  { name: 'commitld-echoes-ackld', description: 'B2, spec issue 3: UPTODATE (COMMIT-LD) carries the ACK-LD zxid, not the leader\'s commit point, losing commits made in between' },
  { name: 'diff-instead-of-trunc', description: 'B3, ZOOKEEPER-1154: sync sends DIFF whenever the follower\'s last zxid is in [min, max], even when it is not in the leader\'s log' },
  { name: 'epoch-before-history', description: 'B4, ZOOKEEPER-4643: on NEWLEADER the follower writes currentEpoch before the synced txns, with a crash window between' },
  { name: 'ackld-before-persist', description: 'B5, ZOOKEEPER-4646/3911: the follower sends ACK-LD before the synced txns are on disk (they are written at UPTODATE)' },
  { name: 'epoch-from-last-zxid', description: 'B9, ZOOKEEPER-335: the new epoch is the epoch of the leader\'s last zxid + 1 and epochs are not persisted, so an epoch can repeat' },
  { name: 'non-total-vote-order', description: 'B11, ZOOKEEPER-1419: the pre-fix totalOrderPredicate breaks id ties without comparing epochs, so two votes can beat each other' },
  { name: 'decide-without-quorum', description: 'B12, ZOOKEEPER-975: FLE decides as soon as it has heard from every voter, without a quorum of matching votes' },
  { name: 'election-sid-before-zxid', description: 'FLE compares the server id before the zxid, electing a server with a shorter log' },
  { name: 'commit-before-quorum', description: 'the leader commits once any one follower has acked (two votes: a quorum only with 3 voters)' },
  { name: 'count-observer-ack', description: 'observers get PROPOSALs and the leader counts their ACKs towards the commit quorum' },
  { name: 'log-after-shutdown', description: 'B7, ZOOKEEPER-4712/4394: a follower logs (and acks) proposals at a later flush that survives leaving its leader, so a queued one can land behind newer txns' },
  { name: 'local-write', description: 'a follower serves a client write itself: logged and applied locally, never proposed by the leader' },
];
