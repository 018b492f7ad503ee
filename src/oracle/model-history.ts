// The clients' view of a run of the ensemble model (models/zk) as a zk-history/1
// file (shared/history-format.md), so that `check-history` judges a model run
// exactly as it judges a recording of a real ZooKeeper. The clients' own
// observations (issue, reply, lost, event, session, ended) are what a recorder
// sees; server crashes and restarts become nemesis lines. Model paths live under
// the declared root: the model's /a is the history's /zk/a.
import type { Protocol } from '../protocol.ts';
import { runSchedule } from '../run.ts';
import { CRASH, RESTART, TORN } from '../scheduler.ts';
import type { World } from '../world.ts';
import { clientIndex, dataOf, isServer, sessionId, type OpResult, type ZkConfig, type ZkObs, type ZkOp, type ZkState } from '../../models/zk/index.ts';
import { ZK_CODES } from '../../models/znode/errors.ts';
import type { HistoryLine, OpLine, OpType, Outcome, WatchKind, WatchEventType } from './history/types.ts';

export const MODEL_ROOT = '/zk';
/** Nanoseconds per model step: the history's clock. */
const NS_PER_STEP = 1000;

const OP_TYPE: Record<ZkOp['op'], OpType> = { create: 'create', setData: 'set', delete: 'delete', getData: 'get', exists: 'exists', getChildren: 'children', close: 'close_session' };

/** Which client-side watch tables an event fires (ZKWatchManager.materialize). */
const FIRES: Record<WatchEventType, readonly WatchKind[]> = {
  NodeCreated: ['data', 'exist'],
  NodeDataChanged: ['data', 'exist'],
  NodeDeleted: ['data', 'exist', 'child'],
  NodeChildrenChanged: ['child'],
};

const at = (path: string) => (path === '/' ? MODEL_ROOT : MODEL_ROOT + path);

interface ClientView {
  process: number;
  /** Op index -> history op line, while it is outstanding. */
  open: Map<number, OpLine>;
  regs: { path: string; kind: WatchKind; op: number }[];
}

function outcomeOf(op: ZkOp, res: OpResult, z: number, server: string): Outcome {
  if (!res.ok) {
    const error = res.code ?? 'SYSTEMERROR';
    return { type: 'error', zxid: z, server, error, code: ZK_CODES[error as keyof typeof ZK_CODES] ?? -1 };
  }
  const o: Outcome = { type: 'ok', zxid: z, server };
  if (res.path !== undefined) o.created_path = at(res.path);
  if (res.stat !== undefined) o.stat = res.stat;
  if (op.op === 'getData') o.value = res.data ?? null;
  if (op.op === 'exists') o.exists = res.stat !== null && res.stat !== undefined;
  if (op.op === 'getChildren') o.children = [...(res.children ?? [])].sort();
  return o;
}

function watchOf(op: ZkOp, o: Outcome): WatchKind | undefined {
  if (o.type !== 'ok' || !('watch' in op) || !op.watch) return undefined;
  if (op.op === 'getData') return 'data';
  if (op.op === 'getChildren') return 'child';
  // exists on a present node leaves a data watch, on a missing one an exist watch.
  return o.exists ? 'data' : 'exist';
}

/**
 * Run (cfg, choices) on the ensemble protocol and return the clients' history.
 * The run is not stopped at a violation of the model's invariants: it goes on
 * through the fair suffix, as a real ensemble would, and the clients' view of
 * all of it is what check-history gets to judge.
 */
