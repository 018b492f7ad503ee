// A ZooKeeper server: ZAB (models/zab) decides the txn order, and this layer
// does what ZooKeeperServer's request pipeline does around it. Quorum messages go
// to the ZAB reducer as they are; whatever ZAB has delivered (history up to
// lastCommitted) is applied to the data tree in order (FinalRequestProcessor),
// firing watches first and then answering the client that sent the write, if it
// is connected here. Reads are served from the local tree at once, possibly
// stale. A server only serves clients while it is in ZAB's broadcast phase; when
// it leaves it, it closes every client connection (ZooKeeperServer.shutdown), and
// clients reconnect elsewhere.
import { zkVariant } from './mutants.ts';
import type { Input, NodeId, StepResult } from '../../src/model.ts';
import { emptyTree, getNode, type Tree, type WatchEventType } from '../znode/tree.ts';
import { pmapDelete } from '../znode/pmap.ts';
import { WatchTable } from '../znode/watches.ts';
import { zabModel, type Txn, type WriteRequest, type ZabMsg, type ZabState } from '../zab/index.ts';
import {
  applyPayload,
  clientCount,
  clientIndex,
  clientNode,
  decode,
  encode,
  isRead,
  isServer,
  OP_CREATE_SESSION,
  OP_EXPIRE,
  readOp,
  sessionId,
  txnOf,
  watchOf,
  zabConfig,
  type AppliedPayload,
} from './config.ts';
import { describeTxn } from './describe.ts';
import { T_APPLY, T_EXPIRE, ZkFx } from './fx.ts';
import { dropLease, expiryTick, findLease, needsTick, prep, revalidate, setLease } from './leader.ts';
import type { ClientMsg, Conn, OpResult, ServerState, SessionMsg, ZkConfig, ZkMsg, ZkObs, ZkRequest } from './types.ts';

type R = StepResult<ServerState, ZkMsg, ZkObs>;

export function initServer(zab: ZabState, cfg: ZkConfig): ServerState {
  return {
    kind: 'server',
    zab,
    tree: emptyTree(),
    applied: 0,
    lastZxid: 0,
    lastV: -1,
    serving: isServing(zab),
    conns: new Array<Conn | null>(clientCount(cfg)).fill(null),
    watches: WatchTable.empty(),
    leases: zab.state === 'LEADING' && isServing(zab) ? [] : null,
    ticking: false,
    applying: false,
  };
}

export function isServing(z: ZabState): boolean {
  if (z.state === 'LEADING') return z.lead !== null && z.lead.phase === 'broadcast';
  return (z.state === 'FOLLOWING' || z.state === 'OBSERVING') && z.lphase === 'broadcast';
}

function leading(s: ServerState): boolean {
  return s.zab.state === 'LEADING';
}

export function isZabMsg(m: ZkMsg): m is ZabMsg {
  // ZAB's message types are upper case; the ensemble's own are lower case.
  const c = m.t.charCodeAt(0);
  return c >= 65 && c <= 90;
}

function runZab(s: ServerState, input: Input<ZabMsg, WriteRequest>, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  const r = zabModel.step(s.zab, input, id, zabConfig(cfg));
  fx.absorb(r.effects);
  return r.state === s.zab ? s : { ...s, zab: r.state };
}

function setConn(s: ServerState, c: number, conn: Conn | null): ServerState {
  const conns = s.conns.slice();
  conns[c] = conn;
  return { ...s, conns };
}

/** The connection of client c ends here; a learner stops touching its session (the leader is told). */
function dropConn(s: ServerState, c: number, tellLeader: boolean, fx: ZkFx): ServerState {
  const conn = s.conns[c];
  if (conn === null) return s;
  const out = setConn(s, c, null);
  const watches = WatchTable.removeWatcher(out.watches, String(c));
  if (tellLeader && out.serving && !leading(out)) fx.to(out.zab.leader, { t: 'gone', s: out.zab.sess, c, g: conn.g });
  return { ...out, watches };
}

/** Stop serving: every client connection is closed, the session tracker (if leading) is gone. */
function dropAll(s: ServerState, cfg: ZkConfig, fx: ZkFx): ServerState {
  let any = false;
  for (let c = 0; c < s.conns.length; c++) {
    const conn = s.conns[c];
    if (conn === null) continue;
    any = true;
    fx.to(clientNode(c, cfg), { t: 'dropped', a: conn.a });
  }
  if (s.ticking) fx.disarm(T_EXPIRE);
  return { ...s, conns: any ? s.conns.map(() => null) : s.conns, watches: any ? WatchTable.empty() : s.watches, leases: null, ticking: false };
}

