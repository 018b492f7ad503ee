// What ZooKeeper promises its clients (../shared/history-format.md, "What
// ZooKeeper promises"), checked on the ensemble model after every step.
//
// The ghost is the judge. It learns the committed txn sequence from the ZAB
// states of the servers (history up to lastCommitted, the order ZAB guarantees)
// and applies it to its own data tree with the reference semantics
// (src/oracle/reference: no code shared with the znode model the servers run),
// so it knows the committed state and every txn's result and the watch
// triggers its changes call for at each zxid. It also folds in what each
// client observed (issue, reply, watch event, lost op, session), the history a
// recorder would write, and, per zxid, the tree of the first replica seen there.
import * as fc from 'fast-check';
import { memberCountArb } from '../src/explore/arbitrary.ts';
import type { z as Z } from 'zod';
import type { Invariant, Liveness, Probe, Protocol } from '../src/protocol.ts';
import { zabProfiles } from './profiles.ts';
import type { World } from '../src/world.ts';
import type { NodeId } from '../src/model.ts';
import { budgetSchema, InputError, lazySchema, parseWith } from '../src/config.ts';
import { initZabGhost, updateZabGhost, zabInvariants, zabLiveness, zabVersionFields, type ZabGhost } from './zab.ts';
import { fmtZxid, type ZabMsg, type ZabObs, type ZabState } from '../models/zab/index.ts';
import { CREATE_MODES, getNode, paths, treeEquals, type Tree, type WatchEventType, type WatchTrigger } from '../models/znode/tree.ts';
import { ephemeralOutlived, firstFiring, replyReflectsChange, sessionOrderBroken } from '../src/oracle/guarantees.ts';
import { refApply, refEmpty, refGet, type RefTree } from '../src/oracle/reference/index.ts';
import type { WatchKind } from '../models/znode/watches.ts';
import { pmapEmpty, pmapGet, pmapSet, type PMap } from '../models/znode/pmap.ts';
import {
  clientIndex,
  clientResult,
  decode,
  describeOp,
  describeResult,
  describeTxn,
  isRead,
  MAX_OPS,
  nodeCount,
  readNode,
  OP_EXPIRE,
  sameResult,
  serverCount,
  sessionId,
  txnOf,
  watchOf,
  makeZkModel,
  isServer,
  zabConfig,
  warmStates,
  type WarmStart,
  zkRender,
  ZK_MUTANTS,
  type OpResult,
  type ServerState,
  type ZkConfig,
  type ZkMsg,
  type ZkObs,
  type ZkOp,
  type ZkRequest,
  type ZkState,
} from '../models/zk/index.ts';

/** One committed txn as the ghost's own tree applied it. */
export interface CommitRec {
  readonly z: number;
  readonly v: number;
  /** The committed state right after this txn (the reference tree). */
  readonly tree: RefTree;
  readonly result: OpResult;
  readonly triggers: readonly WatchTrigger[];
}

/** An active watch registration of a client, with the zxid of the read that set it. */
interface GReg {
  readonly path: string;
  readonly kind: WatchKind;
  readonly since: number;
}

interface Issued {
  readonly c: number;
  readonly k: number;
  /** The largest zxid of a write answered (to anyone) before this one was issued. */
  readonly floor: number;
}

interface Closed {
  readonly sid: string;
  readonly z: number;
  readonly paths: readonly string[];
}

export interface ZkGhost {
  /** The configuration's voter count (liveness properties get no configuration). */
  readonly voters: number;
  /** Per server, the last applied zxid the ghost saw (to notice applies cheaply). */
  readonly appliedSeen: readonly number[];
  readonly committed: readonly CommitRec[];
  /** Per zxid, the first replica tree seen at it, and whose. */
  readonly firsts: PMap<{ readonly tree: Tree; readonly by: NodeId }>;
  /** Per client: the largest zxid it has seen in a reply. */
  readonly seen: readonly number[];
  /** Per client: its ops in the order it issued them. */
  readonly order: readonly (readonly number[])[];
  /** Per client: position (in `order`) of the last op answered, and of the last op that took effect. */
  readonly answeredPos: readonly number[];
  readonly effectPos: readonly number[];
  readonly regs: readonly (readonly GReg[])[];
  /**
   * Per client: true from the server's SetWatches for it until its next reply or
   * connection change, and the re-sent watches an earlier event of that
   * SetWatches consumed on the client although the server fires them one by one
   * (WatchFiresOnce, SETWATCH_FIRES).
   */
  readonly rewatching: readonly boolean[];
  readonly spares: readonly (readonly GReg[])[];
  readonly issued: readonly Issued[];
  readonly maxAnswered: number;
  readonly closed: readonly Closed[];
  readonly epochs: readonly number[];
  /** First violation message per client-history invariant. */
  readonly err: Readonly<Record<string, string>>;
  readonly flags: number;
  /** The servers' ZAB as the zab model's ghost sees it (one ZAB core, one set of ZAB properties). */
  readonly zab: ZabGhost;
}

