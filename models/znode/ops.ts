// The single-node write operations, each in the order ZooKeeper 3.8 checks
// things (PrepRequestProcessor.pRequest2Txn, then DataTree's apply), so that the
// first failing check decides the error code. An op either returns the error or
// a new tree plus its result, appending the watches it fires to `out`.
import type { ZkError } from './errors.ts';
import { znodeVariant } from './mutants.ts';
import { CONFIG_NODE, pathProblem, ROOT, sequenceSuffix, SPECIAL_PATHS } from './path.ts';
import { pmapDelete, pmapGet, pmapHas, pmapSet } from './pmap.ts';
import { CONTAINER_OWNER, createStat, incInt, isSessionOwner, NO_OWNER, reportedCversion, utf8Length, type SessionId, type Stat } from './stat.ts';
import { ssetAdd, ssetRemove, ssetSize, SSET_EMPTY, type SSet } from './sset.ts';
import { isEphemeral, isSequential, type MultiOp, type OpResult, type StoredNode, type Tree, type TxnCtx, type WatchTrigger } from './types.ts';

export type OpOutcome = { readonly tree: Tree; readonly res: OpResult } | ZkError;

/** Where "/a/b" hangs: its parent path and its own name ("/x" -> "/", "x"). */
function split(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return [i <= 0 ? ROOT : path.slice(0, i), path.slice(i + 1)];
}

/** The parent with a child added or removed; the reported stat follows the stored counts. */
function withChildren(p: StoredNode, children: SSet, creates: number, pzxid: number): StoredNode {
  const n = ssetSize(children);
  const stat: Stat = { ...p.stat, pzxid, numChildren: n, cversion: reportedCversion(creates, n) };
  return { data: p.data, stat, children, creates, owner: p.owner };
}

function addEphemeral(t: Tree, session: SessionId, path: string): Tree['sessions'] {
  const list = pmapGet(t.sessions, session);
  return list === undefined ? t.sessions : pmapSet(t.sessions, session, ssetAdd(list, path));
}

function dropEphemeral(sessions: Tree['sessions'], owner: string, path: string): Tree['sessions'] {
  if (!isSessionOwner(owner)) return sessions;
  const list = pmapGet(sessions, owner);
  return list === undefined ? sessions : pmapSet(sessions, owner, ssetRemove(list, path));
}

export function create(t: Tree, op: Extract<MultiOp, { type: 'create' }>, session: SessionId, ctx: TxnCtx, out: WatchTrigger[]): OpOutcome {
  // Every write first checks the session (SessionTracker.checkSession): a closed or expired session is refused.
  if (!pmapHas(t.sessions, session)) return 'SESSIONEXPIRED';
  const seq = isSequential(op.mode);
  if (pathProblem(op.path, seq) !== null) return 'BADARGUMENTS';
  const [parentPath, prefix] = split(op.path);
  const parent = pmapGet(t.nodes, parentPath);
  if (parent === undefined) return 'NONODE';
  if (parentPath === CONFIG_NODE) return 'NOAUTH';
  let path = op.path;
  let name = prefix;
  if (seq) {
    // The suffix is the parent's stored cversion, i.e. how many children it ever had created.
    const n = znodeVariant(ctx.mutant).sequence(parent, ctx.zxid);
    name = prefix + sequenceSuffix(n);
    path = op.path + sequenceSuffix(n);
  }
  // "/" itself: its parent is the root and its name empty; it exists.
  if (path === ROOT || pmapHas(t.nodes, path)) return 'NODEEXISTS';
  // NODEEXISTS is checked before the ephemeral parent, as PrepRequestProcessor does.
  if (isSessionOwner(parent.owner) && znodeVariant(ctx.mutant).ephemeralsHaveNoChildren) return 'NOCHILDRENFOREPHEMERALS';
  const owner = op.mode === 'CONTAINER' ? CONTAINER_OWNER : isEphemeral(op.mode) ? session : NO_OWNER;
  const node: StoredNode = { data: op.data, stat: createStat(ctx.zxid, ctx.time, owner, utf8Length(op.data)), children: SSET_EMPTY, creates: 0, owner };
  // createNode only moves cversion and pzxid forward ("parentCVersion > cversion"): on int wrap-around neither changes.
  const creates = incInt(parent.creates);
  const forward = creates > parent.creates;
  const pzxid = forward && znodeVariant(ctx.mutant).childChangeMovesPzxid ? ctx.zxid : parent.stat.pzxid;
  const np = withChildren(parent, ssetAdd(parent.children, name), forward ? creates : parent.creates, pzxid);
  const nodes = pmapSet(pmapSet(t.nodes, parentPath, np), path, node);
  const sessions = owner === session ? addEphemeral(t, session, path) : t.sessions;
  out.push({ type: 'NodeCreated', path, zxid: ctx.zxid }, { type: 'NodeChildrenChanged', path: parentPath, zxid: ctx.zxid });
  return { tree: { nodes, sessions }, res: { type: 'create', path, stat: node.stat } };
}

