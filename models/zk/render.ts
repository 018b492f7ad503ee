// How the ensemble reads in a trace: servers s<id> (observers o<id>), clients
// c<index>; ZAB's messages as ZAB renders them; client operations and their
// replies with zxids as epoch:counter.
import type { Render } from '../../src/protocol.ts';
import { fmtZxid, zabRender, type Txn, type ZabMsg, type ZabObs } from '../zab/index.ts';
import { clientIndex, decode, isServer, OP_CREATE_SESSION, OP_EXPIRE, zabConfig } from './config.ts';
import { describeResult } from './describe.ts';
import { isZabMsg } from './server.ts';
import type { ZkConfig, ZkMsg, ZkObs, ZkRequest, ZkState } from './types.ts';
import { phaseLabel } from '../common/label.ts';

function sid(c: number, g: number): string {
  return `c${c}#${g}`;
}

/** A ZAB payload as the request it stands for: c0.2 is client c0's op 2. */
function payload(v: number): string {
  const p = decode(v);
  const what = p.op === OP_CREATE_SESSION ? `createSession ${sid(p.c, p.g)}` : p.op === OP_EXPIRE ? `expire ${sid(p.c, p.g)}` : `c${p.c}.${p.op}`;
  return p.moved ? `${what} SESSIONMOVED` : what;
}

function txn(t: Txn): string {
  return `${fmtZxid(t.z)} ${payload(t.v)}`;
}

/** ZAB's messages with their payloads decoded; the rest as ZAB renders them. */
function zabMsg(m: ZabMsg): string {
  switch (m.t) {
    case 'PROPOSAL':
      return `PROPOSAL(${txn(m.txn)}) #${m.s}`;
    case 'INFORM':
      return `INFORM(${txn(m.txn)}) #${m.s}`;
    case 'REQUEST':
      return `REQUEST(${payload(m.v)}) #${m.s}`;
    case 'SNAP':
      return `SNAP(${fmtZxid(m.z)} [${m.txns.map(txn).join(', ')}]) #${m.s}`;
    default:
      return zabRender.msg(m);
  }
}

export const zkRender: Render<ZkState, ZkMsg, ZkRequest, ZkObs, ZkConfig> = {
  node: (id, cfg) => (isServer(id, cfg) ? zabRender.node(id, zabConfig(cfg)) : `c${clientIndex(id, cfg)}`),
  msg(m) {
    if (isZabMsg(m)) return zabMsg(m as ZabMsg);
    switch (m.t) {
      case 'connect':
        return `connect(${m.g < 0 ? 'new session' : `session #${m.g}`}, lastZxid ${fmtZxid(m.last)}) @${m.a}`;
      case 'connected':
        return `connected(session #${m.g}) @${m.a}`;
      case 'wait':
        return `wait (session handshake in progress) @${m.a}`;
      case 'refused':
        return `refused(${m.why}) @${m.a}`;
      case 'expired':
        return `SESSIONEXPIRED @${m.a}`;
      case 'dropped':
        return `connection closed by server @${m.a}`;
      case 'bye':
        return `client closes connection @${m.a}`;
      case 'setWatches':
        return `setWatches(rel ${fmtZxid(m.rel)}: ${m.regs.map((r) => `${r.kind} ${r.path}`).join(', ')}) @${m.a}`;
      case 'op':
        return `op ${m.k}: ${m.what} @${m.a}`;
      case 'reply':
        return `reply ${m.k} zxid ${fmtZxid(m.z)}: ${describeResult(m.res)} @${m.a}`;
      case 'event':
        return `WATCH ${m.type} ${m.path} @${m.a}`;
      case 'revalidate':
        return `REVALIDATE(${sid(m.c, m.g)} @${m.a}) #${m.s}`;
      case 'revalidated':
        return `REVALIDATE ${m.ok ? 'ok' : 'expired'}(${sid(m.c, m.g)} @${m.a}) #${m.s}`;
      case 'gone':
        return `client left(${sid(m.c, m.g)}) #${m.s}`;
    }
  },
  msgType: (m) => m.t,
  request: (c) => `call op ${c.k}${c.what !== undefined ? `: ${c.what}` : ''}`,
  obs(o) {
    switch (o.t) {
      case 'apply':
        return `applies ${fmtZxid(o.z)} ${o.what}${o.ok ? '' : ' (error)'}`;
      case 'refuse':
        return `refuses c${o.c}: ${o.why}`;
      case 'rewatch':
        return `re-registers c${o.c}'s watches at ${fmtZxid(o.z)}`;
      case 'moved':
        return `SESSIONMOVED for c${o.c} op ${o.k}`;
      case 'expire':
        return `expires session ${sid(o.c, o.g)}`;
      case 'issue':
        return `issues op ${o.k}`;
      case 'reply':
        return `op ${o.k} answered at ${fmtZxid(o.z)}: ${describeResult(o.res)}`;
      case 'event':
        return `watch event ${o.type} ${o.path}`;
      case 'lost':
        return `op ${o.k} lost with the connection (CONNECTIONLOSS)`;
      case 'session':
        return `${o.fresh ? 'new session' : 'session'} #${o.g} on s${o.server}`;
      case 'ended':
        return `session ${o.why}`;
      default: {
        const z = o as ZabObs;
        return z.t === 'propose' ? `proposes ${fmtZxid(z.z)} ${payload(z.v)}` : zabRender.obs(z);
      }
    }
  },
  state(s, cfg) {
    if (s.kind === 'client') {
      return {
        phase: s.phase,
        server: s.server,
        session: s.g,
        lastZxidSeen: fmtZxid(s.lastZxid),
        ...(s.out >= 0 ? { outstanding: s.out } : {}),
        ...(s.ready.length > 0 ? { ready: s.ready.join(' ') } : {}),
        ...(s.regs.length > 0 ? { watches: s.regs.map((r) => `${r.kind} ${r.path}`).join(', ') } : {}),
      };
    }
    return {
      ...(zabRender.state ? (zabRender.state(s.zab, zabConfig(cfg)) as object) : {}),
      applied: fmtZxid(s.lastZxid),
      serving: s.serving,
      clients: s.conns
        .map((c, i) => (c === null ? null : `c${i}@${c.a} ${c.st}${c.wait >= 0 ? ` waits ${c.wait}` : ''}`))
        .filter((x) => x !== null)
        .join(', '),
    };
  },
  phase(s) {
    if (s.kind === 'client') return phaseLabel('client', s.phase);
    return zabRender.phase ? zabRender.phase(s.zab) : s.zab.state;
  },
};
