// A client process (nodes 1..k): one session at a time, requests sent in order
// over its FIFO link, watch registrations recorded when the read that asked for
// them succeeds (as ZooKeeper's client does: ZKWatchManager registers on a good
// reply), and one-shot: a notification consumes every live registration it fires.
// After its session closes or expires it opens a new one; after a connection
// break it resumes the same session (its outstanding requests are lost:
// CONNECTIONLOSS, outcome unknown) and its watches are gone with the connection.
import type { Input, NodeId, Send, StepResult } from '../../src/model.ts';
import { FIRED_KINDS } from './watches.ts';
import type { ClientState, Reg, ZMsg, ZObs } from './messages.ts';
import { formatOp, programOf, type ZnodeConfig, type ZOp, type ZRequest } from './workload.ts';

type R = StepResult<ClientState, ZMsg, ZObs>;
const SERVER: NodeId = 0;
const NONE = {};

export function initClient(issued = 0): ClientState {
  return { role: 'client', issued, session: null, phase: 'connecting', nextXid: 1, queue: [], pending: [], regs: [], nextReg: 1, lastZxid: 0, replyZxid: 0, replies: 0, orphans: 0 };
}

/** Send queued requests while connected; a close stops the flow until the next session. */
function flush(s: ClientState, send: Send<ZMsg>[]): ClientState {
  if (s.phase !== 'connected' || s.session === null || s.queue.length === 0) return s;
  let xid = s.nextXid;
  let i = 0;
  const pending = s.pending.slice();
  let phase: ClientState['phase'] = s.phase;
  while (i < s.queue.length) {
    const { k, op } = s.queue[i++];
    send.push({ to: SERVER, msg: { t: 'Req', xid, session: s.session, k, op } });
    pending.push({ xid, k, op });
    xid++;
    if (op.t === 'close') {
      phase = 'closing';
      break;
    }
  }
  return { ...s, nextXid: xid, pending, queue: s.queue.slice(i), phase };
}

/** The registration a successful read leaves, mirroring the server's rule. */
function regKind(op: ZOp): Reg['kind'] | null {
  if (op.t === 'get') return 'data';
  if (op.t === 'exists') return 'exist';
  if (op.t === 'children') return 'child';
  return null;
}

/**
 * The session is over (closed or expired): its watches are gone, requests still
 * outstanding on it fail (SESSIONEXPIRED, never answered by the server), and a
 * new session is opened for what is queued.
 */
function newSession(s: ClientState, send: Send<ZMsg>[]): ClientState {
  send.push({ to: SERVER, msg: { t: 'Connect', session: null } });
  return { ...s, session: null, phase: 'connecting', regs: [], pending: [] };
}

export function stepClient(s: ClientState, input: Input<ZMsg, ZRequest>, id: NodeId, cfg: ZnodeConfig): R {
  const send: Send<ZMsg>[] = [];
  const observe: ZObs[] = [];
  let n = s;
  switch (input.kind) {
    case 'start':
    case 'restart':
      send.push({ to: SERVER, msg: { t: 'Connect', session: null } });
      break;
    case 'client': {
      if (input.request.t !== 'next') break;
      const program = programOf(cfg, id);
      if (n.issued >= program.length) break;
      n = flush({ ...n, issued: n.issued + 1, queue: [...n.queue, program[n.issued]] }, send);
      break;
    }
    case 'linkDown':
      if (input.peer !== SERVER) break;
      // Outstanding requests fail with CONNECTIONLOSS (they may or may not have taken effect).
      n = { ...n, pending: [], regs: [] };
      if (n.session !== null && n.phase !== 'closing') {
        send.push({ to: SERVER, msg: { t: 'Connect', session: n.session } });
        n = { ...n, phase: 'connecting' };
      } else {
        n = newSession(n, send);
      }
      break;
    case 'deliver': {
      const m = input.msg;
      if (m.t === 'Connected') {
        n = flush({ ...n, session: m.session, phase: 'connected', lastZxid: Math.max(n.lastZxid, m.zxid) }, send);
      } else if (m.t === 'Expired') {
        if (m.session !== n.session) break;
        n = newSession(n, send);
      } else if (m.t === 'Watch') {
        const kinds = FIRED_KINDS[m.type];
        const keep = n.regs.filter((g) => !(g.path === m.path && kinds.includes(g.kind)));
        const fired = n.regs.length - keep.length;
        n = { ...n, regs: keep, lastZxid: Math.max(n.lastZxid, m.zxid), orphans: fired === 0 ? n.orphans + 1 : n.orphans };
        observe.push({ t: 'event', type: m.type, path: m.path, zxid: m.zxid, fired });
      } else if (m.t === 'Reply') {
        const req = n.pending.find((p) => p.xid === m.xid);
        if (req === undefined) break;
        n = { ...n, pending: n.pending.filter((p) => p !== req), replyZxid: m.zxid, replies: n.replies + 1, lastZxid: Math.max(n.lastZxid, m.zxid) };
        const res = m.res;
        observe.push(
          res.ok
            ? { t: 'reply', k: m.k, what: formatOp(req.op), zxid: m.zxid, ok: true, ...(res.path !== undefined && req.op.t === 'create' ? { created: res.path } : {}) }
            : { t: 'reply', k: m.k, what: formatOp(req.op), zxid: m.zxid, ok: false, code: res.code },
        );
        const kind = regKind(req.op);
        if (kind !== null && res.ok && (req.op as { watch: boolean }).watch) {
          const reg: Reg = { id: n.nextReg, kind, path: (req.op as { path: string }).path, at: m.zxid };
          n = { ...n, regs: [...n.regs, reg], nextReg: n.nextReg + 1 };
        }
        if (req.op.t === 'close' && n.phase === 'closing') n = flush(newSession(n, send), send);
      }
      break;
    }
    default:
      break;
  }
  const effects: { send?: Send<ZMsg>[]; observe?: ZObs[] } = {};
  if (send.length > 0) effects.send = send;
  if (observe.length > 0) effects.observe = observe;
  return { state: n, effects: send.length === 0 && observe.length === 0 ? NONE : effects };
}
