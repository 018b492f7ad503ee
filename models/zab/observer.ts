// Observers (§4.2 step 7; Observer.processPacket): they learn committed txns
// from INFORM, never get a PROPOSAL, never ACK and never count in a quorum.
import { countUpTo, lastZxid } from './config.ts';
import type { Fx } from './fx.ts';
import type { Txn, ZabState } from './types.ts';

export function onInform(s: ZabState, txn: Txn, fx: Fx): ZabState {
  if (s.lphase !== 'synced' && s.lphase !== 'broadcast') return s;
  fx.note({ t: 'inform', z: txn.z });
  // ackld-before-persist: the synced txns are still in memory, the informed one goes after them.
  if (s.synced !== null) return txn.z > lastZxid(s.synced) ? { ...s, synced: s.synced.concat([txn]) } : s;
  // The txn may already be in the log: it was still outstanding when this observer synced.
  const history = txn.z > lastZxid(s.history) ? s.history.concat([txn]) : s.history;
  if (s.lphase !== 'broadcast') return history === s.history ? s : { ...s, history };
  const upTo = countUpTo(history, txn.z);
  return { ...s, history, lastCommitted: upTo > s.lastCommitted ? upTo : s.lastCommitted };
}
