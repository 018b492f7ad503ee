// The oracle's own specification of the znode tree (see tree.ts): what
// check-history and the model's property suites judge against.
export { refApply, validPath, type RefApplied } from './apply.ts';
export { changes } from './changes.ts';
export { baseName, CONTAINER, isSessionOwned, parentPath, PERSISTENT, refChildren, refEmpty, refEphemerals, refGet, refPaths, refStat, ZERO_OWNER, type RefNode, type RefTree, type RefView } from './tree.ts';