export function modelHistory(p: Protocol<ZkState, unknown, unknown, ZkObs, unknown, ZkConfig>, cfg: ZkConfig, choices: readonly number[]): HistoryLine[] {
  const servers: number[] = [];
  const name = (id: number) => p.render.node(id, cfg);
  const clients: ClientView[] = [];
  const n = p.nodeCount(cfg);
  for (let id = 0; id < n; id++) {
    if (isServer(id, cfg)) servers.push(id);
    else clients.push({ process: clients.length, open: new Map(), regs: [] });
  }
  let nextProcess = clients.length;
  let nextId = 0;
  const ops: OpLine[] = [];
  const rest: HistoryLine[] = [];
  let start: World | null = null;

  /** `from`: the server whose packet the client just took, if any. */
  const onClient = (id: number, obs: readonly ZkObs[], s: ZkState, t: number, from: number) => {
    if (s.kind !== 'client') return;
    const c = clientIndex(id, cfg);
    const v = clients[c];
    const session = s.g < 0 ? null : sessionId(c, s.g);
    const server = s.phase === 'connected' || s.phase === 'waiting' ? name(s.server) : null;
    for (const o of obs) {
      switch (o.t) {
        case 'issue': {
          const op = cfg.ops[c][o.k];
          const line: OpLine = {
            kind: 'op',
            id: nextId++,
            phase: 'main',
            process: v.process,
            client: c,
            session,
            server,
            type: OP_TYPE[op.op],
            path: op.op === 'close' ? null : at(op.path),
            args: argsOf(op, c, o.k),
            t_invoke: t,
            t_complete: t,
            outcome: { type: 'info', error: 'CONNECTIONLOSS', code: ZK_CODES.CONNECTIONLOSS },
          };
          ops.push(line);
          v.open.set(o.k, line);
          break;
        }
        case 'reply': {
          const line = v.open.get(o.k);
          if (line === undefined) break;
          v.open.delete(o.k);
          const op = cfg.ops[c][o.k];
          line.t_complete = t;
          line.outcome = outcomeOf(op, o.res, o.z, name(from >= 0 ? from : s.server));
          const kind = watchOf(op, line.outcome);
          if (kind !== undefined && line.path !== null) {
            line.watch_registered = kind;
            v.regs.push({ path: line.path, kind, op: line.id });
          }
          break;
        }
        case 'lost': {
          // The connection broke with the op in flight: indeterminate, and the
          // client goes on as a new process (the format's rule for info ops).
          const line = v.open.get(o.k);
          if (line === undefined) break;
          v.open.delete(o.k);
          line.t_complete = t;
          v.process = nextProcess++;
          break;
        }
        case 'event': {
          const path = at(o.path);
          const kinds = FIRES[o.type];
          const fired = v.regs.filter((r) => r.path === path && kinds.includes(r.kind));
          v.regs = v.regs.filter((r) => !fired.includes(r));
          rest.push({ kind: 'watch', t, client: c, session, server: name(from >= 0 ? from : s.server), type: o.type, path, ops: fired.map((r) => r.op) });
          break;
        }
        case 'session':
          rest.push({ kind: 'session', t, client: c, session: sessionId(c, o.g), server: name(o.server), event: 'CONNECTED' });
          break;
        case 'ended':
          rest.push({ kind: 'session', t, client: c, session, server: null, event: o.why === 'closed' ? 'CLOSED' : 'SESSION_EXPIRED' });
          break;
        default:
          break;
      }
    }
  };

  // The whole run, prefix and fair suffix, whatever the model's own invariants
  // say: the history is for check-history to judge.
  runSchedule(p, cfg, choices, {
    only: [],
    onStep(sch, prev, w) {
      start ??= prev;
      const info = sch.info;
      const t = w.step * NS_PER_STEP;
      if (info.kind === CRASH || info.kind === TORN) rest.push({ kind: 'nemesis', t, action: 'kill', target: name(info.node), role: roleOf(prev, info.node) });
      else if (info.kind === RESTART) rest.push({ kind: 'nemesis', t, action: 'restart', target: name(info.node) });
      const obs = info.effects?.observe as readonly ZkObs[] | undefined;
      const s = w.nodes[info.node] as ZkState | null;
      if (obs !== undefined && s !== null && !isServer(info.node, cfg)) onClient(info.node, obs, s, t, info.packet?.from ?? -1);
    },
  });

  const first = start as World | null;
  const meta: HistoryLine = {
    kind: 'meta',
    format: 'zk-history/1',
    root: MODEL_ROOT,
    zookeeper_version: `zoocheck model ${p.name}${cfg.mutant ? ` (mutant ${cfg.mutant})` : ''}`,
    client_library: 'zoocheck model clients',
    ensemble: servers.map((id) => ({ name: name(id), myid: id + 1, client: `model:${id}`, role_at_start: first === null ? 'unknown' : roleOf(first, id), zxid_at_start: '0x0' })),
    options: { config: cfg, choices },
  };
  const body = [...ops, ...rest].sort((a, b) => timeOf(a) - timeOf(b));
  return [meta, ...body, { kind: 'summary', ops: ops.length }];
}

function argsOf(op: ZkOp, c: number, k: number): OpLine['args'] {
  switch (op.op) {
    case 'create':
      return { mode: op.mode as NonNullable<OpLine['args']['mode']>, value: dataOf(c, k) };
    case 'setData':
      return { value: dataOf(c, k), version: op.version };
    case 'delete':
      return { version: op.version };
    case 'close':
      return {};
    default:
      return { watch: op.watch };
  }
}

function roleOf(w: World, id: number): string {
  const s = w.nodes[id] as ZkState | null;
  if (s === null || s.kind !== 'server') return 'down';
  const st = s.zab.state;
  return st === 'LEADING' ? 'leader' : st === 'FOLLOWING' ? 'follower' : st === 'OBSERVING' ? 'observer' : 'looking';
}

function timeOf(l: HistoryLine): number {
  return l.kind === 'op' ? l.t_invoke : 't' in l ? (l.t as number) : 0;
}

export function historyJsonl(lines: readonly HistoryLine[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
