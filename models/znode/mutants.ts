// Named bug variants of the znode model, selected by `config.mutant` (the tree
// receives it through TxnCtx.mutant, the watch table through fire()). Each one
// breaks a rule of ZooKeeper's data tree or watch delivery that some invariant of
// properties/znode.ts states.
import type { Mutant } from '../../src/protocol.ts';

export const ZNODE_MUTANTS: Mutant[] = [
  { name: 'seq-from-zxid', description: "sequential suffix from the server's zxid counter instead of the parent's cversion (count of child creates)" },
  { name: 'seq-from-numchildren', description: 'sequential suffix from the number of children now present, so a name can repeat after a delete' },
  { name: 'setdata-ignores-version', description: 'setData ignores the expected version: a stale conditional write succeeds instead of BADVERSION' },
  { name: 'version-not-bumped', description: 'setData changes the data and mzxid but leaves the data version unchanged' },
  { name: 'cversion-counts-creates', description: 'the reported cversion is the stored count of creates, so a child delete does not bump it' },
  { name: 'pzxid-not-updated', description: "a child create or delete does not move the parent's pzxid" },
  { name: 'multi-partial', description: 'a failed multi keeps the effects of the ops before the failing one' },
  { name: 'ephemeral-survives-close', description: 'closing or expiring a session forgets the session but leaves its ephemerals' },
  { name: 'ephemeral-parent-allowed', description: 'a child may be created under an ephemeral (NOCHILDRENFOREPHEMERALS dropped)' },
  { name: 'delete-ignores-children', description: 'delete of a node with children succeeds (NOTEMPTY dropped), orphaning them' },
  { name: 'watch-fires-twice', description: 'a fired watch stays registered, so the next change fires it again' },
  { name: 'watch-never-fires', description: 'a triggered watch is removed without notifying its watcher' },
  { name: 'reply-before-watch', description: "the server answers a write before sending the watch events it fired, so the writer's own watch arrives after the reply" },
];