const F_WRITE_ANSWERED = 1;
const F_STALE_READ = 2;
const F_RECONNECT = 4;
const F_EXPIRED_EPHEMERALS = 8;
const F_WATCH = 16;
const F_REFUSED_BEHIND = 32;
const F_MOVED = 64;
const F_LOST = 128;
const F_WRITE_ERROR = 256;
const F_CLOSED = 512;

type W = World<ZkState, ZkMsg, ZkGhost>;

/**
 * The watches an event consumes, as ZooKeeper documents them (Programmer's
 * Guide, "Semantics of Watches": a data or exists watch is triggered by the
 * node's creation, data change and deletion, a child watch by a change of its
 * children and its deletion). Stated here, not read from the table the
 * servers and clients fire by (models/znode FIRED_KINDS).
 */
const CONSUMES: Readonly<Record<WatchEventType, readonly WatchKind[]>> = {
  NodeCreated: ['data', 'exist'],
  NodeDataChanged: ['data', 'exist'],
  NodeDeleted: ['data', 'exist', 'child'],
  NodeChildrenChanged: ['child'],
};

/**
 * The event a re-sent watch can fire when the server takes SetWatches
 * (DataTree.setWatches): one per re-sent watch, each list on its own. So a
 * client re-sending a data and a child watch on a node deleted while it was
 * away gets NodeDeleted twice, and the first already consumed both watches on
 * the client (CONSUMES): the second is the child watch's own event, not a
 * watch firing twice.
 */
const SETWATCH_FIRES: Readonly<Record<WatchKind, readonly WatchEventType[]>> = {
  data: ['NodeDeleted', 'NodeDataChanged'],
  exist: ['NodeCreated'],
  child: ['NodeDeleted', 'NodeChildrenChanged'],
};

const INITIAL_TREE = refEmpty();
const NONE: readonly never[] = Object.freeze([]);

function setAt<T>(xs: readonly T[], i: number, v: T): T[] {
  const out = xs.slice();
  out[i] = v;
  return out;
}