function sendEvent(s: ServerState, c: number, type: WatchEventType, path: string, cfg: ZkConfig, fx: ZkFx): ServerState {
  const conn = s.conns[c];
  if (conn === null) return s;
  const ev: ClientMsg = { t: 'event', a: conn.a, type, path };
  // watch-after-reply: events wait for the next reply to this client.
  if (zkVariant(cfg).watchAfterReply) return setConn(s, c, { ...conn, held: conn.held.concat([ev]) });
  fx.to(clientNode(c, cfg), ev);
  return s;
}

/** Send a reply; the watch events it was held behind go after it (only the watch-after-reply mutant holds any). */
function reply(s: ServerState, c: number, k: number, z: number, res: OpResult, cfg: ZkConfig, fx: ZkFx): ServerState {
  const conn = s.conns[c] as Conn;
  const to = clientNode(c, cfg);
  fx.to(to, { t: 'reply', a: conn.a, k, z, res });
  if (conn.held.length === 0 && conn.wait === -1) return s;
  for (const ev of conn.held) fx.to(to, ev);
  return setConn(s, c, { ...conn, held: [], wait: conn.wait === k ? -1 : conn.wait });
}

/** ZooKeeperServer.submitRequest for a write: the leader checks the session owner first. */
function submit(s: ServerState, v: number, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  let out = s;
  let pv = v;
  if (leading(s) && s.leases !== null) {
    const r = prep(s, v, id, 0, cfg, fx);
    pv = r.v;
    out = { ...out, leases: r.leases };
  }
  return runZab(out, { kind: 'client', request: { v: pv } }, id, cfg, fx);
}

// ---- applying what ZAB delivered ----

function isCloseTxn(v: number, cfg: ZkConfig): boolean {
  const t = txnOf(v, cfg);
  return t !== null && t.type === 'closeSession';
}

function applyOne(s: ServerState, txn: Txn, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  let r: AppliedPayload;
  // ephemeral-survives-on-follower: a follower ends the session but skips DataTree.killSession's deletes.
  if (zkVariant(cfg).ephemeralSurvivesOnFollower && !leading(s) && isCloseTxn(txn.v, cfg)) {
    const p = decode(txn.v);
    r = { tree: { ...s.tree, sessions: pmapDelete(s.tree.sessions, sessionId(p.c, p.g)) }, result: { ok: true }, triggers: [], deleted: [] };
  } else r = applyPayload(s.tree, txn.v, txn.z, cfg);
  fx.note({ t: 'apply', z: txn.z, v: txn.v, ok: r.result.ok, what: describeTxn(txn.v, cfg) });
  let out: ServerState = { ...s, tree: r.tree, lastZxid: txn.z, lastV: txn.v };
  if (r.triggers.length > 0) {
    // fired-watch-kept is the watch table's own watch-fires-twice: the events go
    // out but the one-time watches stay registered.
    const f = WatchTable.fire(out.watches, r.triggers, zkVariant(cfg).firedWatchKept ? 'watch-fires-twice' : null);
    out = { ...out, watches: f.table };
    for (const ev of f.events) out = sendEvent(out, Number(ev.watcher), ev.type, ev.path, cfg, fx);
  }
  const p = decode(txn.v);
  const closes = isCloseTxn(txn.v, cfg) && r.result.ok;
  if (closes && out.leases !== null) out = { ...out, leases: dropLease(out.leases, p.c, p.g) };
  const conn = out.conns[p.c];
  if (conn === null || conn.g !== p.g) return out;
  if (p.op === OP_CREATE_SESSION) {
    if (conn.st !== 'creating') return out;
    fx.to(clientNode(p.c, cfg), { t: 'connected', a: conn.a, g: p.g });
    return setConn(out, p.c, { ...conn, st: 'connected' });
  }
  if (conn.wait === p.op && p.op !== OP_EXPIRE) {
    out = reply(out, p.c, p.op, txn.z, r.result, cfg, fx);
    // The server closes the connection after answering closeSession.
    return closes ? dropConn(out, p.c, false, fx) : out;
  }
  if (closes && !zkVariant(cfg).expiryUntold) {
    // Expired (or closed from elsewhere) while connected here: the client is told, the connection closed.
    fx.to(clientNode(p.c, cfg), { t: 'expired', a: conn.a });
    return dropConn(out, p.c, false, fx);
  }
  return out;
}

