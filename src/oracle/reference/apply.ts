// The reference semantics of one transaction (ZooKeeper 3.8: PrepRequestProcessor's
// checks in its order, then DataTree's changes), on the plain tree of tree.ts.
// Each op makes a new tree version (sharing all it does not change); the watch
// triggers are whatever changes.ts reads off the trees before and after. Not modelled: 32-bit wrap of versions
// and cversion (2^31 writes to one node), ACLs beyond the read-only config node.
import type { ZkError } from '../../../models/znode/errors.ts';
import type { MultiOp, OpResult, Txn, TxnCtx, TxnResult, WatchTrigger } from '../../../models/znode/types.ts';
import { changes } from './changes.ts';
import { CONTAINER, isSessionOwned, parentPath, PERSISTENT, refChildren, refEphemerals, refPut, refRemove, refStat, type RefNode, type RefTree } from './tree.ts';

export interface RefApplied {
  readonly tree: RefTree;
  readonly result: TxnResult;
  readonly triggers: readonly WatchTrigger[];
}

/**
 * A txn's outcome whose watch triggers are read off the trees before and after it
 * when first asked for: a replay that keeps only some paths' triggers (check-history)
 * does not pay for the rest.
 */
class Applied implements RefApplied {
  private fired: readonly WatchTrigger[] | null = null;
  constructor(
    private readonly before: RefTree,
    readonly tree: RefTree,
    readonly result: TxnResult,
    private readonly zxid: number,
  ) {}

  get triggers(): readonly WatchTrigger[] {
    this.fired ??= changes(this.before, this.tree, this.zxid);
    return this.fired;
  }
}

/** The nodes ZooKeeper creates itself; no client may delete them. */
const SYSTEM = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);
/** Its ACL is read-only for clients: writing it or creating under it is NOAUTH. */
const CONFIG = '/zookeeper/config';

/** Characters PathUtils refuses: controls, C1, surrogates and private use, the specials block. */
function refusedChar(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0;
}

/** PathUtils.validatePath: "/" or "/"-separated names, none empty, "." or "..", none holding a refused character. */
export function validPath(path: string): boolean {
  if (path === '/') return true;
  if (path.charCodeAt(0) !== 0x2f) return false;
  // One pass over the characters; the end of the path closes the last name.
  let start = 1;
  for (let i = 1; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 0x2f;
    if (c !== 0x2f) {
      if (refusedChar(c)) return false;
      continue;
    }
    const len = i - start;
    if (len === 0) return false;
    if (path.charCodeAt(start) === 0x2e && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === 0x2e))) return false;
    start = i + 1;
  }
  return true;
}

type Outcome = { readonly tree: RefTree; readonly res: OpResult } | ZkError;

function isSequential(mode: string): boolean {
  return mode.endsWith('_SEQUENTIAL');
}

function create(t: RefTree, op: Extract<MultiOp, { type: 'create' }>, session: string, ctx: TxnCtx): Outcome {
  if (!t.sessions.has(session)) return 'SESSIONEXPIRED';
  const seq = isSequential(op.mode);
  // A sequential prefix is validated with a digit appended ("/q/" is a fine prefix).
  if (!validPath(seq ? op.path + '1' : op.path)) return 'BADARGUMENTS';
  // The parent of whatever name the prefix grows into ("/q/" -> "/q", "/" -> "/").
  const parent = parentPath(op.path + '1') as string;
  const p = t.nodes.get(parent);
  if (p === undefined) return 'NONODE';
  if (parent === CONFIG) return 'NOAUTH';
  const path = seq ? op.path + String(p.childCreates).padStart(10, '0') : op.path;
  if (t.nodes.has(path)) return 'NODEEXISTS';
  if (isSessionOwned(p)) return 'NOCHILDRENFOREPHEMERALS';
  const owner = op.mode === 'CONTAINER' ? CONTAINER : op.mode.startsWith('EPHEMERAL') ? session : PERSISTENT;
  const z = ctx.zxid;
  const node: RefNode = { data: op.data, czxid: z, mzxid: z, pzxid: z, ctime: ctx.time, mtime: ctx.time, version: 0, cversion: 0, aversion: 0, childCreates: 0, owner };
  const tree = refPut(refPut(t, parent, { ...p, cversion: p.cversion + 1, childCreates: p.childCreates + 1, pzxid: z }), path, node);
  return { tree, res: { type: 'create', path, stat: refStat(tree, path, node) } };
}

/** Remove a node that may go: its parent's cversion steps, its pzxid moves forward only. */
function unlink(t: RefTree, path: string, zxid: number): RefTree {
  const parent = parentPath(path) as string;
  const p = t.nodes.get(parent) as RefNode;
  return refPut(refRemove(t, path), parent, { ...p, cversion: p.cversion + 1, pzxid: Math.max(p.pzxid, zxid) });
}

function remove(t: RefTree, op: Extract<MultiOp, { type: 'delete' }>, session: string, ctx: TxnCtx): Outcome {
  if (!t.sessions.has(session)) return 'SESSIONEXPIRED';
  if (!validPath(op.path) || SYSTEM.has(op.path)) return 'BADARGUMENTS';
  if (!t.nodes.has(parentPath(op.path) as string)) return 'NONODE';
  const n = t.nodes.get(op.path);
  if (n === undefined) return 'NONODE';
  if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
  if (refChildren(t, op.path).length > 0) return 'NOTEMPTY';
  return { tree: unlink(t, op.path, ctx.zxid), res: { type: 'delete' } };
}

