// Observers (§4.2 step 7; Observer.processPacket): they learn committed txns
// from INFORM, never get a PROPOSAL, never ACK and never count in a quorum. They
// log what they learn (ObserverZooKeeperServer's SyncRequestProcessor).
import type { NodeId } from '../../src/model.ts';
import { countUpTo, lastZxid } from './config.ts';
import { logTxns } from './broadcast.ts';
import type { Fx } from './fx.ts';
import type { Txn, ZabConfig, ZabState } from './types.ts';

export function onInform(s: ZabState, _id: NodeId, txn: Txn, cfg: ZabConfig, fx: Fx): ZabState {
  if (s.lphase !== 'synced' && s.lphase !== 'broadcast') return s;
  fx.note({ t: 'inform', z: txn.z });
  // The txn may already be in the log: it was still outstanding when this observer synced.
  const out = txn.z > lastZxid(s.history) ? logTxns(s, [txn], -1, fx, cfg) : s;
  if (out.lphase !== 'broadcast') return out;
  const upTo = countUpTo(out.history, txn.z);
  return upTo > out.lastCommitted ? { ...out, lastCommitted: upTo } : out;
}