function delivered(z: ZabState): number {
  return z.lastCommitted < z.history.length ? z.lastCommitted : z.history.length;
}

/** If what I applied is no longer a prefix of what ZAB delivered, start over from an empty tree. */
function reconcile(s: ServerState, cfg: ZkConfig, fx: ZkFx): ServerState {
  const h = s.zab.history;
  if (s.applied <= delivered(s.zab) && (s.applied === 0 || (h[s.applied - 1].z === s.lastZxid && h[s.applied - 1].v === s.lastV))) return s;
  // Clients must never see state go back: they are disconnected before the reload.
  return { ...dropAll(s, cfg, fx), tree: emptyTree(), applied: 0, lastZxid: 0, lastV: -1 };
}

/** The commit processor's turn: apply every txn ZAB has delivered, in order. */
function catchUp(s: ServerState, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  const h = s.zab.history;
  const lc = delivered(s.zab);
  let out = s;
  if (out.applied >= lc) return out;
  if (zkVariant(cfg).applyOutOfOrder && !leading(out) && lc - out.applied >= 2) {
    // A follower applying a batch of commits newest first.
    for (let i = lc - 1; i >= out.applied; i--) out = applyOne(out, h[i], id, cfg, fx);
    return { ...out, applied: lc, lastZxid: h[lc - 1].z, lastV: h[lc - 1].v };
  }
  for (let i = out.applied; i < lc; i++) out = applyOne(out, h[i], id, cfg, fx);
  return { ...out, applied: lc };
}

/** The tree with every logged txn applied, committed or not (only mutants look at it). */
function speculative(s: ServerState, upTo: number, cfg: ZkConfig): { tree: Tree; z: number; last: OpResult | null } {
  let tree = s.tree;
  let z = s.lastZxid;
  let last: OpResult | null = null;
  for (let i = s.applied; i < upTo; i++) {
    const t = s.zab.history[i];
    const r = applyPayload(tree, t.v, t.z, cfg);
    tree = r.tree;
    z = t.z;
    last = r.result;
  }
  return { tree, z, last };
}

/** reply-before-commit: a write is answered as soon as its txn is in my log. */
function answerLogged(s: ServerState, cfg: ZkConfig, fx: ZkFx): ServerState {
  let out = s;
  const h = s.zab.history;
  for (let c = 0; c < s.conns.length; c++) {
    const conn = out.conns[c];
    if (conn === null || conn.wait < 0 || conn.st !== 'connected') continue;
    const v = encode(c, conn.g, conn.wait);
    for (let i = out.applied; i < h.length; i++) {
      if ((h[i].v | 1) !== (v | 1)) continue;
      const spec = speculative(out, i + 1, cfg);
      out = reply(out, c, conn.wait, h[i].z, spec.last as OpResult, cfg, fx);
      out = setConn(out, c, { ...(out.conns[c] as Conn), wait: -1 });
      break;
    }
  }
  return out;
}

/** After the step's handler: serving transitions, catching up, the expiry timer. */
function finish(before: ServerState, s: ServerState, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  const z = s.zab;
  const now = isServing(z);
  let out = s;
  if (before.serving && (!now || z.state !== before.zab.state || z.leader !== before.zab.leader || z.sess !== before.zab.sess)) {
    out = { ...dropAll(out, cfg, fx), serving: false };
  }
  if (out.zab !== before.zab) out = reconcile(out, cfg, fx);
  if (now && !out.serving) {
    out = { ...out, serving: true, leases: leading(out) ? [] : null };
    // A new leader loads its whole database before it serves (Leader.lead: zk.loadData()), so its
    // session tracker knows every live session; a learner hands the synced commits to its
    // CommitProcessor and may serve before they are applied.
    if (leading(out)) out = catchUp(out, id, cfg, fx);
    for (let c = 0; c < out.conns.length; c++) {
      const conn = out.conns[c];
      if (conn !== null && conn.st === 'held') out = onConnect(setConn(out, c, null), c, conn, id, cfg, fx);
    }
  }
  if (!out.applying && out.applied < delivered(out.zab)) {
    fx.arm(T_APPLY);
    out = { ...out, applying: true };
  }
  if (zkVariant(cfg).replyBeforeCommit && out.serving) out = answerLogged(out, cfg, fx);
  if (out.leases !== null) {
    const need = needsTick(out, id);
    if (need && !out.ticking) {
      fx.arm(T_EXPIRE);
      out = { ...out, ticking: true };
    } else if (!need && out.ticking) {
      fx.disarm(T_EXPIRE);
      out = { ...out, ticking: false };
    }
  }
  return out;
}

