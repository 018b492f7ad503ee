// A ZooKeeper client (ClientCnxn): one session, one operation in flight (the
// session's requests are answered in order, so the application's next call waits
// for the previous answer), watch registrations kept on the client side and
// re-registered with SetWatches on every new connection. When its connection
// breaks or its server stops serving, the outstanding operation is lost
// (CONNECTIONLOSS: it may or may not take effect) and the client tries the next
// server with its session id and lastZxidSeen; a refusal means trying again
// after a back-off.
import type { Input, NodeId, StepResult } from '../../src/model.ts';
import { FIRED_KINDS } from '../znode/watches.ts';
import { clientIndex, isRead, serverCount, watchOf } from './config.ts';
import { describeOp } from './describe.ts';
import { T_READ, T_RETRY, ZkFx } from './fx.ts';
import type { ClientMsg, ClientState, Reg, ZkConfig, ZkMsg, ZkObs, ZkRequest } from './types.ts';

type R = StepResult<ClientState, ZkMsg, ZkObs>;

const NO_REGS: readonly Reg[] = Object.freeze([]);
const NO_OPS: readonly number[] = Object.freeze([]);

export function initClient(): ClientState {
  return { kind: 'client', phase: 'idle', server: -1, a: 0, g: -1, lastZxid: 0, ready: NO_OPS, out: -1, regs: NO_REGS, down: 0, refusals: 0 };
}

/** A restarted client process has lost its session: it does nothing more. */
export function endedClient(): ClientState {
  return { ...initClient(), phase: 'ended' };
}

/**
 * Open a connection. A server that is up answers (one that does not serve yet
 * holds the attempt until it does), and a connection that fails comes with a
 * break notice; only a server whose connection broke, and that I have not heard
 * from since, may be down or cut off and never answer, so only then does a
 * connect timeout run. (Timers are the adversary's to fire: one always armed
 * would have clients abandon healthy connections all the time.)
 */
function connect(s: ClientState, server: NodeId, fx: ZkFx): ClientState {
  const a = s.a + 1;
  fx.to(server, { t: 'connect', a, g: s.g, last: s.lastZxid });
  if ((s.down >>> server) & 1) fx.arm(T_RETRY);
  else fx.disarm(T_RETRY);
  return { ...s, phase: 'connecting', server, a };
}

function lose(s: ClientState, fx: ZkFx): ClientState {
  if (s.out < 0) return s;
  fx.note({ t: 'lost', k: s.out });
  fx.disarm(T_READ);
  return { ...s, out: -1 };
}

function issue(s: ClientState, c: number, cfg: ZkConfig, fx: ZkFx): ClientState {
  if (s.phase !== 'connected' || s.out >= 0 || s.ready.length === 0) return s;
  const k = s.ready[0];
  fx.to(s.server, { t: 'op', a: s.a, k, what: describeOp(cfg.ops[c]?.[k]) });
  fx.note({ t: 'issue', k });
  if (cfg.timeouts) fx.arm(T_READ);
  return { ...s, out: k, ready: s.ready.slice(1) };
}

function end(s: ClientState, why: 'closed' | 'expired', fx: ZkFx): ClientState {
  fx.note({ t: 'ended', why });
  fx.disarm(T_RETRY);
  return { ...lose(s, fx), phase: 'ended', regs: NO_REGS, ready: NO_OPS };
}

/**
 * The connection is gone with an op outstanding: its outcome is unknown, and
 * the client reconnects to the next server, unless that op is close:
 * ZooKeeper.close() disconnects whatever its reply, and a closed handle sends
 * nothing more (ClientCnxn.close, then queuePacket's conLossPacket).
 */
function connectionLost(s: ClientState, c: number, cfg: ZkConfig, fx: ZkFx): ClientState {
  if (s.out >= 0 && cfg.ops[c]?.[s.out]?.op === 'close') return end(s, 'closed', fx);
  return connect(lose(s, fx), next(s, cfg), fx);
}

function home(c: number, cfg: ZkConfig): NodeId {
  const n = serverCount(cfg);
  return (((cfg.voters - 1 - c) % n) + n) % n;
}

function next(s: ClientState, cfg: ZkConfig): NodeId {
  return (s.server + 1) % serverCount(cfg);
}

