// One ZooKeeper session driven through node-zookeeper-client's ConnectionManager, with the
// library's gaps closed from outside (see README.md in this folder for the why of each):
//
// - frames are split and dispatched here, so replies to CREATE2/SYNC, unknown error codes
//   and unknown event types reach us instead of crashing or resetting the library;
// - a read timeout and a handshake timeout drop a connection to a paused server, which the
//   library would wait on forever;
// - watch registrations are ours: attributed to the ops that made them, re-sent once and
//   in front of any queued request after a reconnect;
// - the last zxid seen never goes backwards, so a reconnect cannot land on a member that is
//   behind what this session already saw.

import zookeeper, { type ConnectionManager, type QueuedPacket } from 'node-zookeeper-client';
import type { Socket } from 'node:net';
import { OP, XID, EVENT_NAMES, RawRequest, encode, replyHeader, decodeNotification, sessionHex } from './wire.ts';

export const CM_STATE = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  CONNECTED: 2,
  CONNECTED_READ_ONLY: 3,
  CLOSING: -1,
  CLOSED: -2,
  SESSION_EXPIRED: -3,
  AUTH_FAILED: -4,
} as const;

export type SessionEventName = 'CONNECTING' | 'CONNECTED' | 'DISCONNECTED' | 'SESSION_EXPIRED' | 'CLOSING' | 'CLOSED' | 'CLIENT_DROPS_CONNECTION' | 'CLIENT_REPLACES_SESSION' | 'ABANDONED';

export type RawOutcome =
  | { kind: 'reply'; zxid: bigint; err: number; server: string | null; frame: Buffer; t: number }
  | { kind: 'lost'; code: number; t: number }
  | { kind: 'exception'; message: string; t: number };

export type WatchKind = 'data' | 'exist' | 'child';

export interface SessionHooks {
  now(): number;
  serverName(port: number): string | null;
  event(ev: { event: SessionEventName; session: string | null; server: string | null; extra?: Record<string, unknown> }): void;
  notification(n: { type: string; path: string; session: string | null; server: string | null; ops: number[]; t: number }): void;
}

export interface SessionOptions {
  sessionTimeoutMs: number;
  /** Wait between rounds over all servers when none answers; the library's default is 1 s. */
  spinDelayMs?: number;
  /**
   * Try servers in the connection string's order instead of the library's unseeded
   * shuffle, so the recorder can spread sessions over every member and faults hit some.
   */
  keepServerOrder?: boolean;
}

export interface SessionCounters {
  replyZxidRegressions: number;
  protocolAnomalies: number;
  clientExceptions: number;
  unattributedWatchEvents: number;
  droppedConnections: number;
  setWatchesSent: number;
}

const nowMs = () => Number(process.hrtime.bigint() / 1_000_000n);

export class ZkSession {
  readonly cm: ConnectionManager;
  sessionId: string | null = null;
  server: string | null = null;
  lastZxid = 0n;
  connectAttempts = 0;
  expired = false;
  readonly counters: SessionCounters = {
    replyZxidRegressions: 0,
    protocolAnomalies: 0,
    clientExceptions: 0,
    unattributedWatchEvents: 0,
    droppedConnections: 0,
    setWatchesSent: 0,
  };
  readonly closed: Promise<void>;