/** Index of the committed txn with zxid z, or -1. */
export function commitIndex(cs: readonly CommitRec[], z: number): number {
  let lo = 0;
  let hi = cs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = cs[mid].z;
    if (x === z) return mid;
    if (x < z) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The committed state at zxid z (0: the empty tree), or null when z is not a committed zxid. */
function stateAt(g: ZkGhost, z: number): RefTree | null {
  if (z === 0) return INITIAL_TREE;
  const i = commitIndex(g.committed, z);
  return i < 0 ? null : g.committed[i].tree;
}

function lastCommitted(g: ZkGhost): number {
  return g.committed.length === 0 ? 0 : g.committed[g.committed.length - 1].z;
}

function fail(g: ZkGhost, inv: string, msg: string): ZkGhost {
  if (g.err[inv] !== undefined) return g;
  return { ...g, err: { ...g.err, [inv]: msg } };
}

const MOVED: OpResult = Object.freeze({ ok: false, code: 'SESSIONMOVED' as const });
const NO_PATHS: readonly string[] = Object.freeze([]);

/**
 * Committed payload v at zxid z through the reference semantics: the result a
 * client must get, the triggers the change calls for, the ephemerals a close
 * deletes. ctime and mtime are the zxid (the model's logical clock).
 */
function applySpec(tree: RefTree, v: number, z: number, cfg: ZkConfig): { tree: RefTree; result: OpResult; triggers: readonly WatchTrigger[]; deleted: readonly string[] } {
  const txn = txnOf(v, cfg);
  if (txn === null) return { tree, result: MOVED, triggers: NONE, deleted: NO_PATHS };
  const r = refApply(tree, txn, { zxid: z, time: z });
  const res = r.result;
  return { tree: r.tree, result: clientResult(txn, res), triggers: r.triggers, deleted: res.ok && res.deleted ? res.deleted : NO_PATHS };
}

/** Extend the committed sequence from a server's ZAB state, applying it to the ghost's tree. */
function learnCommits(g: ZkGhost, s: ServerState, cfg: ZkConfig): ZkGhost {
  const h = s.zab.history;
  const lc = Math.min(s.zab.lastCommitted, h.length);
  if (lc <= g.committed.length) return g;
  let out = g;
  const committed = g.committed.slice();
  let tree = committed.length === 0 ? INITIAL_TREE : committed[committed.length - 1].tree;
  for (let k = committed.length; k < lc; k++) {
    const t = h[k];
    const r = applySpec(tree, t.v, t.z, cfg);
    tree = r.tree;
    committed.push({ z: t.z, v: t.v, tree, result: r.result, triggers: r.triggers });
    const p = decode(t.v);
    if (p.moved) {
      out = { ...out, flags: out.flags | F_MOVED };
      continue;
    }
    if (p.op === OP_EXPIRE || cfg.ops[p.c]?.[p.op]?.op === 'close') {
      if (r.deleted.length > 0 && p.op === OP_EXPIRE) out = { ...out, flags: out.flags | F_EXPIRED_EPHEMERALS };
      out = { ...out, closed: out.closed.concat([{ sid: sessionId(p.c, p.g), z: t.z, paths: r.deleted }]) };
    }
    if (p.op >= MAX_OPS) continue;
    // SessionFIFO: a session's ops take effect in the order it issued them. A
    // request refused for its session (closed or expired: SESSIONEXPIRED) takes
    // none: ZooKeeper checks the session before anything else, and a request
    // can outlive its session when the client gave up on its connection.
    const refused = !r.result.ok && r.result.code === 'SESSIONEXPIRED';
    const pos = refused ? -1 : out.order[p.c].indexOf(p.op);
    if (pos >= 0 && pos < out.effectPos[p.c]) {
      out = fail(out, 'SessionFIFO', `c${p.c}'s op ${p.op} (${describeOp(cfg.ops[p.c][p.op])}) took effect at ${fmtZxid(t.z)}, after its later op ${out.order[p.c][out.effectPos[p.c]]}`);
    }
    if (pos >= 0 && pos > out.effectPos[p.c]) out = { ...out, effectPos: setAt(out.effectPos, p.c, pos) };
    // LinearizableWrites, real time: a write issued after another was answered gets a later zxid.
    const iss = out.issued.find((x) => x.c === p.c && x.k === p.op);
    if (iss !== undefined && t.z <= iss.floor) {
      out = fail(out, 'LinearizableWrites', `c${p.c}'s op ${p.op} took effect at ${fmtZxid(t.z)}, but a write answered before it was issued had zxid ${fmtZxid(iss.floor)}`);
    }
  }
  return { ...out, committed };
}

function onServer(g: ZkGhost, node: NodeId, s: ServerState, cfg: ZkConfig): ZkGhost {
  let out = learnCommits(g, s, cfg);
  const L = s.zab.lead;
  if (L !== null && s.serving && !out.epochs.includes(L.epoch)) out = { ...out, epochs: out.epochs.concat([L.epoch]) };
  if (s.lastZxid !== out.appliedSeen[node]) {
    out = { ...out, appliedSeen: setAt(out.appliedSeen, node, s.lastZxid) };
    if (s.lastZxid > 0 && pmapGet(out.firsts, String(s.lastZxid)) === undefined) {
      out = { ...out, firsts: pmapSet(out.firsts, String(s.lastZxid), { tree: s.tree, by: node }) };
    }
  }
  return out;
}

/** The committed changes after zxid `since`, in zxid order. */
function* changesAfter(cs: readonly CommitRec[], since: number): Generator<{ z: number; type: WatchTrigger['type']; path: string }> {
  let i = cs.length;
  while (i > 0 && cs[i - 1].z > since) i--;
  for (; i < cs.length; i++) for (const t of cs[i].triggers) yield { z: cs[i].z, type: t.type, path: t.path };
}

/** WatchBeforeData: a reply at zxid z must not reflect a change to a watched path whose event has not arrived. */
function checkWatches(g: ZkGhost, c: number, z: number, what: string): ZkGhost {
  for (const r of g.regs[c]) {
    if (z <= r.since) continue;
    // The guarantee itself is shared with check-history (src/oracle/guarantees.ts).
    const t = firstFiring(changesAfter(g.committed, r.since), r.path, r.kind, r.since);
    if (t !== null && replyReflectsChange(z, t.z)) {
      return fail(g, 'WatchBeforeData', `c${c} got ${what} at ${fmtZxid(z)} reflecting ${t.type} of ${r.path} at ${fmtZxid(t.z)} before the event of its ${r.kind} watch (set at ${fmtZxid(r.since)})`);
    }
  }
  return g;
}

/**
 * SetWatches re-registered client c's watches at zxid z. An exist watch whose
 * node is still missing there owes nothing for what happened before z: the
 * server only compares with its current tree, so a node created and deleted
 * while the client was disconnected is missed, as ZooKeeper documents.
 */
function rewatch(g0: ZkGhost, c: number, z: number): ZkGhost {
  const g: ZkGhost = { ...g0, rewatching: setAt(g0.rewatching, c, true), spares: setAt(g0.spares, c, NONE) };
  const t = stateAt(g, z);
  if (t === null) return g;
  let changed = false;
  const regs = g.regs[c].map((r) => {
    if (r.kind !== 'exist' || r.since >= z || refGet(t, r.path) !== null) return r;
    changed = true;
    return { ...r, since: z };
  });
  return changed ? { ...g, regs: setAt(g.regs, c, regs) } : g;
}

function onReply(g: ZkGhost, c: number, k: number, z: number, res: OpResult, cfg: ZkConfig): ZkGhost {
  const op = cfg.ops[c][k];
  let out = g;
  const what = `the reply to op ${k} (${describeOp(op)})`;
  // SessionFIFO: answered in the order issued.
  const pos = out.order[c].indexOf(k);
  if (pos <= out.answeredPos[c]) out = fail(out, 'SessionFIFO', `c${c}'s op ${k} was answered after its later op ${out.order[c][out.answeredPos[c]]}`);
  out = { ...out, answeredPos: setAt(out.answeredPos, c, pos) };
  out = checkWatches(out, c, z, what);
  if (isRead(op)) {
    if (sessionOrderBroken({ seen: out.seen[c], wrote: -1 }, false, z) !== null)
      out = fail(out, 'MonotonicReads', `c${c}'s op ${k} (${describeOp(op)}) read state at ${fmtZxid(z)}, older than ${fmtZxid(out.seen[c])} it had already seen`);
    const t = stateAt(out, z);
    if (t === null)
      out = fail(out, 'ReadsCommitted', `c${c}'s op ${k} (${describeOp(op)}) was answered at ${fmtZxid(z)}, which is not a committed zxid (committed up to ${fmtZxid(lastCommitted(out))})`);
    else {
      const want = readNode(refGet(t, op.path), op);
      if (!sameResult(want, res))
        out = fail(out, 'ReadsCommitted', `c${c}'s op ${k} (${describeOp(op)}) at ${fmtZxid(z)} returned ${describeResult(res)}; the committed state there gives ${describeResult(want)}`);
    }
    if (z < lastCommitted(out)) out = { ...out, flags: out.flags | F_STALE_READ };
    const kind = watchOf(op, res);
    if (kind !== null && !out.regs[c].some((r) => r.path === op.path && r.kind === kind)) {
      out = { ...out, regs: setAt(out.regs, c, out.regs[c].concat([{ path: op.path, kind, since: z }])) };
    }
  } else {
    const i = commitIndex(out.committed, z);
    if (i < 0) out = fail(out, 'LinearizableWrites', `c${c}'s op ${k} (${describeOp(op)}) was answered at ${fmtZxid(z)}, which is not committed (committed up to ${fmtZxid(lastCommitted(out))})`);
    else {
      const rec = out.committed[i];
      const p = decode(rec.v);
      if (p.c !== c || p.op !== k) out = fail(out, 'LinearizableWrites', `c${c}'s op ${k} (${describeOp(op)}) was answered at ${fmtZxid(z)}, where ${describeTxn(rec.v, cfg)} was committed`);
      else if (!sameResult(rec.result, res))
        out = fail(out, 'LinearizableWrites', `c${c}'s op ${k} (${describeOp(op)}) at ${fmtZxid(z)} returned ${describeResult(res)}; applied in zxid order it gives ${describeResult(rec.result)}`);
    }
    out = { ...out, maxAnswered: z > out.maxAnswered ? z : out.maxAnswered, flags: out.flags | (res.ok ? F_WRITE_ANSWERED : F_WRITE_ERROR) };
  }
  if (z > out.seen[c]) out = { ...out, seen: setAt(out.seen, c, z) };
  return out;
}

/**
 * WatchFiresOnce: a watch is a one-time trigger, so an event must consume a
 * watch the client set (by a read, or re-sent with SetWatches) that no event
 * consumed yet; or, while its SetWatches is answered, be the own event of a
 * re-sent watch an earlier event consumed on the client (SETWATCH_FIRES).
 */
function onEvent(g: ZkGhost, c: number, type: WatchEventType, path: string): ZkGhost {
  const kinds = CONSUMES[type];
  const regs = g.regs[c];
  const consumed = regs.filter((r) => r.path === path && kinds.includes(r.kind));
  if (consumed.length === 0) {
    const spares = g.spares[c];
    const k = spares.findIndex((r) => r.path === path && SETWATCH_FIRES[r.kind].includes(type));
    if (k < 0) return fail({ ...g, flags: g.flags | F_WATCH }, 'WatchFiresOnce', `c${c} got ${type} of ${path}, but it has no ${kinds.join('/')} watch on it left to fire`);
    return {
      ...g,
      spares: setAt(
        g.spares,
        c,
        spares.filter((_, j) => j !== k),
      ),
      flags: g.flags | F_WATCH,
    };
  }
  const left = regs.filter((r) => !consumed.includes(r));
  let out: ZkGhost = { ...g, regs: setAt(g.regs, c, left), flags: g.flags | F_WATCH };
  if (g.rewatching[c]) {
    // One of the consumed watches fired this event; the others may still fire their own.
    const own = consumed.findIndex((r) => SETWATCH_FIRES[r.kind].includes(type));
    const rest = consumed.filter((_, j) => j !== own);
    if (rest.length > 0) out = { ...out, spares: setAt(out.spares, c, out.spares[c].concat(rest)) };
  }
  return out;
}

function endRewatch(g: ZkGhost, c: number): ZkGhost {
  return g.rewatching[c] ? { ...g, rewatching: setAt(g.rewatching, c, false), spares: setAt(g.spares, c, NONE) } : g;
}

function onClient(g: ZkGhost, c: number, obs: readonly ZkObs[], cfg: ZkConfig): ZkGhost {
  let out = g;
  for (const o of obs) {
    switch (o.t) {
      case 'issue': {
        out = { ...out, order: setAt(out.order, c, out.order[c].concat([o.k])) };
        if (!isRead(cfg.ops[c][o.k])) out = { ...out, issued: out.issued.concat([{ c, k: o.k, floor: out.maxAnswered }]) };
        break;
      }
      case 'reply':
        out = endRewatch(onReply(out, c, o.k, o.z, o.res, cfg), c);
        break;
      case 'event':
        out = onEvent(out, c, o.type, o.path);
        break;
      case 'session':
        out = endRewatch(out, c);
        if (!o.fresh) out = { ...out, flags: out.flags | F_RECONNECT };
        break;
      case 'lost':
        out = { ...out, flags: out.flags | F_LOST };
        break;
      case 'ended':
        out = { ...endRewatch(out, c), regs: setAt(out.regs, c, NONE), flags: o.why === 'closed' ? out.flags | F_CLOSED : out.flags };
        break;
      default:
        break;
    }
  }
  return out;
}

function updateGhost(g0: ZkGhost, node: NodeId, s: ZkState | null, obs: readonly ZkObs[] | undefined, cfg: ZkConfig, lostWrites: number | undefined): ZkGhost {
  let g = g0;
  if (isServer(node, cfg)) {
    const zab = updateZabGhost(g.zab, node, s === null ? null : (s as ServerState).zab, obs as readonly ZabObs[] | undefined, zabConfig(cfg), lostWrites);
    if (zab !== g.zab) g = { ...g, zab };
  }
  if (obs !== undefined) {
    for (const o of obs) {
      if (o.t === 'rewatch') g = rewatch(g, o.c, o.z);
      else if (o.t === 'refuse' && o.why === 'behind the client') g = { ...g, flags: g.flags | F_REFUSED_BEHIND };
    }
  }
  if (s === null) return g;
  if (s.kind === 'server') return onServer(g, node, s, cfg);
  return obs === undefined ? g : onClient(g, clientIndex(node, cfg), obs, cfg);
}

function initGhost(cfg: ZkConfig): ZkGhost {
  const n = cfg.ops.length;
  return {
    voters: cfg.voters,
    appliedSeen: new Array(cfg.voters + cfg.observers).fill(0),
    committed: NONE,
    firsts: pmapEmpty(),
    seen: new Array(n).fill(0),
    order: new Array(n).fill(NONE),
    answeredPos: new Array(n).fill(-1),
    effectPos: new Array(n).fill(-1),
    regs: new Array(n).fill(NONE),
    rewatching: new Array(n).fill(false),
    spares: new Array(n).fill(NONE),
    issued: NONE,
    maxAnswered: 0,
    closed: NONE,
    epochs: NONE,
    err: {},
    flags: 0,
    zab: initZabGhost(zabConfig(cfg)),
  };
}

/** The first difference between two trees, in words. */
function treeDiff(a: Tree, b: Tree): string {
  const pa = paths(a);
  const pb = paths(b);
  for (const p of pa) if (getNode(b, p) === null) return `${p} exists only in the first`;
  for (const p of pb) if (getNode(a, p) === null) return `${p} exists only in the second`;
  for (const p of pa) {
    const x = getNode(a, p)!;
    const y = getNode(b, p)!;
    if (x.data !== y.data) return `${p} holds ${x.data} vs ${y.data}`;
    if (JSON.stringify(x.stat) !== JSON.stringify(y.stat)) return `${p} has stat ${JSON.stringify(x.stat)} vs ${JSON.stringify(y.stat)}`;
  }
  return 'their live sessions differ';
}

function servers(w: W, prev: W, cfg: ZkConfig, f: (i: number, s: ServerState) => string | null): string | null {
  const n = serverCount(cfg);
  for (let i = 0; i < n; i++) {
    const s = w.nodes[i];
    if (s === null || s === prev.nodes[i]) continue;
    const p = prev.nodes[i] as ServerState | null;
    if (p !== null && p.tree === (s as ServerState).tree && p.lastZxid === (s as ServerState).lastZxid) continue;
    const m = f(i, s as ServerState);
    if (m !== null) return m;
  }
  return null;
}

const fromGhost = (name: string, description: string): Invariant<W> => ({
  name,
  description,
  check: (w) => w.ghost.err[name] ?? null,
});

export function zkInvariants(cfg: ZkConfig): Invariant<W>[] {
  const label = (i: number) => zkRender.node(i, cfg);
  return [
    ...zabInvariants(zabConfig(cfg)).map((inv) => ({ name: inv.name, description: inv.description, check: (w: W, prev: W) => inv.check(zabView(w), zabView(prev)) })),
    {
      name: 'EphemeralsVanish',
      description: 'once a replica applied the closeSession (close or expiry) of a session, none of its ephemerals remain there',
      check(w, prev) {
        const closed = w.ghost.closed;
        if (closed.length === 0) return null;
        return servers(w, prev, cfg, (i, s) => {
          for (const c of closed) {
            if (!ephemeralOutlived(c.z, s.lastZxid)) continue;
            for (const p of c.paths) {
              const n = getNode(s.tree, p);
              if (n !== null && n.stat.ephemeralOwner === c.sid)
                return `${label(i)} applied up to ${fmtZxid(s.lastZxid)}, past the close of session ${c.sid} at ${fmtZxid(c.z)}, and still has its ephemeral ${p}`;
            }
          }
          return null;
        });
      },
    },
    {
      name: 'ReplicasAgree',
      description: 'replicas that applied the same zxid have identical data trees (nodes, data, stats, live sessions)',
      check(w, prev) {
        return servers(w, prev, cfg, (i, s) => {
          if (s.lastZxid === 0) return null;
          const ref = pmapGet(w.ghost.firsts, String(s.lastZxid));
          if (ref === undefined || ref.by === i || ref.tree === s.tree || treeEquals(ref.tree, s.tree)) return null;
          return `${label(ref.by)} and ${label(i)} applied up to ${fmtZxid(s.lastZxid)} but their trees differ: ${treeDiff(ref.tree, s.tree)}`;
        });
      },
    },
    fromGhost('LinearizableWrites', "a write's reply is its result applied in zxid order, it is answered only once committed, and a write issued after another was answered gets a later zxid"),
    fromGhost('SessionFIFO', "a session's operations take effect, and are answered, in the order it issued them"),
    fromGhost('MonotonicReads', 'a session never reads a state older than one it has seen (across reconnects too), so it sees its own writes'),
    fromGhost('ReadsCommitted', 'a read returns exactly the committed state at the zxid its reply carries'),
    fromGhost('WatchBeforeData', 'a client gets the watch event before any reply that reflects the change that fired it'),
    fromGhost('WatchFiresOnce', 'a client gets a watch event only for a watch it set (by a read, re-sent by SetWatches) that no earlier event consumed: watches are one-time triggers'),
  ];
}

/** A learner serving under leader l, known to it on its current connection. */
function learnerOf(w: W, j: number, l: number): boolean {
  const s = w.nodes[j];
  const L = w.nodes[l];
  if (s === null || s.kind !== 'server' || !s.serving || s.zab.leader !== l || L === null || L.kind !== 'server') return false;
  const p = L.zab.lead?.peers[j] ?? null;
  return p !== null && p.s === s.zab.sess;
}

/**
 * A server in good standing: it serves under (or is) a leader that serves and
 * that a quorum of voters really follows on their current connections. (The
 * engine can lose a break notice when a node crashes during a partition, and
 * ZAB here has no ping timeout to make up for it: a leader can then believe in
 * a follower that is long gone.)
 */
function healthy(w: W, i: number, voters: number): boolean {
  const s = w.nodes[i];
  if (s === null || s.kind !== 'server' || !s.serving) return false;
  const l = s.zab.state === 'LEADING' ? i : s.zab.leader;
  if (l !== i && !learnerOf(w, i, l)) return false;
  const L = w.nodes[l];
  if (L === null || L.kind !== 'server' || !L.serving || L.zab.state !== 'LEADING') return false;
  let n = 1;
  for (let j = 0; j < voters; j++) if (j !== l && learnerOf(w, j, l)) n++;
  return n > voters / 2;
}

type ZabWorld = World<ZabState, ZabMsg, ZabGhost>;

// The last two views: each step checks every ZAB property on (w, prev), and
// the next step's prev is this step's w.
let lastW: W | null = null;
let lastV: ZabWorld | null = null;
let prevW: W | null = null;
let prevV: ZabWorld | null = null;

/**
 * The ensemble as the ZAB properties read it: the servers' ZAB states, their
 * disks and the ZAB part of the ghost (clients are not ZAB nodes, and the ZAB
 * properties index disks by server).
 */
function zabView(w: W): ZabWorld {
  if (w === lastW) return lastV as ZabWorld;
  if (w === prevW) return prevV as ZabWorld;
  const n = w.ghost.zab.seen.length;
  const nodes: (ZabState | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = w.nodes[i];
    nodes[i] = s === null ? null : (s as ServerState).zab;
  }
  const v: ZabWorld = {
    step: w.step,
    nodes,
    durable: w.durable,
    disk: w.disk,
    io: w.io,
    net: w.net as ZabWorld['net'],
    timers: w.timers,
    partition: w.partition,
    used: w.used,
    nextId: w.nextId,
    pending: w.pending,
    ghost: w.ghost.zab,
  };
  prevW = lastW;
  prevV = lastV;
  lastW = w;
  lastV = v;
  return v;
}

/** Client node i's index among the clients (they are the last nodes; liveness gets no configuration). */
function clientOf(w: W, i: number): number {
  return i - (w.nodes.length - w.ghost.order.length);
}

const liveness: Liveness<W>[] = [
  ...zabLiveness.map((l) => ({ name: l.name, description: l.description, check: (w: W) => l.check(zabView(w)) })),
  {
    name: 'ClientsServed',
    description:
      'at the end of the fair suffix, a client whose session lives and whose server serves in good standing with its leader is connected and has had every operation its application called answered (or lost with a connection)',
    check(w) {
      const n = w.nodes.length;
      for (let i = 0; i < n; i++) {
        const s = w.nodes[i];
        if (s === null || s.kind !== 'client' || s.phase === 'ended' || s.phase === 'idle') continue;
        // The engine drops a break notice still in flight from a node that
        // crashes (a partition's notice, then the crash), so a client or a
        // learner can be left believing in a connection the other end no longer
        // has; real ones find out by a read timeout, which is not modelled.
        // Only clients of a server in good standing are held to account.
        if (!healthy(w, s.server, w.ghost.voters)) continue;
        const srv = w.nodes[s.server] as ServerState;
        const conn = srv.conns[clientOf(w, i)];
        if (s.phase !== 'waiting' && (conn === null || conn.a !== s.a)) continue;
        if (s.phase !== 'connected') return `client node ${i} is still ${s.phase} (server ${s.server}) at step ${w.step}`;
        if (s.out >= 0 || s.ready.length > 0) return `client node ${i} still waits for op ${s.out >= 0 ? s.out : s.ready[0]} at step ${w.step}`;
      }
      return null;
    },
  },
  {
    // FinalRequestProcessor, applying a closeSession, closes that session's
    // connection on the server (the client reconnects and is told it expired).
    name: 'ExpiryNotified',
    description: 'at the end of the fair suffix, no client still believes itself connected, through a server in good standing, in a session whose closeSession is committed',
    check(w) {
      const n = w.nodes.length;
      for (let i = 0; i < n; i++) {
        const s = w.nodes[i];
        if (s === null || s.kind !== 'client' || s.phase !== 'connected' || !healthy(w, s.server, w.ghost.voters)) continue;
        const sid = sessionId(clientOf(w, i), s.g);
        const closed = w.ghost.closed.find((x) => x.sid === sid);
        if (closed !== undefined) return `client node ${i} still believes it is connected in session ${sid}, closed at ${fmtZxid(closed.z)}, at step ${w.step}`;
      }
      return null;
    },
  },
];

const has = (f: number) => (w: W) => (w.ghost.flags & f) !== 0;

const probes: Probe<W>[] = [
  { name: 'write committed and answered', hit: has(F_WRITE_ANSWERED) },
  { name: 'write answered with an error', hit: has(F_WRITE_ERROR) },
  { name: 'read served stale', hit: has(F_STALE_READ) },
  { name: 'client reconnected', hit: has(F_RECONNECT) },
  { name: 'reconnect refused: server behind the client', hit: has(F_REFUSED_BEHIND) },
  { name: 'op lost with its connection', hit: has(F_LOST) },
  { name: 'SESSIONMOVED', hit: has(F_MOVED) },
  { name: 'session expired with ephemerals deleted', hit: has(F_EXPIRED_EPHEMERALS) },
  { name: 'session closed by its client', hit: has(F_CLOSED) },
  { name: 'watch fired', hit: has(F_WATCH) },
  { name: 'leader change', hit: (w) => w.ghost.epochs.length >= 2 },
];

// ---- configurations ----

const configSchema = lazySchema((z) => {
  const opSchema: Z.ZodType<ZkOp> = z.union([
    z.object({ op: z.literal('create'), path: z.string(), mode: z.enum(CREATE_MODES as [string, ...string[]]) }),
    z.object({ op: z.enum(['setData', 'delete']), path: z.string(), version: z.number().int() }),
    z.object({ op: z.enum(['getData', 'exists', 'getChildren']), path: z.string(), watch: z.boolean() }),
    z.object({ op: z.literal('close') }),
  ]) as unknown as Z.ZodType<ZkOp>;

  return z.object({
    mutant: z.string().nullable(),
    voters: z.number().int().min(1).max(7),
    observers: z.number().int().min(0).max(3),
    warm: z.boolean(),
    timeouts: z.boolean(),
    ops: z.array(z.array(opSchema).max(MAX_OPS)).min(1).max(6),
    budget: budgetSchema(),
    ...zabVersionFields(z),
  });
});

function parseConfig(raw: unknown): ZkConfig {
  const cfg = parseWith(configSchema, raw) as ZkConfig;
  const items = cfg.ops.reduce((n, xs) => n + xs.length, 0);
  if (items > 30) throw new InputError(`config.ops: at most 30 operations in all (the scheduler's workload limit), got ${items}`);
  return cfg;
}

const pathArb = fc.constantFrom('/a', '/a', '/a', '/a/c', '/b');
const watchArb = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const readArb = (op: 'exists' | 'getData' | 'getChildren') => fc.record({ op: fc.constant(op), path: pathArb, watch: watchArb });
const opArb: fc.Arbitrary<ZkOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      path: pathArb,
      mode: fc.constantFrom('EPHEMERAL' as const, 'PERSISTENT' as const, 'EPHEMERAL_SEQUENTIAL' as const, 'PERSISTENT_SEQUENTIAL' as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setData' as const), path: pathArb, version: fc.constantFrom(-1, 0, 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), path: pathArb, version: fc.constantFrom(-1, 0) }) },
  { weight: 3, arbitrary: readArb('exists') },
  { weight: 2, arbitrary: readArb('getData') },
  { weight: 1, arbitrary: readArb('getChildren') },
);

const clientOpsArb: fc.Arbitrary<ZkOp[]> = fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 5 }), fc.nat(3)).map(([ops, close]) => (close === 0 ? [...ops, { op: 'close' as const }] : ops));

