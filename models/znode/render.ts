// How the znode protocol reads in a trace: the server as "zk", clients as c1..ck,
// requests as the ZooKeeper calls they are, replies with their zxid.
import type { Render } from '../../src/protocol.ts';
import type { Reply, ZMsg, ZObs, ZState } from './messages.ts';
import { paths } from './tree.ts';
import { formatOp, type ZnodeConfig, type ZRequest } from './workload.ts';

function reply(r: Reply): string {
  if (!r.ok) return r.code;
  if (r.path !== undefined && r.stat) return `ok ${r.path} (czxid ${r.stat.czxid})`;
  if (r.exists !== undefined) return r.exists ? `exists (v${r.stat?.version})` : 'absent';
  if (r.children !== undefined) return `[${r.children.join(',')}]`;
  if (r.data !== undefined) return `${JSON.stringify(r.data)} (v${r.stat?.version})`;
  if (r.stat) return `ok (v${r.stat.version})`;
  return 'ok';
}

export const znodeRender: Render<ZState, ZMsg, ZRequest, ZObs, ZnodeConfig> = {
  node: (id) => (id === 0 ? 'zk' : `c${id}`),
  msg(m) {
    switch (m.t) {
      case 'Connect':
        return m.session === null ? 'Connect(new session)' : `Connect(resume ${m.session})`;
      case 'Connected':
        return `Connected(${m.session} @${m.zxid})`;
      case 'Req':
        return `#${m.xid} ${formatOp(m.op)}`;
      case 'Reply':
        return `#${m.xid} ${reply(m.res)} @${m.zxid}`;
      case 'Watch':
        return `Watch(${m.type} ${m.path} @${m.zxid})`;
      case 'Expired':
        return `Expired(${m.session})`;
    }
  },
  msgType: (m) => m.t,
  request(c) {
    return c.t === 'next' ? 'next operation' : `expire the sessions of c${c.client}`;
  },
  obs(o) {
    switch (o.t) {
      case 'txn':
        return `zxid ${o.zxid}: ${o.what} ${o.ok ? 'ok' : o.code}`;
      case 'reply':
        return `op ${o.k} ${o.what} -> ${o.ok ? (o.created ?? 'ok') : o.code} @${o.zxid}`;
      case 'event':
        return `event ${o.type} ${o.path} @${o.zxid} (${o.fired} registration${o.fired === 1 ? '' : 's'})`;
      case 'session':
        return `session ${o.session} ${o.event}`;
    }
  },
  state(s) {
    if (s.role === 'client') return { session: s.session, phase: s.phase, pending: s.pending.map((p) => p.xid), queued: s.queue.length, watches: s.regs.map((g) => `${g.kind} ${g.path} @${g.at}`) };
    return { zxid: s.zxid, nodes: paths(s.tree).filter((p) => p !== '/zookeeper' && !p.startsWith('/zookeeper/')), conns: s.conns };
  },
  phase: (s) => (s.role === 'server' ? 'server' : `client:${s.phase}`),
};