function setData(t: RefTree, op: Extract<MultiOp, { type: 'setData' }>, session: string, ctx: TxnCtx): Outcome {
  if (!t.sessions.has(session)) return 'SESSIONEXPIRED';
  if (!validPath(op.path)) return 'BADARGUMENTS';
  const n = t.nodes.get(op.path);
  if (n === undefined) return 'NONODE';
  if (op.path === CONFIG) return 'NOAUTH';
  if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
  const written: RefNode = { ...n, data: op.data, mzxid: ctx.zxid, mtime: ctx.time, version: n.version + 1 };
  const tree = refPut(t, op.path, written);
  return { tree, res: { type: 'setData', stat: refStat(tree, op.path, written) } };
}

function check(t: RefTree, op: Extract<MultiOp, { type: 'check' }>, session: string): Outcome {
  if (!t.sessions.has(session)) return 'SESSIONEXPIRED';
  if (!validPath(op.path)) return 'BADARGUMENTS';
  const n = t.nodes.get(op.path);
  if (n === undefined) return 'NONODE';
  if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
  return { tree: t, res: { type: 'check' } };
}

function runOp(t: RefTree, op: MultiOp, session: string, ctx: TxnCtx): Outcome {
  switch (op.type) {
    case 'create':
      return create(t, op, session, ctx);
    case 'delete':
      return remove(t, op, session, ctx);
    case 'setData':
      return setData(t, op, session, ctx);
    case 'check':
      return check(t, op, session);
  }
}

/** All ops against the changes of the ones before, all or nothing; a failure names OK / its error / RUNTIMEINCONSISTENCY per op. */
function multi(t: RefTree, ops: readonly MultiOp[], session: string, ctx: TxnCtx): RefApplied {
  let tree = t;
  const results: OpResult[] = [];
  const triggers: WatchTrigger[] = [];
  for (let i = 0; i < ops.length; i++) {
    const r = runOp(tree, ops[i], session, ctx);
    if (typeof r === 'string') {
      const per = ops.map((_, j): OpResult => ({ type: 'error', code: j < i ? 'OK' : j === i ? r : 'RUNTIMEINCONSISTENCY' }));
      return { tree: t, result: { ok: false, type: 'multi', code: r, results: per }, triggers: [] };
    }
    triggers.push(...changes(tree, r.tree, ctx.zxid));
    tree = r.tree;
    results.push(r.res);
  }
  return { tree, result: { ok: true, type: 'multi', results }, triggers };
}

function closeSession(t: RefTree, session: string, ctx: TxnCtx): RefApplied {
  if (!t.sessions.has(session)) return { tree: t, result: { ok: true, type: 'closeSession', deleted: [] }, triggers: [] };
  const doomed = refEphemerals(t, session);
  const sessions = new Set(t.sessions);
  sessions.delete(session);
  let tree: RefTree = { nodes: t.nodes, sessions };
  for (const p of doomed) tree = unlink(tree, p, ctx.zxid);
  return new Applied(t, tree, { ok: true, type: 'closeSession', deleted: doomed }, ctx.zxid);
}

function deleteContainer(t: RefTree, path: string, ctx: TxnCtx): Outcome {
  if (!validPath(path) || SYSTEM.has(path)) return 'BADARGUMENTS';
  const n = t.nodes.get(path);
  if (n === undefined) return 'NONODE';
  if (refChildren(t, path).length > 0) return 'NOTEMPTY';
  if (isSessionOwned(n)) return 'BADVERSION';
  if (!t.nodes.has(parentPath(path) as string)) return 'NONODE';
  return { tree: unlink(t, path, ctx.zxid), res: { type: 'delete' } };
}

/** One txn at ctx.zxid: the next tree (the same object when nothing changed), the result and the watch triggers. */
export function refApply(t: RefTree, txn: Txn, ctx: TxnCtx): RefApplied {
  switch (txn.type) {
    case 'multi':
      return multi(t, txn.ops, txn.session, ctx);
    case 'createSession':
      return t.sessions.has(txn.session)
        ? { tree: t, result: { ok: true, type: 'createSession' }, triggers: [] }
        : { tree: { nodes: t.nodes, sessions: new Set(t.sessions).add(txn.session) }, result: { ok: true, type: 'createSession' }, triggers: [] };
    case 'closeSession':
      return closeSession(t, txn.session, ctx);
    case 'deleteContainer': {
      const r = deleteContainer(t, txn.path, ctx);
      if (typeof r === 'string') return { tree: t, result: { ok: false, type: txn.type, code: r }, triggers: [] };
      return new Applied(t, r.tree, { ok: true, type: txn.type, path: txn.path }, ctx.zxid);
    }
    default: {
      const r = runOp(t, txn, txn.session, ctx);
      if (typeof r === 'string') return { tree: t, result: { ok: false, type: txn.type, code: r }, triggers: [] };
      const res = r.res;
      const result: TxnResult =
        res.type === 'create'
          ? { ok: true, type: 'create', path: res.path, stat: res.stat }
          : res.type === 'setData'
            ? { ok: true, type: 'setData', path: txn.path, stat: res.stat }
            : { ok: true, type: txn.type, path: txn.path };
      return new Applied(t, r.tree, result, ctx.zxid);
    }
  }
}