export function configArb(mutant: string | null): fc.Arbitrary<ZkConfig> {
  return fc
    .record({
      // Every ensemble size from 1 to 7, even ones included, mostly 1-3 (issue
      // 12). A lone voter elects itself on its own notification and is its own
      // quorum at each step of discovery and sync, as ZooKeeper's is.
      voters: memberCountArb(),
      warm: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      timeouts: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      observers: fc.constantFrom(0, 1),
      ops: fc.array(clientOpsArb, { minLength: 2, maxLength: 3 }),
      budget: fc.record({
        crashes: fc.integer({ min: 0, max: 3 }),
        drops: fc.integer({ min: 0, max: 4 }),
        duplicates: fc.constant(0),
        partitions: fc.integer({ min: 0, max: 2 }),
        // A crash that keeps the oldest unflushed log batch (its fsync never returned).
        torn: fc.integer({ min: 0, max: 1 }),
      }),
    })
    .map((c) => ({ mutant, ...c }));
}

function simplerConfigs(cfg: ZkConfig): ZkConfig[] {
  const out: ZkConfig[] = [];
  if (cfg.observers > 0) out.push({ ...cfg, observers: cfg.observers - 1 });
  if (!cfg.warm) out.push({ ...cfg, warm: true });
  if (cfg.timeouts) out.push({ ...cfg, timeouts: false });
  for (let c = cfg.ops.length - 1; c >= 0 && cfg.ops.length > 1; c--) out.push({ ...cfg, ops: cfg.ops.filter((_, i) => i !== c) });
  for (let c = 0; c < cfg.ops.length; c++) {
    for (let k = cfg.ops[c].length - 1; k >= 0; k--) {
      out.push({ ...cfg, ops: cfg.ops.map((xs, i) => (i === c ? xs.filter((_, j) => j !== k) : xs)) });
    }
  }
  return out;
}

