// The rules of ZooKeeper's data tree and watch delivery that a named mutant
// may change (mutants.ts), with ZooKeeper's own in CORRECT. The tree, the
// watch table and the server read them through znodeVariant(mutant) and
// compare no names.
import type { StoredNode } from './types.ts';

/** The rules a mutant may change; ZooKeeper's are in CORRECT. */
export interface ZnodeVariant {
  /** The number a sequential child's suffix is made from (ZooKeeper: the parent's count of creates). */
  sequence(parent: StoredNode, zxid: number): number;
  /** setData with a version other than -1 fails with BADVERSION unless it matches. */
  setDataChecksVersion: boolean;
  /** setData increments the data version. */
  setDataBumpsVersion: boolean;
  /** A child delete bumps the parent's reported cversion. */
  deleteBumpsCversion: boolean;
  /** A child create or delete moves the parent's pzxid. */
  childChangeMovesPzxid: boolean;
  /** A delete fires NodeChildrenChanged on the parent as well as NodeDeleted on the node (DataTree.deleteNode). */
  deleteTriggersParent: boolean;
  /** A failed multi undoes the ops before the failing one. */
  multiAtomic: boolean;
  /** Closing or expiring a session deletes its ephemerals. */
  closeDeletesEphemerals: boolean;
  /** No child may be created under an ephemeral (NOCHILDRENFOREPHEMERALS). */
  ephemeralsHaveNoChildren: boolean;
  /** A node with children cannot be deleted (NOTEMPTY). */
  deleteNeedsNoChildren: boolean;
  /** A watch is removed once fired. */
  watchFiresOnce: boolean;
  /** A data change fires data and exist watches only, never a child watch on the node. */
  dataChangeSparesChildWatches: boolean;
  /** A fired watch notifies its watcher. */
  watchNotifies: boolean;
  /** The server sends the watch events a write fired before the write's reply. */
  watchesBeforeReply: boolean;
}

export const CORRECT: ZnodeVariant = {
  sequence: (parent) => parent.creates,
  setDataChecksVersion: true,
  setDataBumpsVersion: true,
  deleteBumpsCversion: true,
  childChangeMovesPzxid: true,
  deleteTriggersParent: true,
  multiAtomic: true,
  closeDeletesEphemerals: true,
  ephemeralsHaveNoChildren: true,
  deleteNeedsNoChildren: true,
  watchFiresOnce: true,
  dataChangeSparesChildWatches: true,
  watchNotifies: true,
  watchesBeforeReply: true,
};