// ---- handlers ----

function refuse(c: number, a: number, why: string, cfg: ZkConfig, fx: ZkFx): void {
  fx.to(clientNode(c, cfg), { t: 'refused', a, why });
  fx.note({ t: 'refuse', c, why });
}

function onConnect(s: ServerState, c: number, m: { a: number; g: number; last: number }, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  if (!s.serving) {
    // Not serving yet (ZooKeeperServer not running): ZooKeeper closes the socket
    // and the client retries; here the attempt waits until I serve, and the
    // client's own timeout can still move it to another server.
    return setConn(s, c, { a: m.a, st: 'held', g: m.g, last: m.last, wait: -1, held: [] });
  }
  // ZooKeeperServer.processConnectRequest: a client that has seen a later zxid than mine must go elsewhere.
  if (m.last > s.lastZxid && !zkVariant(cfg).noLastZxidCheck) {
    refuse(c, m.a, 'behind the client', cfg, fx);
    return s;
  }
  let out = dropConn(s, c, true, fx);
  if (m.g < 0) {
    // A new session; its id comes from this connect attempt.
    fx.to(clientNode(c, cfg), { t: 'wait', a: m.a });
    out = setConn(out, c, { a: m.a, st: 'creating', g: m.a, last: m.last, wait: -1, held: [] });
    return submit(out, encode(c, m.a, OP_CREATE_SESSION), id, cfg, fx);
  }
  if (leading(out) && out.leases !== null) {
    const r = revalidate(out, c, m.g, sessionId(c, m.g), id, 0);
    out = { ...out, leases: r.leases };
    if (!r.ok) {
      fx.to(clientNode(c, cfg), { t: 'expired', a: m.a });
      return out;
    }
    fx.to(clientNode(c, cfg), { t: 'connected', a: m.a, g: m.g });
    return setConn(out, c, { a: m.a, st: 'connected', g: m.g, last: m.last, wait: -1, held: [] });
  }
  fx.to(clientNode(c, cfg), { t: 'wait', a: m.a });
  fx.to(out.zab.leader, { t: 'revalidate', s: out.zab.sess, c, g: m.g, a: m.a });
  return setConn(out, c, { a: m.a, st: 'validating', g: m.g, last: m.last, wait: -1, held: [] });
}

/**
 * DataTree.setWatches: re-register, or fire at once what changed after the
 * client's last zxid. It compares with the current tree only, so an exist watch
 * misses a node created and deleted again while the client was away (as the
 * ZooKeeper Programmer's Guide warns).
 */
function onSetWatches(s: ServerState, c: number, m: Extract<ClientMsg, { t: 'setWatches' }>, cfg: ZkConfig, fx: ZkFx): ServerState {
  let out = s;
  const w = String(c);
  fx.note({ t: 'rewatch', c, z: s.lastZxid });
  for (const r of m.regs) {
    const node = getNode(out.tree, r.path);
    const ev = WatchTable.rewatch(r.kind, node === null ? null : node.stat, m.rel);
    if (ev !== null) out = sendEvent(out, c, ev, r.path, cfg, fx);
    else out = { ...out, watches: WatchTable.register(out.watches, r.kind, r.path, w) };
  }
  return out;
}

function onOp(s: ServerState, c: number, conn: Conn, k: number, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  const op = cfg.ops[c]?.[k];
  if (op === undefined || conn.wait >= 0) return s;
  if (!isRead(op)) return submit(setConn(s, c, { ...conn, wait: k }), encode(c, conn.g, k), id, cfg, fx);
  let tree = s.tree;
  let z = s.lastZxid;
  // read-uncommitted: the leader answers from its log, proposals included.
  if (zkVariant(cfg).readUncommitted && leading(s)) {
    const spec = speculative(s, s.zab.history.length, cfg);
    tree = spec.tree;
    z = spec.z;
  }
  const res = readOp(tree, op);
  let out = s;
  const kind = watchOf(op, res);
  if (kind !== null) out = { ...out, watches: WatchTable.register(out.watches, kind, op.path, String(c)) };
  return reply(out, c, k, z, res, cfg, fx);
}

