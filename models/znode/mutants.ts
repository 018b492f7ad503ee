// Named bug variants of the znode model, as one table: each entry says what it
// breaks and overrides the rules of ZooKeeper's behaviour (rules.ts) that it
// changes. The tree receives the name through TxnCtx.mutant, the watch table
// through fire(). Each breaks a rule of ZooKeeper's data tree or watch delivery
// that some invariant of properties/znode.ts states.
import type { Mutant } from '../../src/protocol.ts';
import { CORRECT, type ZnodeVariant } from './rules.ts';
import { ssetSize } from './sset.ts';

const TABLE: readonly (Mutant & { rules: Partial<ZnodeVariant> })[] = [
  {
    name: 'seq-from-zxid',
    description: "sequential suffix from the server's zxid counter instead of the parent's cversion (count of child creates)",
    rules: { sequence: (_parent, zxid) => zxid % 0x100000000 },
  },
  {
    name: 'seq-from-numchildren',
    description: 'sequential suffix from the number of children now present, so a name can repeat after a delete',
    rules: { sequence: (parent) => ssetSize(parent.children) },
  },
  {
    name: 'setdata-ignores-version',
    description: 'setData ignores the expected version: a stale conditional write succeeds instead of BADVERSION',
    rules: { setDataChecksVersion: false },
  },
  { name: 'version-not-bumped', description: 'setData changes the data and mzxid but leaves the data version unchanged', rules: { setDataBumpsVersion: false } },
  {
    name: 'cversion-counts-creates',
    description: 'the reported cversion is the stored count of creates, so a child delete does not bump it',
    rules: { deleteBumpsCversion: false },
  },
  { name: 'pzxid-not-updated', description: "a child create or delete does not move the parent's pzxid", rules: { childChangeMovesPzxid: false } },
  {
    // The slip of issue 13: the tree's own list of what a write changes is wrong, and an
    // invariant that read that list (instead of the tree before and after) could not tell.
    name: 'delete-forgets-parent-event',
    description: "a delete fires NodeDeleted but not its parent's NodeChildrenChanged, so a child watch on the parent is never told",
    rules: { deleteTriggersParent: false },
  },
  { name: 'multi-partial', description: 'a failed multi keeps the effects of the ops before the failing one', rules: { multiAtomic: false } },
  {
    name: 'ephemeral-survives-close',
    description: 'closing or expiring a session forgets the session but leaves its ephemerals',
    rules: { closeDeletesEphemerals: false },
  },
  {
    name: 'ephemeral-parent-allowed',
    description: 'a child may be created under an ephemeral (NOCHILDRENFOREPHEMERALS dropped)',
    rules: { ephemeralsHaveNoChildren: false },
  },
  {
    name: 'delete-ignores-children',
    description: 'delete of a node with children succeeds (NOTEMPTY dropped), orphaning them',
    rules: { deleteNeedsNoChildren: false },
  },
  { name: 'watch-fires-twice', description: 'a fired watch stays registered, so the next change fires it again', rules: { watchFiresOnce: false } },
  {
    name: 'data-change-fires-child-watch',
    description: "the server's watch manager fires a node's child watches on a data change too, so a getChildren watcher gets NodeDataChanged and loses its watch",
    rules: { dataChangeSparesChildWatches: false },
  },
  { name: 'watch-never-fires', description: 'a triggered watch is removed without notifying its watcher', rules: { watchNotifies: false } },
  {
    name: 'reply-before-watch',
    description: "the server answers a write before sending the watch events it fired, so the writer's own watch arrives after the reply",
    rules: { watchesBeforeReply: false },
  },
];

export const ZNODE_MUTANTS: Mutant[] = TABLE.map(({ name, description }) => ({ name, description }));

// Built once per variant, so a txn pays one map lookup.
const VARIANTS = new Map<string, ZnodeVariant>(TABLE.map((m) => [m.name, { ...CORRECT, ...m.rules }]));

/** The rules of the named variant; ZooKeeper's for null or absent. */
export function znodeVariant(mutant: string | null | undefined): ZnodeVariant {
  if (mutant === null || mutant === undefined) return CORRECT;
  const v = VARIANTS.get(mutant);
  if (v === undefined) throw new Error(`unknown znode mutant ${mutant}`);
  return v;
}
