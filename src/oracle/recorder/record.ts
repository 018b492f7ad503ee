// Records a zk-history/1 file (../../../../shared/history-format.md) from a bounded, seeded
// workload run by concurrent sessions against a real ensemble, optionally while members
// are paused and killed. Every line is kept in memory and written once, sorted, to a
// temporary file renamed into place: a crashed or stopped run leaves no partial history.

import seedrandom from 'seedrandom';
import { createRequire } from 'node:module';
import { runNemesis } from './nemesis.ts';
import type { EnsembleMemberStatus, Json, RecordOptions, RecordResult, TargetEnsemble } from './options.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { writeHistoryFile } from './output.ts';
import { decodeReply, requestFor, watchFor } from './reply.ts';
import { ZkSession, type RawOutcome, type WatchKind, type SessionCounters } from './session.ts';
import { learn, LogicalClient, pick, type OpSpec } from './workload.ts';

/** An op line as the recorder fills it in: outcome and t_complete arrive with the reply. */
interface OpLine {
  kind: 'op';
  id: number;
  phase: string;
  process: number;
  client: number;
  session: string | null;
  server: string | null;
  type: string;
  path: string | null;
  args: Json;
  t_invoke: number;
  t_complete: number | null;
  outcome: Json | null;
  watch_registered?: WatchKind;
  watch_events?: Array<{ type: string; path: string; t: number }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function clientLibraryVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req('node-zookeeper-client/package.json') as { version: string };
    return `node-zookeeper-client@${pkg.version}`;
  } catch {
    return 'node-zookeeper-client';
  }
}

export class Recorder {
  private readonly o: RecordOptions;
  private readonly t0 = process.hrtime.bigint();
  private readonly lines: Array<{ key: number; seq: number; obj: Json }> = [];
  private seq = 0;
  private nextId = 0;
  private nextProcess = 0;
  private readonly opsById = new Map<number, OpLine>();
  private readonly sessions: ZkSession[] = [];
  private readonly clients: LogicalClient[] = [];
  private readonly runId: string;
  readonly root: string;
  private mainIssued = 0;
  private mainStart = 0;
  private mainEnd = 0;
  private stopMain = false;
  private nemesisDone = true;
  private readonly counts = {
    lateReplies: 0,
    lateLosses: 0,
    nemesis: 0,
    faults: { pause: 0, kill: 0, partition: 0, 'pause-all': 0 } as Record<string, number>,
    watchEvents: 0,
    sessionExpirations: 0,
  };
  private readonly log: (s: string) => void;

  constructor(
    private readonly ens: TargetEnsemble,
    opts: Partial<RecordOptions> = {},
    private readonly extraMeta: Json = {},
    log?: (s: string) => void,
  ) {
    this.o = { ...DEFAULT_OPTIONS, ...opts };
    this.log = this.o.quiet ? () => {} : (log ?? ((s) => console.error(s)));
    this.runId = `${this.o.seed}-${Date.now().toString(36)}`;
    this.root = `/oracle-${this.runId}`;
  }

  private now(): number {
    return Number(process.hrtime.bigint() - this.t0);
  }

  private push(obj: Json, key: number): void {
    this.lines.push({ key, seq: this.seq++, obj });
  }

  private serverName(port: number): string | null {
    return this.ens.members.find((m) => m.clientPort === port)?.name ?? null;
  }

  private openSession(c: LogicalClient): ZkSession {
    // Each new session starts at the next member, so every member serves some sessions
    // and every fault is felt by someone.
    const ms = this.ens.members;
    const first = (c.index + c.sessionsOpened) % ms.length;
    const order = [...ms.slice(first), ...ms.slice(0, first)].map((m) => `127.0.0.1:${m.clientPort}`);
    const s = new ZkSession(
      order.join(','),
      ms.length,
      { sessionTimeoutMs: this.o.sessionTimeoutMs, keepServerOrder: true },
      {
        now: () => this.now(),
        serverName: (p) => this.serverName(p),
        event: (ev) => {
          if (ev.event === 'SESSION_EXPIRED') this.counts.sessionExpirations++;
          const t = this.now();
          this.push({ kind: 'session', t, client: c.index, session: ev.session, event: ev.event, server: ev.server, ...ev.extra }, t);
        },
        notification: (n) => {
          this.counts.watchEvents++;
          for (const id of n.ops) this.opsById.get(id)?.watch_events?.push({ type: n.type, path: n.path, t: n.t });
          this.push({ kind: 'watch', t: n.t, client: c.index, session: n.session, server: n.server, type: n.type, path: n.path, ops: n.ops }, n.t);
        },
      },
    );
    this.sessions.push(s);
    c.session = s;
    c.sessionsOpened++;
    c.versions.clear();
    s.start();
    return s;
  }