  private readonly watches: Record<WatchKind, Map<string, number[]>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
  };
  private sock: Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private lastRx = 0;
  private socketSeen: Socket | null = null;
  private socketSince = 0;
  private prevState: number = CM_STATE.DISCONNECTED;
  private everConnected = false;
  private announcedConnecting = false;
  private abandoned = false;
  private tick: NodeJS.Timeout | null = null;
  private resolveClosed!: () => void;
  private readonly origOnSocketData: (chunk: Buffer) => void;
  private reachable: ConnectionManager['servers'] | null = null;

  constructor(
    connectionString: string,
    private readonly nServers: number,
    opts: SessionOptions,
    private readonly hooks: SessionHooks,
  ) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
    const client = zookeeper.createClient(connectionString, {
      sessionTimeout: opts.sessionTimeoutMs,
      spinDelay: opts.spinDelayMs ?? 500,
      retries: 0,
    });
    this.cm = client.connectionManager;
    if (opts.keepServerOrder) {
      this.cm.servers = connectionString.split(',').map((hp) => {
        const [host, port] = hp.split(':');
        return { host: host!, port: Number(port) };
      });
    }
    this.origOnSocketData = this.cm.onSocketData;
    // connect() binds cm.onSocketData per socket, so replacing it on the instance before
    // the first connect routes every socket's data through us.
    this.cm.onSocketData = (chunk: Buffer) => this.onData(chunk);
    this.cm.on('state', (s: number) => this.onState(s));
  }

  get state(): number {
    return this.cm.state;
  }

  get live(): boolean {
    const s = this.cm.state;
    return s !== CM_STATE.CLOSED && s !== CM_STATE.SESSION_EXPIRED && s !== CM_STATE.AUTH_FAILED && !this.abandoned;
  }

  start(): void {
    this.tick = setInterval(() => this.onTick(), 100);
    this.hooks.event({ event: 'CONNECTING', session: null, server: null });
    this.announcedConnecting = true;
    (this.cm as unknown as { connect(): void }).connect();
  }

  /** Resolves once connected, or false when the bound passes or the session ends first. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.cm.state === CM_STATE.CONNECTED) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.cm.off('state', onState);
        resolve(v);
      };
      const onState = (s: number) => {
        if (s === CM_STATE.CONNECTED) done(true);
        else if (s === CM_STATE.CLOSED || s === CM_STATE.SESSION_EXPIRED) done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.cm.on('state', onState);
    });
  }

  send(type: number, body: Buffer, cb: (o: RawOutcome) => void): void {
    let done = false;
    const once = (o: RawOutcome) => {
      if (done) return;
      done = true;
      cb(o);
    };
    try {
      this.cm.queue(new RawRequest(type, body), (err, reply) => {
        if (err) once({ kind: 'lost', code: typeof err.code === 'number' ? err.code : -4, t: this.hooks.now() });
        else once(reply as RawOutcome);
      });
    } catch (e) {
      this.counters.clientExceptions++;
      once({ kind: 'exception', message: e instanceof Error ? e.message : String(e), t: this.hooks.now() });
    }
  }

  /**
   * Sends CLOSE_SESSION once connected. The library's own close() gives no reply zxid,
   * which the history needs (it is when the session's ephemerals vanish).
   */
  close(cb: (o: RawOutcome) => void): void {
    const go = () => {
      try {
        this.cm.setState(CM_STATE.CLOSING);
      } catch (e) {
        this.counters.clientExceptions++;
        cb({ kind: 'exception', message: e instanceof Error ? e.message : String(e), t: this.hooks.now() });
        return;
      }
      this.send(OP.CLOSE_SESSION, Buffer.alloc(0), cb);
    };
    if (this.cm.state === CM_STATE.CONNECTED) return go();
    if (!this.live) return cb({ kind: 'lost', code: this.expired ? -112 : -4, t: this.hooks.now() });
    const onState = (s: number) => {
      if (s === CM_STATE.CONNECTED) {
        this.cm.off('state', onState);
        go();
      } else if (s === CM_STATE.CLOSED || s === CM_STATE.SESSION_EXPIRED) {
        this.cm.off('state', onState);
        cb({ kind: 'lost', code: s === CM_STATE.SESSION_EXPIRED ? -112 : -4, t: this.hooks.now() });
      }
    };
    this.cm.on('state', onState);
  }

  /** Stops all reconnecting: the library would otherwise retry this session forever. */
  abandon(): void {
    if (this.cm.state === CM_STATE.CLOSED) {
      this.dispose();
      return;
    }
    if (!this.abandoned) this.hooks.event({ event: 'ABANDONED', session: this.sessionId, server: this.server });
    this.abandoned = true;
    try {
      if (this.cm.state !== CM_STATE.CLOSING) this.cm.setState(CM_STATE.CLOSING);
      this.cm.socket?.destroy();
    } catch {
      this.counters.clientExceptions++;
    }
    // A reconnect timer may still be pending in the library and open one more socket.
    setTimeout(() => {
      if (this.cm.state !== CM_STATE.CLOSED) this.cm.socket?.destroy();
      this.dispose();
    }, 1500).unref();
  }

  /**
   * Cuts the client off from every member (a partition of the client, or a client pause
   * as the servers see it): the connection is dropped and every reconnect goes to a
   * closed port until heal(). Longer than the session timeout, the leader expires the
   * session and deletes its ephemerals at a zxid no reply names.
   */
  isolate(): void {
    if (this.reachable) return;
    this.reachable = this.cm.servers;
    // Port 1 on the loopback refuses at once, so the library spins over "members" that never answer.
    this.cm.servers = this.reachable.map(() => ({ host: '127.0.0.1', port: 1 }));
    if (this.cm.state === CM_STATE.CONNECTED) {
      this.counters.droppedConnections++;
      this.hooks.event({ event: 'CLIENT_DROPS_CONNECTION', session: this.sessionId, server: this.server, extra: { reason: 'partition' } });
    }
    this.cm.socket?.destroy();
  }

  /** Ends isolate(): the next reconnect reaches the members again. */
  heal(): void {
    if (!this.reachable) return;
    this.cm.servers = this.reachable;
    this.reachable = null;
  }

  dispose(): void {
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }

  registerWatch(kind: WatchKind, path: string, opId: number): void {
    const m = this.watches[kind];
    const list = m.get(path);
    if (list) list.push(opId);
    else m.set(path, [opId]);
  }

  // ---- internals ----------------------------------------------------------------------

  private onState(s: number): void {
    const prev = this.prevState;
    this.prevState = s;
    switch (s) {
      case CM_STATE.CONNECTING:
        this.connectAttempts++;
        if (!this.announcedConnecting) {
          this.announcedConnecting = true;
          this.hooks.event({ event: 'CONNECTING', session: this.sessionId, server: null });
        }
        break;
      case CM_STATE.CONNECTED: {
        this.sessionId = sessionHex(this.cm.sessionId.readBigUInt64BE(0));
        const port = this.cm.socket?.remotePort;
        this.server = port ? this.hooks.serverName(port) : null;
        this.lastRx = nowMs();
        this.announcedConnecting = false;
        this.hooks.event({
          event: 'CONNECTED',
          session: this.sessionId,
          server: this.server,
          extra: {
            connect_attempts: this.connectAttempts,
            timeout_ms: this.cm.sessionTimeout,
            last_zxid_seen: Number(this.lastZxid),
          },
        });
        this.connectAttempts = 0;
        if (this.everConnected) this.resendWatches();
        this.everConnected = true;
        break;
      }
      case CM_STATE.DISCONNECTED:
        if (prev === CM_STATE.CONNECTED || prev === CM_STATE.CLOSING) {
          this.hooks.event({ event: 'DISCONNECTED', session: this.sessionId, server: this.server });
        }
        this.server = null;
        break;
      case CM_STATE.SESSION_EXPIRED:
        this.expired = true;
        this.hooks.event({ event: 'SESSION_EXPIRED', session: this.sessionId, server: null });
        // The server closes the socket after an expired handshake; make sure of it.
        setTimeout(() => {
          if (this.cm.state === CM_STATE.SESSION_EXPIRED) this.cm.socket?.destroy();
        }, 200).unref();
        break;
      case CM_STATE.CLOSING:
        this.hooks.event({ event: 'CLOSING', session: this.sessionId, server: this.server });
        break;
      case CM_STATE.CLOSED: {
        this.server = null;
        this.hooks.event({ event: 'CLOSED', session: this.sessionId, server: null });
        // The library fails only sent requests on close; queued ones would never complete.
        const code = this.expired ? -112 : -4;
        const stranded = this.cm.packetQueue.queue.splice(0);
        for (const p of stranded) p.callback?.(Object.assign(new Error('closed'), { code }));
        this.dispose();
        this.resolveClosed();
        break;
      }
    }
  }

  private onTick(): void {
    const cm = this.cm;
    const now = nowMs();
    if (cm.socket !== this.socketSeen) {
      this.socketSeen = cm.socket;
      this.socketSince = now;
    }
    const timeout = cm.sessionTimeout;
    if (cm.state === CM_STATE.CONNECTED && now - this.lastRx > Math.floor((timeout * 2) / 3)) {
      // Same bound as the Java client's read timeout: a member that is paused (SIGSTOP)
      // keeps the TCP connection open and would hold every request forever.
      this.counters.droppedConnections++;
      this.hooks.event({
        event: 'CLIENT_DROPS_CONNECTION',
        session: this.sessionId,
        server: this.server,
        extra: { reason: 'read timeout', silent_ms: now - this.lastRx },
      });
      this.lastRx = now;
      cm.socket?.destroy();
    } else if (cm.state === CM_STATE.CONNECTING && cm.socket && now - this.socketSince > Math.max(1000, Math.floor(timeout / Math.max(1, this.nServers)))) {
      // The library's connect timeout covers only TCP; a paused member accepts the TCP
      // connection and then never answers the handshake.
      this.socketSince = now;
      cm.socket.destroy();
    }
  }

  private onData(chunk: Buffer): void {
    const cm = this.cm;
    if (cm.socket !== this.sock) {
      // The library never clears its partial buffer on reconnect; we keep one per socket.
      this.sock = cm.socket;
      this.buf = Buffer.alloc(0);
    }
    this.lastRx = nowMs();
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (size < 0 || size > 64 * 1024 * 1024) {
        this.counters.protocolAnomalies++;
        this.buf = Buffer.alloc(0);
        cm.socket?.destroy();
        return;
      }
      if (this.buf.length < size + 4) break;
      const frame = this.buf.subarray(0, size + 4);
      this.buf = this.buf.subarray(size + 4);
      try {
        this.onFrame(frame);
      } catch {
        this.counters.clientExceptions++;
        this.buf = Buffer.alloc(0);
        cm.socket?.destroy();
        return;
      }
      if (cm.socket !== this.sock) return;
    }
  }

  private onFrame(frame: Buffer): void {
    const cm = this.cm;
    if (cm.state === CM_STATE.CONNECTING) {
      // The handshake reply: the library sets session id, password and timeout from it.
      (cm as unknown as { pendingBuffer: Buffer | null }).pendingBuffer = null;
      this.origOnSocketData.call(cm, Buffer.from(frame));
      return;
    }
    const h = replyHeader(frame);
    if (h.xid === XID.PING || h.xid === XID.AUTH) return;
    if (h.xid === XID.NOTIFICATION) {
      this.onNotification(frame);
      return;
    }
    if (this.abandoned && cm.pendingQueue.length === 0) {
      cm.socket?.destroy();
      return;
    }
    const pkt = cm.pendingQueue.shift();
    if (!pkt || !pkt.request.header || pkt.request.header.xid !== h.xid) {
      this.counters.protocolAnomalies++;
      if (pkt) cm.pendingQueue.unshift(pkt);
      cm.socket?.destroy();
      return;
    }
    if (h.zxid > 0n) {
      if (h.zxid >= this.lastZxid) {
        this.lastZxid = h.zxid;
        cm.zxid.writeBigInt64BE(h.zxid);
      } else {
        this.counters.replyZxidRegressions++;
      }
    }
    pkt.callback?.(null, {
      kind: 'reply',
      zxid: h.zxid,
      err: h.err,
      server: this.server,
      frame: Buffer.from(frame),
      t: this.hooks.now(),
    } satisfies RawOutcome);
  }

  private onNotification(frame: Buffer): void {
    const t = this.hooks.now();
    const ev = decodeNotification(frame);
    const type = EVENT_NAMES[ev.type] ?? `Unknown(${ev.type})`;
    if (ev.type === -1) return;
    const take = (kind: WatchKind): number[] => {
      const ids = this.watches[kind].get(ev.path) ?? [];
      this.watches[kind].delete(ev.path);
      return ids;
    };
    // Which registrations an event consumes, as the Java client decides it.
    let ops: number[] = [];
    if (type === 'NodeCreated' || type === 'NodeDataChanged') ops = [...take('data'), ...take('exist')];
    else if (type === 'NodeChildrenChanged') ops = take('child');
    else if (type === 'NodeDeleted') ops = [...take('data'), ...take('exist'), ...take('child')];
    if (ops.length === 0) this.counters.unattributedWatchEvents++;
    this.hooks.notification({ type, path: ev.path, session: this.sessionId, server: this.server, ops, t });
  }

  /**
   * After a reconnect, SET_WATCHES goes in front of anything queued while disconnected, so
   * no request is answered by the new member before our watches are back in place. The
   * relative zxid makes the member fire at once for changes we have not seen.
   */
  private resendWatches(): void {
    const paths = (k: WatchKind) => [...this.watches[k].entries()].filter(([, ids]) => ids.length).map(([p]) => p);
    const data = paths('data');
    const exist = paths('exist');
    const child = paths('child');
    if (data.length + exist.length + child.length === 0) return;
    const req = new RawRequest(OP.SET_WATCHES, encode.setWatches(this.lastZxid, data, exist, child));
    const pkt: QueuedPacket = {
      request: req,
      callback: (err, reply) => {
        const r = reply as RawOutcome | undefined;
        if (!err && r?.kind === 'reply' && r.err !== 0) this.counters.protocolAnomalies++;
      },
    };
    // The library flushes its queue right after announcing CONNECTED, so this is sent first.
    this.cm.packetQueue.queue.unshift(pkt);
    this.counters.setWatchesSent++;
  }
}