function onClientMsg(s: ServerState, from: NodeId, m: ClientMsg, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  const c = clientIndex(from, cfg);
  if (m.t === 'connect') return onConnect(s, c, m, id, cfg, fx);
  const conn = s.conns[c];
  if (conn === null || conn.a !== m.a) return s;
  switch (m.t) {
    case 'bye':
      return dropConn(s, c, true, fx);
    case 'setWatches':
      return conn.st === 'connected' ? onSetWatches(s, c, m, cfg, fx) : s;
    case 'op':
      return conn.st === 'connected' ? onOp(s, c, conn, m.k, id, cfg, fx) : s;
    default:
      return s;
  }
}

function onSessionMsg(s: ServerState, from: NodeId, m: SessionMsg, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  if (m.t === 'revalidated') {
    if (!s.serving || leading(s) || from !== s.zab.leader || m.s !== s.zab.sess) return s;
    const conn = s.conns[m.c];
    if (conn === null || conn.st !== 'validating' || conn.g !== m.g || conn.a !== m.a) return s;
    if (!m.ok) {
      fx.to(clientNode(m.c, cfg), { t: 'expired', a: conn.a });
      return dropConn(s, m.c, false, fx);
    }
    fx.to(clientNode(m.c, cfg), { t: 'connected', a: conn.a, g: m.g });
    return setConn(s, m.c, { ...conn, st: 'connected' });
  }
  // Leader side: only from a learner connection I have, in broadcast.
  const ls = s.leases;
  const p = s.zab.lead?.peers[from] ?? null;
  if (ls === null || p === null || p.s !== m.s || p.st !== 'active') return s;
  if (m.t === 'revalidate') {
    const r = revalidate(s, m.c, m.g, sessionId(m.c, m.g), from, m.s);
    fx.to(from, { t: 'revalidated', s: m.s, c: m.c, g: m.g, a: m.a, ok: r.ok });
    return { ...s, leases: r.leases };
  }
  const l = findLease(ls, m.c, m.g);
  if (l === null || l.owner !== from || l.os !== m.s || l.left) return s;
  return { ...s, leases: setLease(ls, { ...l, left: true }) };
}

function onExpireTick(s: ServerState, id: NodeId, cfg: ZkConfig, fx: ZkFx): ServerState {
  if (s.leases === null || !leading(s)) return { ...s, ticking: false };
  const t = expiryTick(s, id, fx);
  let out: ServerState = { ...s, leases: t.leases, ticking: false };
  for (const v of t.expire) out = runZab(out, { kind: 'client', request: { v } }, id, cfg, fx);
  return out;
}

export function stepServer(s: ServerState, input: Input<ZkMsg, ZkRequest>, id: NodeId, cfg: ZkConfig): R {
  const fx = new ZkFx();
  let next: ServerState;
  switch (input.kind) {
    case 'start':
      // A warm start is already serving: ZAB has nothing to start.
      next = s.serving ? s : runZab(s, input, id, cfg, fx);
      break;
    case 'restart':
    case 'flushed':
      next = runZab(s, input, id, cfg, fx);
      break;
    case 'timeout':
      if (input.timer === T_EXPIRE) next = onExpireTick(s, id, cfg, fx);
      else if (input.timer === T_APPLY) next = catchUp({ ...s, applying: false }, id, cfg, fx);
      else next = runZab(s, input, id, cfg, fx);
      break;
    case 'deliver': {
      const m = input.msg;
      if (isZabMsg(m)) {
        let msg = m;
        // A forwarded write passes the leader's session check before ZAB proposes it.
        if (m.t === 'REQUEST' && s.leases !== null && leading(s)) {
          const p = s.zab.lead?.peers[input.from] ?? null;
          if (p !== null && p.s === m.s) {
            const r = prep(s, m.v, input.from, m.s, cfg, fx);
            s = { ...s, leases: r.leases };
            if (r.v !== m.v) msg = { ...m, v: r.v };
          }
        }
        next = runZab(s, { kind: 'deliver', from: input.from, msg }, id, cfg, fx);
      } else if (isServer(input.from, cfg)) next = onSessionMsg(s, input.from, m as SessionMsg, id, cfg, fx);
      else next = onClientMsg(s, input.from, m as ClientMsg, id, cfg, fx);
      break;
    }
    case 'linkDown':
      next = isServer(input.peer, cfg) ? runZab(s, input, id, cfg, fx) : dropConn(s, clientIndex(input.peer, cfg), true, fx);
      break;
    case 'client':
      next = s;
      break;
  }
  return { state: finish(s, next, id, cfg, fx), effects: fx.effects() };
}
