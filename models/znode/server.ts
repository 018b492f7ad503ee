// The server (node 0): a single ZooKeeper server holding the tree. It turns each
// write into a txn with the next zxid (a failed write too: an error txn), applies
// it, sends the watch notifications it fired and then the reply, all over the
// FIFO link of each client, so a client always receives an event before any reply
// that reflects the change (FinalRequestProcessor triggers watches while applying
// the txn, before it queues the response). Reads are answered from the tree with
// the last applied zxid in the reply header.
import type { Effects, Input, NodeId, Send, StepResult } from '../../src/model.ts';
import { sessionHex, type SessionId } from './stat.ts';
import { applyTxn, childCreates, CONTAINER_OWNER, emptyTree, forEachNode, getNode, isLive, liveSessions } from './tree.ts';
import type { Txn } from './types.ts';
import { WatchTable, type WatchEvent } from './watches.ts';
import { toTxn, type ZnodeConfig, type ZOp, type ZRequest } from './workload.ts';
import type { AppliedTxn, Reply, ServerState, ZMsg, ZObs } from './messages.ts';
import { znodeVariant } from './mutants.ts';

type R = StepResult<ServerState, ZMsg, ZObs>;
export const SWEEP = 'containers';

export function initServer(cfg: ZnodeConfig): ServerState {
  return { role: 'server', tree: emptyTree(), watches: WatchTable.empty(), zxid: 0, time: 0, conns: Array.from({ length: cfg.clients + 1 }, () => null), sessionsMade: 0, applied: [] };
}

/** Whose process a session belongs to: the node id is the high word of the id the server gave it. */
export function sessionClient(session: SessionId): number {
  return parseInt(session.slice(2, 10), 16);
}

/** Mutable scratch for one step: the state being built, the sends in order, the observations. */
interface Out {
  s: ServerState;
  send: Send<ZMsg>[];
  observe: ZObs[];
  applied: AppliedTxn[];
}

function describe(txn: Txn): string {
  switch (txn.type) {
    case 'create':
      return `create ${txn.path} ${txn.mode}`;
    case 'delete':
      return `delete ${txn.path} v${txn.version}`;
    case 'setData':
      return `setData ${txn.path} v${txn.version}`;
    case 'check':
      return `check ${txn.path} v${txn.version}`;
    case 'multi':
      return `multi(${txn.ops.length})`;
    case 'createSession':
      return `createSession ${txn.session}`;
    case 'closeSession':
      return `closeSession ${txn.session}`;
    case 'deleteContainer':
      return `deleteContainer ${txn.path}`;
  }
}

/** Notifications go to whichever client connection holds the watcher's session. */
function notify(o: Out, events: readonly WatchEvent[]): void {
  for (const e of events) {
    const node = o.s.conns.indexOf(e.watcher);
    if (node > 0) o.send.push({ to: node, msg: { t: 'Watch', type: e.type, path: e.path, zxid: e.zxid } });
  }
}

/** Apply one txn at the next zxid; fire its watches. Returns the notifications (not yet sent). */
function commit(o: Out, txn: Txn, cfg: ZnodeConfig): { result: AppliedTxn['result']; events: WatchEvent[] } {
  const s = o.s;
  const zxid = s.zxid + 1;
  const time = s.time + 1;
  const r = applyTxn(s.tree, txn, { zxid, time, mutant: cfg.mutant });
  const fired = WatchTable.fire(s.watches, r.triggers, cfg.mutant);
  o.s = { ...s, tree: r.tree, watches: fired.table, zxid, time };
  o.applied.push({ zxid, txn, result: r.result, triggers: r.triggers, before: s.tree, after: r.tree });
  o.observe.push(r.result.ok ? { t: 'txn', zxid, what: describe(txn), ok: true } : { t: 'txn', zxid, what: describe(txn), ok: false, code: r.result.code });
  return { result: r.result, events: fired.events };
}

function setConn(o: Out, node: NodeId, session: SessionId | null): void {
  if (o.s.conns[node] === session) return;
  const conns = o.s.conns.slice();
  conns[node] = session;
  o.s = { ...o.s, conns };
}

function dropWatches(o: Out, session: SessionId): void {
  const w = WatchTable.removeWatcher(o.s.watches, session);
  if (w !== o.s.watches) o.s = { ...o.s, watches: w };
}

function read(o: Out, from: NodeId, session: SessionId, op: Extract<ZOp, { t: 'get' | 'exists' | 'children' | 'sync' }>): Reply {
  if (op.t === 'sync') return { ok: true };
  const node = getNode(o.s.tree, op.path);
  const watch = (kind: 'data' | 'exist' | 'child') => {
    if (op.watch) o.s = { ...o.s, watches: WatchTable.register(o.s.watches, kind, op.path, session) };
  };
  if (op.t === 'exists') {
    // exists registers its watch whether or not the node is there: that is how a client waits for a create.
    watch('exist');
    return { ok: true, exists: node !== null, stat: node?.stat ?? null };
  }
  // getData and getChildren on a missing node fail before registering anything.
  if (node === null) return { ok: false, code: 'NONODE' };
  if (op.t === 'get') {
    watch('data');
    return { ok: true, data: node.data, stat: node.stat };
  }
  watch('child');
  return { ok: true, children: node.children, stat: node.stat };
}

