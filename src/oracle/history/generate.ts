// A deterministic generator of valid zk-history/1 histories: a simulated ensemble
// (one leader ordering txns through the tree model, followers whose applied zxid lags)
// serving several clients with a seeded workload of every op type, watches, and
// optionally faults (lost replies that still took effect, session expiries the
// history does not record, and broken connections after which the client comes
// back through another member and re-sends its pending watches with SetWatches).
// Used by the throughput bench and by the tests as
// histories known to be correct, larger and faultier than the real sample.
//
// Validity by construction: every op takes effect at one instant between its invoke
// and its completion (so zxid order follows real time), one op per client at a time
// (so session FIFO), reads are served by a member at least as new as the session has
// seen, and a watch event is sent when its change is applied, before any later reply.
import { applyTxn, emptyTree, FIRED_KINDS, getNode, WatchTable, type Tree, type Txn, type WatchTrigger } from '../../../models/znode/tree.ts';
import type { CreateMode, HistoryLine, OpLine, OpType, Outcome, Stat, WatchKind } from './types.ts';

export interface GenerateOptions {
  ops: number;
  seed?: number;
  clients?: number;
  servers?: number;
  keys?: number;
  /** Probability a write's reply is lost (outcome info); half of those still took effect. */
  lostReplies?: number;
  /** Probability per op that the client's session expires (unrecorded closeSession). */
  expiries?: number;
  watchProb?: number;
  /** Probability per op that the client's connection breaks first; it reconnects to another member a while later. */
  moves?: number;
  /** Told where each unrecorded txn went (indeterminate writes that took effect, expiries): for debugging the checker's search. */
  onHidden?: (e: { op?: number; session: string; zxid: number }) => void;
}

/** mulberry32: small, seeded, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ev {
  t: number;
  seq: number;
  kind: 'invoke' | 'effect' | 'complete' | 'reconnect';
  client: number;
}

class Heap {
  private xs: Ev[] = [];
  get size(): number {
    return this.xs.length;
  }
  push(e: Ev): void {
    const xs = this.xs;
    xs.push(e);
    let i = xs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(xs[p], xs[i])) break;
      [xs[p], xs[i]] = [xs[i], xs[p]];
      i = p;
    }
  }
  pop(): Ev {
    const xs = this.xs;
    const top = xs[0];
    const last = xs.pop()!;
    if (xs.length > 0) {
      xs[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < xs.length && less(xs[l], xs[m])) m = l;
        if (r < xs.length && less(xs[r], xs[m])) m = r;
        if (m === i) break;
        [xs[m], xs[i]] = [xs[i], xs[m]];
        i = m;
      }
    }
    return top;
  }
}
function less(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

interface Reg {
  kind: WatchKind;
  op: OpLine;
  client: number;
  session: string;
}

interface Client {
  id: number;
  process: number;
  session: string;
  server: number;
  seen: number;
  op: OpLine | null;
  /** Reply lost: the op ends `info` at its completion. */
  lost: boolean;
  /** A lost write that does not take effect. */
  dropped: boolean;
  sessionNo: number;
  closed: boolean;
  lastEventT: number;
  /** The current op was served; its reply is on its way. */
  effectDone: boolean;
  /** Events that must follow that reply (their changes came after the state it reflects). */
  pendingFires: { op: OpLine; tr: WatchTrigger }[];
  /** Disconnected: changes do not reach its registrations until SetWatches re-sends them. */
  away: boolean;
}

const BASE_ZXID = 0x100000000;

