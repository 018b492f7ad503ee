// Which watches a change must fire, read off the difference between the tree
// before and after it, not off any list the code that made the change keeps:
// a node that appeared fires NodeCreated on it and NodeChildrenChanged on its
// parent, one that vanished NodeDeleted and NodeChildrenChanged, one whose data
// was written (its data version moved) NodeDataChanged (DataTree.createNode,
// deleteNode and setData each call triggerWatch for exactly these).
import type { WatchTrigger } from '../../../models/znode/types.ts';
import { nodesDiff } from './nodes.ts';
import { parentPath, type RefTree } from './tree.ts';

/**
 * The triggers of one change (one op; one closeSession), in ZooKeeper's order:
 * deletions by path, then creations by path, then data writes. One op makes
 * only one kind; closeSession deletes its ephemerals in path order.
 */
export function changes(before: RefTree, after: RefTree, zxid: number): WatchTrigger[] {
  if (before.nodes === after.nodes) return [];
  const gone: string[] = [];
  const born: string[] = [];
  const written: string[] = [];
  // Only the records that differ are visited (the versions share the rest).
  nodesDiff(before.nodes, after.nodes, (p, b, a) => {
    if (a === undefined) gone.push(p);
    else if (b === undefined) born.push(p);
    else if (a.czxid !== b.czxid) {
      gone.push(p);
      born.push(p);
    } else if (a.version !== b.version || a.mzxid !== b.mzxid) written.push(p);
  });
  const out: WatchTrigger[] = [];
  for (const p of gone.sort()) out.push({ type: 'NodeDeleted', path: p, zxid }, { type: 'NodeChildrenChanged', path: parentPath(p) as string, zxid });
  for (const p of born.sort()) out.push({ type: 'NodeCreated', path: p, zxid }, { type: 'NodeChildrenChanged', path: parentPath(p) as string, zxid });
  for (const p of written.sort()) out.push({ type: 'NodeDataChanged', path: p, zxid });
  return out;
}