function onMsg(s0: ClientState, from: NodeId, m: ClientMsg, c: number, cfg: ZkConfig, fx: ZkFx): ClientState {
  const s = (s0.down >>> from) & 1 ? { ...s0, down: s0.down & ~(1 << from) } : s0;
  // Anything from another server or an older connection is from a closed socket.
  if (from !== s.server || !('a' in m) || m.a !== s.a) return s;
  switch (m.t) {
    case 'connected': {
      if (s.phase !== 'connecting') return s;
      fx.disarm(T_RETRY);
      fx.note({ t: 'session', server: from, g: m.g, fresh: s.g < 0 });
      let out: ClientState = { ...s, phase: 'connected', g: m.g, refusals: 0 };
      if (out.regs.length > 0) fx.to(from, { t: 'setWatches', a: s.a, rel: s.lastZxid, regs: out.regs });
      out = issue(out, c, cfg, fx);
      return out;
    }
    case 'wait':
      if (s.phase === 'connecting') fx.disarm(T_RETRY);
      return s;
    case 'refused': {
      if (s.phase !== 'connecting') return s;
      // The next server at once, until every one refused; then a back-off (StaticHostProvider's spin delay).
      const refusals = s.refusals + 1;
      if (refusals < serverCount(cfg)) return connect({ ...s, refusals }, next(s, cfg), fx);
      fx.arm(T_RETRY);
      return { ...s, phase: 'waiting', refusals: 0 };
    }
    case 'expired':
      return s.phase === 'ended' ? s : end(s, 'expired', fx);
    case 'dropped':
      return s.phase === 'connected' || s.phase === 'connecting' ? connectionLost(s, c, cfg, fx) : s;
    case 'reply': {
      if (s.phase !== 'connected' || s.out !== m.k) return s;
      const op = cfg.ops[c][m.k];
      fx.note({ t: 'reply', k: m.k, z: m.z, res: m.res });
      if (cfg.timeouts) fx.disarm(T_READ);
      let regs = s.regs;
      if (isRead(op)) {
        const kind = watchOf(op, m.res);
        if (kind !== null && !regs.some((r) => r.path === op.path && r.kind === kind)) regs = regs.concat([{ path: op.path, kind }]);
      }
      const out: ClientState = { ...s, out: -1, regs, lastZxid: m.z > s.lastZxid ? m.z : s.lastZxid };
      if (op.op === 'close' && m.res.ok) return end(out, 'closed', fx);
      return issue(out, c, cfg, fx);
    }
    case 'event': {
      if (s.phase !== 'connected') return s;
      fx.note({ t: 'event', type: m.type, path: m.path });
      const kinds = FIRED_KINDS[m.type];
      const regs = s.regs.filter((r) => r.path !== m.path || !kinds.includes(r.kind));
      return regs.length === s.regs.length ? s : { ...s, regs };
    }
    default:
      return s;
  }
}

export function stepClient(s: ClientState, input: Input<ZkMsg, ZkRequest>, id: NodeId, cfg: ZkConfig): R {
  const fx = new ZkFx();
  const c = clientIndex(id, cfg);
  let out = s;
  switch (input.kind) {
    case 'start':
      // The application opens its handle at once (new ZooKeeper(...) connects
      // before any call). Connection strings list every server and clients
      // start spread over them: the highest voter (the likely leader) first,
      // then the lower voters, then the observers.
      if (s.phase === 'idle') out = connect(s, home(c, cfg), fx);
      break;
    case 'restart':
      out = endedClient();
      break;
    case 'client':
      if (s.phase === 'ended') break;
      out = issue({ ...s, ready: s.ready.concat([input.request.k]) }, c, cfg, fx);
      break;
    case 'timeout':
      if (input.timer === T_READ && s.phase === 'connected' && s.out >= 0) {
        // No answer in time: this connection is given up, the request's outcome is unknown.
        fx.to(s.server, { t: 'bye', a: s.a });
        out = connectionLost(s, c, cfg, fx);
      } else if (input.timer === T_RETRY && (s.phase === 'connecting' || s.phase === 'waiting')) {
        // Connect timeout or back-off: close this socket, try the next server.
        if (s.phase === 'connecting') fx.to(s.server, { t: 'bye', a: s.a });
        out = connect(s, next(s, cfg), fx);
      }
      break;
    case 'linkDown':
      if (input.peer < serverCount(cfg)) out = { ...s, down: s.down | (1 << input.peer) };
      if (input.peer === s.server && (s.phase === 'connected' || s.phase === 'connecting')) out = connectionLost(out, c, cfg, fx);
      break;
    case 'deliver':
      out = onMsg(s, input.from, input.msg as ClientMsg, c, cfg, fx);
      break;
  }
  return { state: out, effects: fx.effects() };
}