function onRequest(o: Out, from: NodeId, m: Extract<ZMsg, { t: 'Req' }>, cfg: ZnodeConfig): void {
  const s = o.s;
  const reply = (res: Reply): void => {
    o.send.push({ to: from, msg: { t: 'Reply', xid: m.xid, k: m.k, zxid: o.s.zxid, res } });
  };
  // A request that arrives on a connection no longer attached to its session
  // (broken, closed or expired since it was sent) is dropped with the connection:
  // the client learns of that from the break or the Expired notice.
  if (s.conns[from] !== m.session) return;
  if (!isLive(s.tree, m.session)) return reply({ ok: false, code: 'SESSIONEXPIRED' });
  const op = m.op;
  if (op.t === 'get' || op.t === 'exists' || op.t === 'children' || op.t === 'sync') return reply(read(o, from, m.session, op));
  const txn = toTxn(op, m.k, m.session) as Txn;
  const { result, events } = commit(o, txn, cfg);
  if (op.t === 'close') {
    // The session's own watches may fire on its ephemerals' deletion; after that they are gone.
    notify(o, events);
    dropWatches(o, m.session);
    setConn(o, from, null);
    o.observe.push({ t: 'session', session: m.session, event: 'closed' });
    return reply({ ok: true });
  }
  const res: Reply = result.ok ? { ok: true, path: result.path, stat: result.stat, results: result.results } : { ok: false, code: result.code, results: result.results };
  if (!znodeVariant(cfg.mutant).watchesBeforeReply) {
    reply(res);
    notify(o, events);
    return;
  }
  notify(o, events);
  reply(res);
}

function onConnect(o: Out, from: NodeId, session: SessionId | null, cfg: ZnodeConfig): void {
  const s = o.s;
  if (session !== null) {
    if (isLive(s.tree, session)) {
      setConn(o, from, session);
      o.observe.push({ t: 'session', session, event: 'resumed' });
      o.send.push({ to: from, msg: { t: 'Connected', session, zxid: o.s.zxid } });
    } else {
      o.send.push({ to: from, msg: { t: 'Expired', session } });
    }
    return;
  }
  const made = s.sessionsMade + 1;
  const id = sessionHex(from, made);
  o.s = { ...s, sessionsMade: made };
  commit(o, { type: 'createSession', session: id }, cfg);
  setConn(o, from, id);
  o.observe.push({ t: 'session', session: id, event: 'created' });
  o.send.push({ to: from, msg: { t: 'Connected', session: id, zxid: o.s.zxid } });
}

/** The leader expires every live session of a client process: its connection is dropped first, then closeSession. */
function expire(o: Out, client: NodeId, cfg: ZnodeConfig): void {
  for (const session of liveSessions(o.s.tree)) {
    if (sessionClient(session) !== client) continue;
    dropWatches(o, session);
    const attached = o.s.conns[client] === session;
    if (attached) setConn(o, client, null);
    const { events } = commit(o, { type: 'closeSession', session }, cfg);
    notify(o, events);
    o.observe.push({ t: 'session', session, event: 'expired' });
    if (attached) o.send.push({ to: client, msg: { t: 'Expired', session } });
  }
}

/** A container that once had a child and has none now: ContainerManager's candidate. */
function sweepable(s: ServerState, path: string): boolean {
  const n = getNode(s.tree, path);
  return n !== null && n.owner === CONTAINER_OWNER && n.children.length === 0 && childCreates(n.stat) > 0;
}

/** ContainerManager's check (a timer here, every checkIntervalMs there): each candidate is deleted by its own deleteContainer txn. */
function sweep(o: Out, cfg: ZnodeConfig): void {
  const victims: string[] = [];
  forEachNode(o.s.tree, (path) => {
    if (sweepable(o.s, path)) victims.push(path);
  });
  for (const path of victims.sort()) notify(o, commit(o, { type: 'deleteContainer', path }, cfg).events);
}

export function stepServer(s0: ServerState, input: Input<ZMsg, ZRequest>, cfg: ZnodeConfig): R {
  const o: Out = { s: s0.applied.length === 0 ? s0 : { ...s0, applied: [] }, send: [], observe: [], applied: [] };
  switch (input.kind) {
    case 'deliver': {
      const m = input.msg;
      if (m.t === 'Req') onRequest(o, input.from, m, cfg);
      else if (m.t === 'Connect') onConnect(o, input.from, m.session, cfg);
      break;
    }
    case 'linkDown': {
      // The connection closed: the server forgets its watches; the session lives on until it expires or is resumed.
      const session = o.s.conns[input.peer];
      if (session !== null && session !== undefined) {
        dropWatches(o, session);
        setConn(o, input.peer, null);
      }
      break;
    }
    case 'client': {
      const r = input.request;
      if (r.t === 'expire') expire(o, r.client, cfg);
      break;
    }
    case 'timeout':
      if (input.timer === SWEEP) sweep(o, cfg);
      break;
    default:
      break;
  }
  if (o.applied.length > 0) o.s = { ...o.s, applied: o.applied };
  const effects: Effects<ZMsg, ZObs> = {};
  // A child left a container empty: the ContainerManager will look at it.
  if (cfg.sweep && o.applied.some((a) => a.triggers.some((t) => t.type === 'NodeChildrenChanged' && sweepable(o.s, t.path)))) effects.timers = { set: [SWEEP] };
  if (o.send.length > 0) effects.send = o.send;
  if (o.observe.length > 0) effects.observe = o.observe;
  return { state: o.s, effects };
}
