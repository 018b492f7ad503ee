// The total order on FLE votes (§4.1, FastLeaderElection.totalOrderPredicate,
// FastLeaderElection.tla TotalOrderPredicate) and vote equality (Vote.equals).
import { isVoter } from './config.ts';
import { variant } from './mutants.ts';
import type { Notify, Vote, ZabConfig } from './types.ts';

/**
 * Does vote a beat vote b? peerEpoch first, then zxid, then server id; a vote
 * for a server of weight 0 (an observer, or nobody) never wins.
 */
export function voteGt(a: Vote, b: Vote, cfg: ZabConfig): boolean {
  if (a.leader < 0 || !isVoter(a.leader, cfg)) return false;
  const v = variant(cfg);
  // ZOOKEEPER-1419, the pre-fix formula: the id tie-break ignores the epochs.
  if (v.nonTotalVoteOrder) return a.epoch > b.epoch || (a.epoch === b.epoch && a.zxid > b.zxid) || (a.zxid === b.zxid && a.leader > b.leader);
  if (v.electionSidBeforeZxid) return a.epoch > b.epoch || (a.epoch === b.epoch && (a.leader > b.leader || (a.leader === b.leader && a.zxid > b.zxid)));
  return a.epoch > b.epoch || (a.epoch === b.epoch && (a.zxid > b.zxid || (a.zxid === b.zxid && a.leader > b.leader)));
}

/** The vote part of a notification, as its own value. */
export function voteOf(n: Vote): Vote {
  return { leader: n.leader, zxid: n.zxid, epoch: n.epoch };
}

/**
 * Vote.equals as termPredicate uses it: if either side is LOOKING, leader, zxid,
 * round and peerEpoch must match; between servers out of election only
 * (leader, peerEpoch) (ZOOKEEPER-1805/1818).
 */
export function sameVote(e: Notify, n: Notify): boolean {
  if (e.st === 'LOOKING' || n.st === 'LOOKING') return e.leader === n.leader && e.zxid === n.zxid && e.round === n.round && e.epoch === n.epoch;
  return e.leader === n.leader && e.epoch === n.epoch;
}
