// A ZooKeeper server's disk as ZAB sees it (FileTxnSnapLog): the epoch files
// (acceptedEpoch, currentEpoch), the newest snapshot and the txn log. The world
// keeps it and applies a write only when the scheduler flushes it; a crash keeps
// exactly this, and a restart replays it (ZKDatabase.loadDataBase).
import type { DiskModel } from '../../src/model.ts';
import type { Txn, ZabConfig, ZabDisk, ZabDurable, ZabWrite } from './types.ts';

/** Write channels: the txn log (SyncRequestProcessor) and the peer thread's synchronous files. */
export const CH_LOG = 0;
export const CH_FILE = 1;

const NO_TXNS: readonly Txn[] = Object.freeze([]);
export const EMPTY_DISK: ZabDisk = Object.freeze({ acceptedEpoch: 0, currentEpoch: 0, snap: null, log: NO_TXNS });

export function channelOf(w: ZabWrite): number {
  return w.w === 'append' || w.w === 'trunc' ? CH_LOG : CH_FILE;
}

function applyWrite(d: ZabDisk, w: ZabWrite): ZabDisk {
  switch (w.w) {
    case 'accepted':
      return { ...d, acceptedEpoch: w.e };
    case 'current':
      return { ...d, currentEpoch: w.e };
    case 'append':
      return w.txns.length === 0 ? d : { ...d, log: d.log.concat(w.txns) };
    case 'trunc': {
      // FileTxnSnapLog.truncateLog: the log loses every txn past z. A snapshot past z
      // gives way to the state at z (ZooKeeper keeps older snapshots for this).
      const k = upTo(d.log, w.z);
      let snap = d.snap;
      if (snap !== null && snap.z > w.z) {
        const txns = snap.txns.slice(0, upTo(snap.txns, w.z));
        snap = { z: txns.length === 0 ? 0 : txns[txns.length - 1].z, txns };
      }
      return k === d.log.length && snap === d.snap ? d : { ...d, log: d.log.slice(0, k), snap };
    }
    case 'snap':
      return { ...d, snap: { z: w.z, txns: w.txns } };
  }
}

/** How many leading txns have zxid <= z. */
function upTo(h: readonly Txn[], z: number): number {
  let k = h.length;
  while (k > 0 && h[k - 1].z > z) k--;
  return k;
}

export const zabDisk: DiskModel<ZabDisk, ZabConfig> = {
  init: () => EMPTY_DISK,
  apply: (d, w) => applyWrite(d, w as ZabWrite),
  channel: (w) => channelOf(w as ZabWrite),
};

/**
 * What a restart loads (FileTxnSnapLog.restore): the snapshot, then every logged
 * txn past the snapshot's zxid, in log order.
 */
export function replay(d: ZabDisk): readonly Txn[] {
  if (d.snap === null) return d.log;
  const z = d.snap.z;
  let k = 0;
  while (k < d.log.length && d.log[k].z <= z) k++;
  return k === d.log.length ? d.snap.txns : d.snap.txns.concat(d.log.slice(k));
}

export function durableOf(d: ZabDisk): ZabDurable {
  return { acceptedEpoch: d.acceptedEpoch, currentEpoch: d.currentEpoch, history: replay(d) };
}