export function generateHistory(o: GenerateOptions): HistoryLine[] {
  const rand = rng(o.seed ?? 1);
  const nClients = o.clients ?? 5;
  const nServers = o.servers ?? 3;
  const nKeys = o.keys ?? 4;
  const pLost = o.lostReplies ?? 0;
  const pExpire = o.expiries ?? 0;
  const pWatch = o.watchProb ?? 0.15;
  const pMove = o.moves ?? 0;
  let nMoves = 0;
  let nRewatchEvents = 0;
  const root = `/gen-${o.seed ?? 1}`;
  const servers = Array.from({ length: nServers }, (_, i) => `s${i + 1}`);
  const lines: HistoryLine[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

  // trees[k]: the tree after zxid BASE_ZXID + k (k = 0: before any txn of the run).
  const trees: Tree[] = [emptyTree()];
  const head = () => trees.length - 1;
  const zx = (k: number) => BASE_ZXID + k;
  const applied = new Array<number>(nServers).fill(0);
  const regs = new Map<string, Reg[]>();
  const clients: Client[] = [];
  let now = 1_000_000;
  let seq = 0;
  let nextId = 0;
  let nextProcess = 0;
  const heap = new Heap();
  const wallMs = (t: number) => 1_800_000_000_000 + Math.floor(t / 1e6);

  lines.push({
    kind: 'meta',
    format: 'zk-history/1',
    root,
    zookeeper_version: 'simulated (zoocheck generate.ts)',
    client_library: 'none',
    ensemble: servers.map((name, i) => ({ name, myid: i + 1, client: `sim:${i}`, role_at_start: i === 0 ? 'leader' : 'follower', zxid_at_start: '0x0' })),
    options: { ...o },
  });

  const commit = (txn: Txn, t: number, fire: WatchTrigger[] | null): ReturnType<typeof applyTxn> => {
    const a = applyTxn(trees[head()], txn, { zxid: zx(head() + 1), time: wallMs(t) });
    trees.push(a.tree);
    if (fire) for (const tr of a.triggers) fire.push(tr);
    return a;
  };

  const newSession = (c: Client, t: number) => {
    c.sessionNo++;
    c.session = '0x' + (0x100 + c.id).toString(16).padStart(8, '0') + c.sessionNo.toString(16).padStart(8, '0');
    c.server = Math.floor(rand() * nServers);
    // createSession is a txn with its own zxid: it leaves a gap in the ops' zxids.
    commit({ type: 'createSession', session: c.session }, t, null);
    c.seen = head();
    applied[c.server] = Math.max(applied[c.server], head());
    lines.push({ kind: 'session', t, client: c.id, session: c.session, server: servers[c.server], event: 'CONNECTED' });
  };

  const emit = (c: Client, op: OpLine, tr: WatchTrigger, t: number) => {
    const et = Math.max(t, c.lastEventT) + 1;
    c.lastEventT = et;
    // The member that sent it has applied the change: later reads there see it.
    applied[c.server] = Math.max(applied[c.server], tr.zxid - BASE_ZXID);
    (op.watch_events ??= []).push({ type: tr.type, path: tr.path, t: et });
    lines.push({ kind: 'watch', t: et, client: c.id, session: c.session, server: servers[c.server], type: tr.type, path: tr.path, ops: [op.id] });
  };

  const fireWatches = (triggers: readonly WatchTrigger[], t: number) => {
    for (const tr of triggers) {
      const rs = regs.get(tr.path);
      if (!rs) continue;
      const keep: Reg[] = [];
      for (const r of rs) {
        if (!FIRED_KINDS[tr.type].includes(r.kind)) {
          keep.push(r);
          continue;
        }
        const c = clients[r.client];
        if (c.session !== r.session) continue; // the session is gone: so is its watch
        if (c.away) {
          // The old member fires into a dead connection; the client's registration stays pending.
          keep.push(r);
          continue;
        }
        // A reply already decided (from a state before this change) goes out first.
        if (c.op && c.effectDone) c.pendingFires.push({ op: r.op, tr });
        else emit(c, r.op, tr, t);
      }
      if (keep.length) regs.set(tr.path, keep);
      else regs.delete(tr.path);
    }
  };

  for (let i = 0; i < nClients; i++) {
    const c: Client = {
      id: i,
      process: nextProcess++,
      session: '',
      server: 0,
      seen: 0,
      op: null,
      lost: false,
      dropped: false,
      sessionNo: 0,
      closed: false,
      lastEventT: 0,
      effectDone: false,
      pendingFires: [],
      away: false,
    };
    clients.push(c);
    newSession(c, now++);
  }
  // Setup: the root and the sequential parent, by client 0.
  for (const path of [root, `${root}/q`]) {
    const c = clients[0];
    const t0 = now;
    const a = commit({ type: 'create', path, data: path === root ? 'root' : 'q', mode: 'PERSISTENT', session: c.session }, t0 + 5, null);
    applied[c.server] = head();
    c.seen = head();
    const res = a.result as { path: string; stat: Stat };
    lines.push({
      kind: 'op',
      id: nextId++,
      phase: 'setup',
      process: c.process,
      client: 0,
      session: c.session,
      server: servers[c.server],
      type: 'create',
      path,
      args: { mode: 'PERSISTENT', value: path === root ? 'root' : 'q' },
      t_invoke: t0,
      t_complete: t0 + 10,
      outcome: { type: 'ok', zxid: zx(head()), server: servers[c.server], created_path: res.path, stat: res.stat },
    });
    now = t0 + 20;
  }
  const keys = Array.from({ length: nKeys }, (_, i) => `${root}/k${i}`);
  const ephs = Array.from({ length: Math.max(1, nKeys - 1) }, (_, i) => `${root}/e${i}`);
  const q = `${root}/q`;

  for (const c of clients) heap.push({ t: now + Math.floor(rand() * 1000), seq: seq++, kind: 'invoke', client: c.id });
  let invoked = 2;
  const target = o.ops;

  while (heap.size > 0) {
    const ev = heap.pop();
    now = ev.t;
    const c = clients[ev.client];
    // Followers catch up at their own pace.
    if (rand() < 0.3) {
      const s = Math.floor(rand() * nServers);
      applied[s] = Math.min(head(), applied[s] + 1 + Math.floor(rand() * 4));
    }
    if (ev.kind === 'reconnect') {
      // A caught-up member takes the session (it is at least as new as the client's
      // last zxid) and answers SetWatches from its current tree before anything else.
      c.away = false;
      c.server = (c.server + 1 + Math.floor(rand() * (nServers - 1))) % nServers;
      applied[c.server] = head();
      lines.push({ kind: 'session', t: now, client: c.id, session: c.session, server: servers[c.server], event: 'CONNECTED' });
      for (const [path, rs] of [...regs]) {
        const keep: Reg[] = [];
        for (const r of rs) {
          const n = r.client === c.id && r.session === c.session ? getNode(trees[head()], path) : undefined;
          const type = n === undefined ? null : WatchTable.rewatch(r.kind, n === null ? null : n.stat, zx(c.seen));
          if (type === null) keep.push(r);
          else {
            emit(c, r.op, { type, path, zxid: zx(head()) }, now);
            nRewatchEvents++;
          }
        }
        if (keep.length) regs.set(path, keep);
        else regs.delete(path);
      }
      heap.push({ t: Math.max(now, c.lastEventT) + 1000 + Math.floor(rand() * 20_000), seq: seq++, kind: 'invoke', client: c.id });
      continue;
    }
    if (ev.kind === 'invoke') {
      // Teardown: every client closes its session once the workload is done.
      const teardown = invoked >= target;
      if (teardown && c.closed) continue;
      if (!teardown && pMove > 0 && rand() < pMove) {
        c.away = true;
        nMoves++;
        lines.push({ kind: 'session', t: now, client: c.id, session: c.session, server: servers[c.server], event: 'DISCONNECTED' });
        heap.push({ t: now + 50_000 + Math.floor(rand() * 400_000), seq: seq++, kind: 'reconnect', client: c.id });
        continue;
      }
      if (!teardown && pExpire > 0 && rand() < pExpire) {
        // The session expires (an unrecorded closeSession txn); the client notices later.
        const fired: WatchTrigger[] = [];
        commit({ type: 'closeSession', session: c.session }, now, fired);
        o.onHidden?.({ session: c.session, zxid: zx(head()) });
        for (const [p, rs] of regs) {
          const keep = rs.filter((r) => r.session !== c.session);
          if (keep.length) regs.set(p, keep);
          else regs.delete(p);
        }
        fireWatches(fired, now);
        lines.push({ kind: 'session', t: now + 1000, client: c.id, session: c.session, server: null, event: 'SESSION_EXPIRED' });
        newSession(c, now + 2000);
        heap.push({ t: now + 3000, seq: seq++, kind: 'invoke', client: c.id });
        continue;
      }
      if (!teardown) invoked++;
      const id = nextId++;
      const r = rand();
      let type: OpType;
      let path: string | null;
      let args: OpLine['args'];
      const value = `v${id}`;
      if (teardown) {
        type = 'close_session';
        path = null;
        args = {};
        c.closed = true;
      } else if (r < 0.14) {
        type = 'create';
        const m = rand();
        const mode: CreateMode = m < 0.4 ? 'PERSISTENT' : m < 0.65 ? 'EPHEMERAL' : m < 0.85 ? 'EPHEMERAL_SEQUENTIAL' : 'PERSISTENT_SEQUENTIAL';
        path = mode === 'PERSISTENT' ? pick(keys) : mode === 'EPHEMERAL' ? pick(ephs) : `${q}/${mode === 'EPHEMERAL_SEQUENTIAL' ? 'e' : 'p'}-`;
        args = { mode, value };
      } else if (r < 0.32) {
        type = 'set';
        path = pick([...keys, ...ephs]);
        const n = getNode(trees[head()], path);
        args = { value, version: rand() < 0.5 || !n ? -1 : n.stat.version + (rand() < 0.7 ? 0 : 1) };
      } else if (r < 0.42) {
        type = 'delete';
        // Keep the sequential parent small, as a real workload's queue would be.
        const qKids = getNode(trees[head()], q)?.children ?? [];
        path = rand() < (qKids.length > 12 ? 0.3 : 0.85) ? pick([...keys, ...ephs]) : pick([...qKids.map((x) => `${q}/${x}`), q]);
        const n = getNode(trees[head()], path);
        args = { version: rand() < 0.6 || !n ? -1 : n.stat.version + (rand() < 0.8 ? 0 : 1) };
      } else if (r < 0.62) {
        type = 'get';
        path = pick([...keys, ...ephs]);
        args = { watch: rand() < pWatch };
      } else if (r < 0.76) {
        type = 'exists';
        path = pick([...keys, ...ephs]);
        args = { watch: rand() < pWatch };
      } else if (r < 0.97) {
        type = 'children';
        path = rand() < 0.5 ? root : q;
        args = { watch: rand() < pWatch };
      } else {
        type = 'sync';
        path = root;
        args = {};
      }
      const op: OpLine = {
        kind: 'op',
        id,
        phase: teardown ? 'teardown' : 'main',
        process: c.process,
        client: c.id,
        session: c.session,
        server: servers[c.server],
        type,
        path,
        args,
        t_invoke: now,
        t_complete: 0,
        outcome: { type: 'info' },
      };
      c.op = op;
      c.lost = pLost > 0 && (type === 'create' || type === 'set' || type === 'delete') && rand() < pLost;
      c.dropped = c.lost && rand() < 0.5;
      heap.push({ t: now + 1000 + Math.floor(rand() * 200_000), seq: seq++, kind: 'effect', client: c.id });
      continue;
    }
    const op = c.op!;
    if (ev.kind === 'effect') {
      const srv = servers[c.server];
      const isWrite = op.type === 'create' || op.type === 'set' || op.type === 'delete' || op.type === 'close_session';
      let outcome: Outcome;
      if (isWrite) {
        if (c.lost && c.dropped) {
          outcome = { type: 'info', error: 'CONNECTIONLOSS' };
        } else {
          const a = op.args;
          const txn: Txn =
            op.type === 'create'
              ? { type: 'create', path: op.path!, data: a.value ?? null, mode: a.mode!, session: c.session }
              : op.type === 'set'
                ? { type: 'setData', path: op.path!, data: a.value ?? null, version: a.version!, session: c.session }
                : op.type === 'delete'
                  ? { type: 'delete', path: op.path!, version: a.version!, session: c.session }
                  : { type: 'closeSession', session: c.session };
          const fired: WatchTrigger[] = [];
          const res = commit(txn, now, fired).result;
          if (op.type === 'close_session') {
            for (const [p, rs] of regs) {
              const keep = rs.filter((r) => r.session !== c.session);
              if (keep.length) regs.set(p, keep);
              else regs.delete(p);
            }
          }
          fireWatches(fired, now);
          const z = zx(head());
          if (c.lost) o.onHidden?.({ op: op.id, session: c.session, zxid: z });
          applied[c.server] = Math.max(applied[c.server], head());
          c.seen = head();
          if (res.ok) {
            outcome = { type: 'ok', zxid: z, server: srv };
            if (op.type === 'create') outcome = { ...outcome, created_path: res.path, stat: res.stat };
            if (op.type === 'set') outcome = { ...outcome, stat: res.stat };
          } else {
            outcome = { type: 'error', zxid: z, server: srv, error: res.code, code: 0 };
          }
          if (c.lost) outcome = { type: 'info', error: 'CONNECTIONLOSS' };
        }
      } else {
        // A member at least as new as the session has seen answers from its local state.
        applied[c.server] = Math.max(applied[c.server], c.seen);
        if (op.type === 'sync') applied[c.server] = head();
        const k = applied[c.server];
        c.seen = k;
        const t = trees[k];
        const n = op.type === 'sync' ? null : getNode(t, op.path!);
        const z = zx(k);
        if (op.type === 'sync') outcome = { type: 'ok', zxid: z, server: srv };
        else if (op.type === 'exists') outcome = { type: 'ok', zxid: z, server: srv, exists: !!n, stat: n ? n.stat : null };
        else if (!n) outcome = { type: 'error', zxid: z, server: srv, error: 'NONODE', code: -101 };
        else if (op.type === 'get') outcome = { type: 'ok', zxid: z, server: srv, value: n.data, stat: n.stat };
        else outcome = { type: 'ok', zxid: z, server: srv, children: [...n.children], stat: n.stat };
        if (op.args.watch && (outcome.type === 'ok' || op.type === 'exists') && op.type !== 'sync') {
          // exists on a present node leaves a data watch (ZKWatchManager's ExistsWatchRegistration).
          const kind: WatchKind = op.type === 'get' || (op.type === 'exists' && n) ? 'data' : op.type === 'exists' ? 'exist' : 'child';
          op.watch_registered = kind;
          // Changes after zxid k fire it: one already committed fires right after the reply.
          let fired: WatchTrigger | null = null;
          for (let j = k + 1; j <= head() && !fired; j++) {
            for (const x of diffTriggers(trees[j - 1], trees[j], op.path!, zx(j))) {
              if (FIRED_KINDS[x.type].includes(kind)) {
                fired = x;
                break;
              }
            }
          }
          if (fired) c.pendingFires.push({ op, tr: fired });
          else {
            let rs = regs.get(op.path!);
            if (!rs) regs.set(op.path!, (rs = []));
            rs.push({ kind, op, client: c.id, session: c.session });
          }
        }
      }
      op.outcome = outcome;
      c.effectDone = true;
      heap.push({ t: now + 1000 + Math.floor(rand() * 100_000), seq: seq++, kind: 'complete', client: c.id });
      continue;
    }
    // complete
    const lost = c.lost;
    op.t_complete = lost ? now + 5_000_000 : now;
    if (lost) op.outcome = { type: 'info', error: 'CONNECTIONLOSS' };
    lines.push(op);
    c.effectDone = false;
    c.pendingFires.sort((a, b) => a.tr.zxid - b.tr.zxid);
    for (const f of c.pendingFires) emit(c, f.op, f.tr, op.t_complete);
    c.pendingFires = [];
    c.op = null;
    if (lost) c.process = nextProcess++;
    if (op.type === 'close_session') continue;
    heap.push({ t: op.t_complete + 1000 + Math.floor(rand() * 20_000), seq: seq++, kind: 'invoke', client: c.id });
  }
  lines.push({ kind: 'summary', ops_total: nextId, moves: nMoves, rewatch_events: nRewatchEvents });
  // Lines are in time order (t_invoke for ops, t for the rest).
  const tOf = (l: HistoryLine) => (l.kind === 'op' ? l.t_invoke : l.kind === 'meta' ? -1 : l.kind === 'summary' ? Infinity : (l as { t: number }).t);
  return lines
    .map((l, i) => [l, i] as const)
    .sort((a, b) => tOf(a[0]) - tOf(b[0]) || a[1] - b[1])
    .map((x) => x[0]);
}

/** The triggers txn j fired on `path` (for a registration made on a lagging member). */
function diffTriggers(before: Tree, after: Tree, path: string, zxid: number): WatchTrigger[] {
  const a = getNode(before, path);
  const b = getNode(after, path);
  const out: WatchTrigger[] = [];
  if (!a && b) out.push({ type: 'NodeCreated', path, zxid });
  else if (a && !b) out.push({ type: 'NodeDeleted', path, zxid });
  else if (a && b) {
    if (a.stat.mzxid !== b.stat.mzxid) out.push({ type: 'NodeDataChanged', path, zxid });
    if (a.stat.pzxid !== b.stat.pzxid || a.children !== b.children) out.push({ type: 'NodeChildrenChanged', path, zxid });
  }
  return out;
}

export function historyToJsonl(lines: readonly HistoryLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
