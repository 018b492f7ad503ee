// Node layout, quorums and zxid arithmetic (§1.1: zxid = (epoch, counter)).
import type { NodeId } from '../../src/model.ts';
import { hasMajority, majority, popcount } from '../common/quorum.ts';
import type { Txn, ZabConfig } from './types.ts';

export const EPOCH_SPAN = 4294967296; // 2^32

export function zxid(epoch: number, counter: number): number {
  return epoch * EPOCH_SPAN + counter;
}

export function epochOf(z: number): number {
  return Math.floor(z / EPOCH_SPAN);
}

export function counterOf(z: number): number {
  return z - epochOf(z) * EPOCH_SPAN;
}

/** `epoch:counter`, the way traces show a zxid. */
export function fmtZxid(z: number): string {
  return z < 0 ? '⊥' : `${epochOf(z)}:${counterOf(z)}`;
}

export function nodeCount(cfg: ZabConfig): number {
  return cfg.voters + cfg.observers;
}

export function isVoter(id: NodeId, cfg: ZabConfig): boolean {
  return id < cfg.voters;
}

export { popcount };

export function quorumSize(cfg: ZabConfig): number {
  return majority(cfg.voters);
}

/** A majority of the voters is in the bit set; observers' bits never count (§4.2 step 7). */
export function isQuorum(mask: number, cfg: ZabConfig): boolean {
  return hasMajority(mask, cfg.voters);
}

export function lastZxid(h: readonly Txn[]): number {
  return h.length === 0 ? 0 : h[h.length - 1].z;
}

/** How many leading entries have a zxid <= z (the log is in zxid order). */
export function countUpTo(h: readonly Txn[], z: number): number {
  let k = 0;
  while (k < h.length && h[k].z <= z) k++;
  return k;
}

export function sameTxn(a: Txn, b: Txn): boolean {
  return a === b || (a.z === b.z && a.v === b.v);
}