  /** After a close or an expiry the client goes on in a new session, a bounded number of times. */
  private async replaceSession(c: LogicalClient): Promise<boolean> {
    const old = c.session;
    const t = this.now();
    this.push({ kind: 'session', t, client: c.index, session: old.sessionId, event: 'CLIENT_REPLACES_SESSION', server: null }, t);
    if (old.live) {
      await Promise.race([old.closed, sleep(2000)]);
      if (old.live) old.abandon();
    }
    if (c.sessionsOpened >= this.o.maxSessionsPerClient) return false;
    const s = this.openSession(c);
    await s.waitConnected(this.o.sessionTimeoutMs);
    return true;
  }

  // ---- one operation ------------------------------------------------------------------

  private runOp(c: LogicalClient, phase: string, spec: OpSpec): Promise<OpLine> {
    // Only the main phase is about indeterminacy; setup, final reads and teardown should
    // get answers, so they wait at least 10 s.
    const timeoutMs = phase === 'main' ? this.o.opTimeoutMs : Math.max(this.o.opTimeoutMs, 10_000);
    const s = c.session;
    const id = this.nextId++;
    const args = spec.args(id);
    const op: OpLine = {
      kind: 'op',
      id,
      phase,
      process: c.process,
      client: c.index,
      session: s.sessionId,
      server: s.server,
      type: spec.type,
      path: spec.path,
      args,
      t_invoke: this.now(),
      t_complete: null,
      outcome: null,
    };
    this.opsById.set(id, op);
    this.push(op as unknown as Json, op.t_invoke);
    return new Promise<OpLine>((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        op.t_complete = this.now();
        op.outcome = { type: 'info', error: 'TIMEOUT' };
        c.process = this.nextProcess++;
        if (spec.type === 'close_session') s.abandon();
        resolve(op);
      }, timeoutMs);
      const onRaw = (raw: RawOutcome) => {
        const outcome = decodeReply(spec.type, raw);
        if (done) {
          // The op is already recorded as TIMEOUT; a real reply still tells when and how
          // it took effect, so it goes in its own line.
          if (raw.kind === 'reply') {
            this.counts.lateReplies++;
            const late: Json = { kind: 'late', t: raw.t, op: id, outcome };
            const w = watchFor(spec, outcome);
            if (w && spec.path) {
              s.registerWatch(w, spec.path, id);
              late.watch_registered = w;
            }
            this.push(late, raw.t);
          } else {
            this.counts.lateLosses++;
          }
          return;
        }
        done = true;
        clearTimeout(timer);
        op.t_complete = raw.t;
        op.outcome = outcome;
        const w = watchFor(spec, outcome);
        if (w && spec.path) {
          op.watch_registered = w;
          op.watch_events = [];
          s.registerWatch(w, spec.path, id);
        }
        if (outcome.type === 'info') c.process = this.nextProcess++;
        learn(c, this.root, spec, outcome);
        resolve(op);
      };
      if (spec.type === 'close_session') {
        s.close(onRaw);
        return;
      }
      const req = requestFor(spec, args);
      s.send(req.code, req.body, onRaw);
    });
  }

  // ---- workload -----------------------------------------------------------------------

  private shouldStopMain(): boolean {
    if (this.stopMain) return true;
    const elapsedS = (this.now() - this.mainStart) / 1e9;
    if (elapsedS >= this.o.maxSeconds) return true;
    if (this.mainIssued >= this.o.ops) return true;
    if (this.o.faults) return this.nemesisDone;
    return false;
  }

  private async clientLoop(c: LogicalClient): Promise<void> {
    while (!this.shouldStopMain()) {
      if (!c.session.live) {
        if (!(await this.replaceSession(c))) return;
        continue;
      }
      const spec = pick(c, this.root, this.o);
      this.mainIssued++;
      await this.runOp(c, 'main', spec);
      if (spec.type === 'close_session') {
        if (!(await this.replaceSession(c))) return;
      }
      if (this.o.thinkMs > 0) await sleep(Math.floor(c.rng() * 2 * this.o.thinkMs));
    }
  }

  // ---- faults -------------------------------------------------------------------------

  private nemesisLine(action: string, target: string | null, pid: number | null, role: string | null, extra: Json = {}): void {
    this.counts.nemesis++;
    const t = this.now();
    this.push({ kind: 'nemesis', t, action, target, pid, role, ...extra }, t);
    this.log(`nemesis: ${action}${target ? ` ${target}` : ''}${role ? ` (${role})` : ''}${pid ? ` pid ${pid}` : ''}`);
  }

  private isolateClient(pick: number): string | null {
    const live = this.clients.filter((c) => c.session?.live);
    if (live.length === 0) return null;
    const c = live[Math.floor(pick * live.length)]!;
    c.session.isolate();
    return `client-${c.index}`;
  }

  private healClient(name: string): void {
    // Only sessions opened before the cut are isolated (a replacement starts reachable); heal() is a no-op elsewhere.
    const c = this.clients.find((x) => `client-${x.index}` === name);
    if (c) c.session.heal();
  }

  // ---- the run ------------------------------------------------------------------------

  async run(outFile: string): Promise<RecordResult> {
    try {
      return await this.runInner(outFile);
    } catch (e) {
      // No history on failure; just make sure no session keeps reconnecting or ticking.
      for (const s of this.sessions) {
        if (s.live) s.abandon();
        s.dispose();
      }
      throw e;
    }
  }

  private async runInner(outFile: string): Promise<RecordResult> {
    const o = this.o;
    const start = await this.ens.waitForLeader(30_000, { requireAll: true });
    const meta: Json = {
      kind: 'meta',
      format: 'zk-history/1',
      run_id: this.runId,
      root: this.root,
      wall_clock_start: new Date().toISOString(),
      time_unit: 'ns since start of run (process.hrtime, monotonic)',
      zookeeper_version: start.find((s) => s.version)?.version ?? 'unknown',
      client_library: clientLibraryVersion(),
      node_version: process.version,
      create_opcode: 'CREATE2(15)',
      ensemble: this.ens.members.map((m) => {
        const s = start.find((x) => x.name === m.name);
        return {
          name: m.name,
          myid: m.myid,
          client: `127.0.0.1:${m.clientPort}`,
          role_at_start: s?.mode ?? 'unknown',
          zxid_at_start: s?.zxid ?? null,
        };
      }),
      ...this.extraMeta,
      options: { ...o },
    };

    const master = seedrandom(String(o.seed));
    for (let i = 0; i < o.clients; i++) {
      const c = new LogicalClient(i, this.nextProcess++, seedrandom(`${o.seed}/${i}/${master()}`));
      this.clients.push(c);
      this.openSession(c);
    }
    const connected = await Promise.all(this.clients.map((c) => c.session.waitConnected(15_000)));
    if (!connected.every(Boolean)) throw new Error(`only ${connected.filter(Boolean).length}/${o.clients} sessions connected within 15 s`);

    // Setup: the root and the parent of the sequential nodes.
    const c0 = this.clients[0]!;
    for (const [path, value] of [
      [this.root, 'root'],
      [`${this.root}/q`, 'q'],
    ] as const) {
      const op = await this.runOp(c0, 'setup', { type: 'create', path, args: () => ({ mode: 'PERSISTENT', value }) });
      if (op.outcome?.type !== 'ok') throw new Error(`setup create ${path} failed: ${JSON.stringify(op.outcome)}`);
    }

    this.log(`recording: ${o.clients} clients, ${o.faults ? `${o.faultCount} faults` : 'no faults'}, root ${this.root}`);
    this.mainStart = this.now();
    this.nemesisDone = !o.faults;
    const nemesis = o.faults
      ? runNemesis({
          ens: this.ens,
          o,
          mainStart: this.mainStart,
          now: () => this.now(),
          log: this.log,
          line: (action, target, pid, role, extra) => this.nemesisLine(action, target, pid, role, extra),
          faults: this.counts.faults,
          isolateClient: (pick) => this.isolateClient(pick),
          healClient: (name) => this.healClient(name),
        }).finally(() => {
          this.nemesisDone = true;
        })
      : Promise.resolve();
    let nemesisError: unknown = null;
    nemesis.catch((e) => {
      nemesisError = e;
      this.stopMain = true;
    });
    await Promise.all(this.clients.map((c) => this.clientLoop(c)));
    this.mainEnd = this.now();
    await nemesis.catch(() => {});
    if (nemesisError) throw nemesisError;

    // A final sync-then-read from a fresh session pins down the state everyone converged on.
    const final = new LogicalClient(o.clients, this.nextProcess++, seedrandom(`${o.seed}/final`));
    this.clients.push(final);
    if (o.finalRead) {
      await this.ens.waitForLeader(45_000, { requireAll: true });
      this.openSession(final);
      if (!(await final.session.waitConnected(15_000))) throw new Error('final-read session did not connect within 15 s');
      await this.finalRead(final);
    }

    // Teardown: close every live session so its ephemerals go at a recorded zxid.
    await Promise.all(
      this.clients
        .filter((c) => c.session?.live)
        .map(async (c) => {
          const op = await this.runOp(c, 'teardown', { type: 'close_session', path: null, args: () => ({}) });
          if (op.outcome?.type === 'ok') await Promise.race([c.session.closed, sleep(3000)]);
          if (c.session.live) c.session.abandon();
        }),
    );
    for (const s of this.sessions) if (s.live) s.abandon();
    const endStatus = await this.ens.status().catch(() => []);
    for (const s of this.sessions) s.dispose();

    const summary = this.summary(endStatus);
    writeHistoryFile(outFile, meta, this.lines, summary);
    return { file: outFile, summary };
  }

  private async finalRead(c: LogicalClient): Promise<void> {
    const R = this.root;
    await this.runOp(c, 'final', { type: 'sync', path: R, args: () => ({}) });
    const list = async (p: string): Promise<string[]> => {
      const op = await this.runOp(c, 'final', { type: 'children', path: p, args: () => ({ watch: false }) });
      return op.outcome?.type === 'ok' ? (op.outcome.children as string[]) : [];
    };
    const top = await list(R);
    const paths = top.filter((n) => n !== 'q').map((n) => `${R}/${n}`);
    paths.push(...(await list(`${R}/q`)).map((n) => `${R}/q/${n}`));
    for (const p of paths.sort()) {
      await this.runOp(c, 'final', { type: 'get', path: p, args: () => ({ watch: false }) });
    }
  }

  private summary(endStatus: EnsembleMemberStatus[]): Json {
    const ops = [...this.opsById.values()];
    const outcomes = { ok: 0, error: 0, info: 0 } as Record<string, number>;
    const opTypes: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const op of ops) {
      const t = (op.outcome?.type as string) ?? 'info';
      outcomes[t] = (outcomes[t] ?? 0) + 1;
      opTypes[op.type] = (opTypes[op.type] ?? 0) + 1;
      const e = op.outcome?.error as string | undefined;
      if (e) errors[e] = (errors[e] ?? 0) + 1;
    }
    const sum = (k: keyof SessionCounters) => this.sessions.reduce((a, s) => a + s.counters[k], 0);
    const mainOps = ops.filter((o) => o.phase === 'main').length;
    const mainS = (this.mainEnd - this.mainStart) / 1e9;
    return {
      kind: 'summary',
      t: this.now(),
      ops_total: ops.length,
      ops_main: mainOps,
      main_seconds: Number(mainS.toFixed(3)),
      ops_per_sec_main: mainS > 0 ? Number((mainOps / mainS).toFixed(1)) : 0,
      outcomes,
      op_types: opTypes,
      errors,
      watch_events: this.counts.watchEvents,
      nemesis_events: this.counts.nemesis,
      faults: this.counts.faults,
      late_replies: this.counts.lateReplies,
      late_losses: this.counts.lateLosses,
      sessions: this.sessions.length,
      session_expirations: this.counts.sessionExpirations,
      client_dropped_connections: sum('droppedConnections'),
      set_watches_sent: sum('setWatchesSent'),
      reply_zxid_regressions: sum('replyZxidRegressions'),
      protocol_anomalies: sum('protocolAnomalies'),
      client_exceptions: sum('clientExceptions'),
      unattributed_watch_events: sum('unattributedWatchEvents'),
      ensemble_at_end: endStatus.map((s) => ({ name: s.name, mode: s.mode, zxid: s.zxid })),
    };
  }
}

/** Records one history into outFile against a running ensemble. */
export async function recordHistory(ens: TargetEnsemble, outFile: string, opts: Partial<RecordOptions> = {}, extraMeta: Json = {}, log?: (s: string) => void): Promise<RecordResult> {
  return new Recorder(ens, opts, extraMeta, log).run(outFile);
}
