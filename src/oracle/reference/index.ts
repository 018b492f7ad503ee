// The oracle's own specification of the znode tree (see tree.ts): what
// check-history and the model's property suites judge against.
export { refApply, type RefApplied } from './apply.ts';
export { CONTAINER, isSessionOwned, PERSISTENT, refEmpty, refEphemerals, refGet, refPaths, refPut, refSame, type RefTree, type RefView } from './tree.ts';