/** DataTree.deleteNode: no checks left, the node and its parent exist. */
export function removeNode(t: Tree, path: string, node: StoredNode, ctx: TxnCtx, out: WatchTrigger[]): Tree {
  const [parentPath, name] = split(path);
  const parent = pmapGet(t.nodes, parentPath);
  // Only a mutant (a delete that ignores children) can leave an orphan behind.
  if (parent === undefined) {
    out.push({ type: 'NodeDeleted', path, zxid: ctx.zxid });
    return { nodes: pmapDelete(t.nodes, path), sessions: dropEphemeral(t.sessions, node.owner, path) };
  }
  // pzxid only moves forward; the stored cversion (creates) does not change on delete,
  // so the reported cversion (2·creates − numChildren) grows by one.
  const rules = znodeVariant(ctx.mutant);
  const pzxid = ctx.zxid > parent.stat.pzxid && rules.childChangeMovesPzxid ? ctx.zxid : parent.stat.pzxid;
  let np = withChildren(parent, ssetRemove(parent.children, name), parent.creates, pzxid);
  if (!rules.deleteBumpsCversion) np = { ...np, stat: { ...np.stat, cversion: parent.stat.cversion } };
  const nodes = pmapDelete(pmapSet(t.nodes, parentPath, np), path);
  const sessions = dropEphemeral(t.sessions, node.owner, path);
  out.push({ type: 'NodeDeleted', path, zxid: ctx.zxid });
  if (rules.deleteTriggersParent) out.push({ type: 'NodeChildrenChanged', path: parentPath, zxid: ctx.zxid });
  return { nodes, sessions };
}

export function del(t: Tree, op: Extract<MultiOp, { type: 'delete' }>, session: SessionId, ctx: TxnCtx, out: WatchTrigger[]): OpOutcome {
  if (!pmapHas(t.sessions, session)) return 'SESSIONEXPIRED';
  if (pathProblem(op.path) !== null) return 'BADARGUMENTS';
  // "/", "/zookeeper", its quota and config nodes cannot be deleted (getParentPathAndValidate).
  if (SPECIAL_PATHS.has(op.path)) return 'BADARGUMENTS';
  const [parentPath] = split(op.path);
  if (!pmapHas(t.nodes, parentPath)) return 'NONODE';
  const node = pmapGet(t.nodes, op.path);
  if (node === undefined) return 'NONODE';
  // The version is checked before emptiness.
  if (op.version !== -1 && op.version !== node.stat.version) return 'BADVERSION';
  if (ssetSize(node.children) > 0 && znodeVariant(ctx.mutant).deleteNeedsNoChildren) return 'NOTEMPTY';
  return { tree: removeNode(t, op.path, node, ctx, out), res: { type: 'delete' } };
}

export function setData(t: Tree, op: Extract<MultiOp, { type: 'setData' }>, session: SessionId, ctx: TxnCtx, out: WatchTrigger[]): OpOutcome {
  if (!pmapHas(t.sessions, session)) return 'SESSIONEXPIRED';
  if (pathProblem(op.path) !== null) return 'BADARGUMENTS';
  const node = pmapGet(t.nodes, op.path);
  if (node === undefined) return 'NONODE';
  if (op.path === CONFIG_NODE) return 'NOAUTH';
  const rules = znodeVariant(ctx.mutant);
  if (op.version !== -1 && op.version !== node.stat.version && rules.setDataChecksVersion) return 'BADVERSION';
  // Only setData moves mzxid, mtime and the data version.
  const version = rules.setDataBumpsVersion ? incInt(node.stat.version) : node.stat.version;
  const stat: Stat = { ...node.stat, mzxid: ctx.zxid, mtime: ctx.time, version, dataLength: utf8Length(op.data) };
  const nn: StoredNode = { data: op.data, stat, children: node.children, creates: node.creates, owner: node.owner };
  out.push({ type: 'NodeDataChanged', path: op.path, zxid: ctx.zxid });
  return { tree: { nodes: pmapSet(t.nodes, op.path, nn), sessions: t.sessions }, res: { type: 'setData', stat } };
}

export function check(t: Tree, op: Extract<MultiOp, { type: 'check' }>, session: SessionId): OpOutcome {
  if (!pmapHas(t.sessions, session)) return 'SESSIONEXPIRED';
  if (pathProblem(op.path) !== null) return 'BADARGUMENTS';
  const node = pmapGet(t.nodes, op.path);
  if (node === undefined) return 'NONODE';
  if (op.version !== -1 && op.version !== node.stat.version) return 'BADVERSION';
  return { tree: t, res: { type: 'check' } };
}

export function applyOp(t: Tree, op: MultiOp, session: SessionId, ctx: TxnCtx, out: WatchTrigger[]): OpOutcome {
  switch (op.type) {
    case 'create':
      return create(t, op, session, ctx, out);
    case 'delete':
      return del(t, op, session, ctx, out);
    case 'setData':
      return setData(t, op, session, ctx, out);
    case 'check':
      return check(t, op, session);
  }
}

/**
 * DataTree's processing of a deleteContainer txn from the ContainerManager. Its
 * checks (PrepRequestProcessor): special path, node exists, no children, not a
 * session's ephemeral (refused as BADVERSION, as ZooKeeper does).
 */
export function deleteContainer(t: Tree, path: string, ctx: TxnCtx, out: WatchTrigger[]): OpOutcome {
  if (pathProblem(path) !== null || SPECIAL_PATHS.has(path)) return 'BADARGUMENTS';
  const node = pmapGet(t.nodes, path);
  if (node === undefined) return 'NONODE';
  if (ssetSize(node.children) > 0) return 'NOTEMPTY';
  if (isSessionOwner(node.owner)) return 'BADVERSION';
  if (!pmapHas(t.nodes, split(path)[0])) return 'NONODE';
  return { tree: removeNode(t, path, node, ctx, out), res: { type: 'delete' } };
}