export function zkProtocol(): Protocol<ZkState, ZkMsg, ZkRequest, ZkObs, ZkGhost, ZkConfig> {
  // Warm-start states depend on the topology only: computed once per topology for this instance.
  const warm = new Map<string, WarmStart | null>();
  const model = makeZkModel((cfg) => {
    const key = `${cfg.voters}/${cfg.observers}/${cfg.ops.length}/${cfg.profile ?? ''}/${cfg.window ?? ''}`;
    let states = warm.get(key);
    if (states === undefined) {
      states = warmStates(cfg);
      warm.set(key, states);
    }
    return states;
  });
  return zabProfiles({
    name: 'zk',
    summary: 'the ZooKeeper ensemble: ZAB servers (voters, observers) replicating the znode tree, clients with sessions, watches, reconnects and expiry, over FIFO links',
    network: 'fifo',
    model,
    nodeCount,
    workload: (cfg) => cfg.ops.flatMap((xs, c) => xs.map((op, k) => ({ node: serverCount(cfg) + c, request: { k, what: describeOp(op) } }))),
    mutants: ZK_MUTANTS,
    ghost: { init: initGhost, update: (g, node, s, obs, cfg, _req, lost) => updateGhost(g, node, s, obs, cfg, lost) },
    invariants: zkInvariants,
    liveness,
    probes,
    configArb,
    defaultConfig: (mutant) => ({
      mutant,
      voters: 3,
      observers: 1,
      warm: true,
      timeouts: false,
      ops: [
        [{ op: 'exists', path: '/a', watch: true }, { op: 'getData', path: '/a', watch: true }, { op: 'close' }],
        [
          { op: 'create', path: '/a', mode: 'EPHEMERAL' },
          { op: 'setData', path: '/a', version: 0 },
        ],
        [
          { op: 'create', path: '/b', mode: 'PERSISTENT_SEQUENTIAL' },
          { op: 'getChildren', path: '/a', watch: true },
        ],
      ],
      budget: { crashes: 1, drops: 1, duplicates: 0, partitions: 1 },
    }),
    benchConfigs: [{ label: '3 voters, 1 observer, generated clients and workload', fix: (c) => ({ ...c, voters: 3, observers: 1 }) }],
    simplerConfigs,
    parseConfig,
    maxChoices: 600,
    // 375 steps a server: four servers settle within 1500; larger ensembles take longer to re-elect and resync.
    suffixBound: (cfg) => Math.max(1500, 375 * serverCount(cfg)),
    defaultRuns: 1000,
    render: zkRender,
  });
}
