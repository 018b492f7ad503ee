// Records a zk-history/1 file (../../../../shared/history-format.md) from a bounded, seeded
// workload run by concurrent sessions against a real ensemble, optionally while members
// are paused and killed. Every line is kept in memory and written once, sorted, to a
// temporary file renamed into place: a crashed or stopped run leaves no partial history.

import seedrandom from "seedrandom";
import { createRequire } from "node:module";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ZkSession, type RawOutcome, type WatchKind, type SessionCounters } from "./session.ts";
import {
  OP,
  Reader,
  REPLY_BODY_OFFSET,
  DEFINITE_ERRORS,
  encode,
  errorName,
  dataField,
  type CreateModeName,
  type Stat,
} from "./wire.ts";

export type FaultMode = "pause" | "kill";

export interface RecordOptions {
  seed: number;
  clients: number;
  /** Main-phase operations; with faults it is only a cap and the nemesis decides the end. */
  ops: number;
  maxSeconds: number;
  keys: number;
  ephemerals: number;
  thinkMs: number;
  sessionTimeoutMs: number;
  opTimeoutMs: number;
  watchProb: number;
  faults: boolean;
  faultCount: number;
  faultModes: FaultMode[];
  faultMs: number;
  faultGapMs: number;
  finalRead: boolean;
  maxSessionsPerClient: number;
  quiet: boolean;
}

export const DEFAULT_OPTIONS: RecordOptions = {
  seed: 1,
  clients: 5,
  ops: 600,
  maxSeconds: 60,
  keys: 4,
  ephemerals: 3,
  thinkMs: 2,
  sessionTimeoutMs: 6000,
  opTimeoutMs: 5000,
  watchProb: 0.15,
  faults: false,
  faultCount: 4,
  faultModes: ["pause", "kill"],
  faultMs: 4000,
  faultGapMs: 2500,
  finalRead: true,
  maxSessionsPerClient: 8,
  quiet: false,
};

export interface EnsembleMemberStatus {
  name: string;
  mode: string;
  zxid: number | null;
  version?: string;
}

/** What the recorder needs from an ensemble; scripts/zk/ensemble.ts provides it. */
export interface TargetEnsemble {
  readonly connectionString: string;
  readonly members: ReadonlyArray<{ name: string; myid: number; clientPort: number; pid: number | null }>;
  status(): Promise<EnsembleMemberStatus[]>;
  waitForLeader(timeoutMs: number, opts?: { requireAll?: boolean }): Promise<EnsembleMemberStatus[]>;
  pause(name: string): number;
  resume(name: string): number;
  kill(name: string): Promise<number>;
  restart(name: string): Promise<number>;
}

export interface RecordResult {
  file: string;
  summary: Record<string, unknown>;
}

type Json = Record<string, unknown>;

interface OpLine {
  kind: "op";
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

interface OpSpec {
  type: "create" | "set" | "get" | "exists" | "children" | "delete" | "sync" | "close_session";
  path: string | null;
  args: (id: number) => Json;
  /** Only for get, exists and children. */
  watch?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function clientLibraryVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req("node-zookeeper-client/package.json") as { version: string };
    return `node-zookeeper-client@${pkg.version}`;
  } catch {
    return "node-zookeeper-client";
  }
}

class LogicalClient {
  session!: ZkSession;
  sessionsOpened = 0;
  readonly versions = new Map<string, number>();
  readonly seqKids = new Set<string>();
  constructor(
    readonly index: number,
    public process: number,
    readonly rng: seedrandom.PRNG,
  ) {}
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
    faults: { pause: 0, kill: 0 } as Record<string, number>,
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
      order.join(","),
      ms.length,
      { sessionTimeoutMs: this.o.sessionTimeoutMs, keepServerOrder: true },
      {
        now: () => this.now(),
        serverName: (p) => this.serverName(p),
        event: (ev) => {
          if (ev.event === "SESSION_EXPIRED") this.counts.sessionExpirations++;
          const t = this.now();
          this.push({ kind: "session", t, client: c.index, session: ev.session, event: ev.event, server: ev.server, ...ev.extra }, t);
        },
        notification: (n) => {
          this.counts.watchEvents++;
          for (const id of n.ops) this.opsById.get(id)?.watch_events?.push({ type: n.type, path: n.path, t: n.t });
          this.push(
            { kind: "watch", t: n.t, client: c.index, session: n.session, server: n.server, type: n.type, path: n.path, ops: n.ops },
            n.t,
          );
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
    this.push({ kind: "session", t, client: c.index, session: old.sessionId, event: "CLIENT_REPLACES_SESSION", server: null }, t);
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
    const timeoutMs = phase === "main" ? this.o.opTimeoutMs : Math.max(this.o.opTimeoutMs, 10_000);
    const s = c.session;
    const id = this.nextId++;
    const args = spec.args(id);
    const op: OpLine = {
      kind: "op",
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
        op.outcome = { type: "info", error: "TIMEOUT" };
        c.process = this.nextProcess++;
        if (spec.type === "close_session") s.abandon();
        resolve(op);
      }, timeoutMs);
      const onRaw = (raw: RawOutcome) => {
        const outcome = this.decode(spec.type, raw);
        if (done) {
          // The op is already recorded as TIMEOUT; a real reply still tells when and how
          // it took effect, so it goes in its own line.
          if (raw.kind === "reply") {
            this.counts.lateReplies++;
            const late: Json = { kind: "late", t: raw.t, op: id, outcome };
            const w = this.watchFor(spec, outcome);
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
        const w = this.watchFor(spec, outcome);
        if (w && spec.path) {
          op.watch_registered = w;
          op.watch_events = [];
          s.registerWatch(w, spec.path, id);
        }
        if (outcome.type === "info") c.process = this.nextProcess++;
        this.learn(c, spec, outcome);
        resolve(op);
      };
      if (spec.type === "close_session") {
        s.close(onRaw);
        return;
      }
      const req = this.request(spec, args);
      s.send(req.code, req.body, onRaw);
    });
  }

  private request(spec: OpSpec, args: Json): { code: number; body: Buffer } {
    const path = spec.path!;
    switch (spec.type) {
      case "create":
        return { code: OP.CREATE2, body: encode.create(path, Buffer.from(String(args.value)), args.mode as CreateModeName) };
      case "set":
        return { code: OP.SET_DATA, body: encode.setData(path, Buffer.from(String(args.value)), args.version as number) };
      case "get":
        return { code: OP.GET_DATA, body: encode.pathWatch(path, Boolean(args.watch)) };
      case "exists":
        return { code: OP.EXISTS, body: encode.pathWatch(path, Boolean(args.watch)) };
      case "children":
        return { code: OP.GET_CHILDREN2, body: encode.pathWatch(path, Boolean(args.watch)) };
      case "delete":
        return { code: OP.DELETE, body: encode.del(path, args.version as number) };
      case "sync":
        return { code: OP.SYNC, body: encode.sync(path) };
      default:
        throw new Error(`no request encoding for ${spec.type}`);
    }
  }

  private watchFor(spec: OpSpec, outcome: Json): WatchKind | null {
    if (!spec.watch || outcome.type !== "ok") return null;
    if (spec.type === "get") return "data";
    if (spec.type === "children") return "child";
    // The server keeps exists() on a present node as a data watch and on an absent node as
    // an existence watch; we name what it registered.
    return outcome.exists ? "data" : "exist";
  }

  private decode(type: OpSpec["type"], raw: RawOutcome): Json {
    if (raw.kind === "lost") return { type: "info", error: errorName(raw.code), code: raw.code };
    if (raw.kind === "exception") return { type: "info", error: "CLIENT_EXCEPTION", message: raw.message };
    const zxid = Number(raw.zxid);
    if (raw.err !== 0) {
      const error = errorName(raw.err);
      if (type === "exists" && error === "NONODE") return { type: "ok", zxid, server: raw.server, exists: false, stat: null };
      return { type: DEFINITE_ERRORS.has(error) ? "error" : "info", error, code: raw.err, zxid, server: raw.server };
    }
    const out: Json = { type: "ok", zxid, server: raw.server };
    try {
      const r = new Reader(raw.frame, REPLY_BODY_OFFSET);
      switch (type) {
        case "create":
          out.created_path = r.str();
          out.stat = r.stat();
          break;
        case "set":
          out.stat = r.stat();
          break;
        case "get":
          Object.assign(out, dataField(r.bytes()));
          out.stat = r.stat();
          break;
        case "exists":
          out.exists = true;
          out.stat = r.stat();
          break;
        case "children":
          out.children = r.strings().sort();
          out.stat = r.stat();
          break;
        default:
          break;
      }
    } catch (e) {
      // The server answered ok but we could not read the body: the op happened, its
      // result is unknown to us.
      return { type: "info", error: "CLIENT_EXCEPTION", message: e instanceof Error ? e.message : String(e), zxid, server: raw.server };
    }
    return out;
  }

  /** What a client remembers to aim later conditional writes and deletes at real versions. */
  private learn(c: LogicalClient, spec: OpSpec, outcome: Json): void {
    if (outcome.type !== "ok" || !spec.path) return;
    const stat = outcome.stat as Stat | null | undefined;
    const path = (outcome.created_path as string | undefined) ?? spec.path;
    if (stat) c.versions.set(path, stat.version);
    if (spec.type === "create" && typeof outcome.created_path === "string" && spec.path.startsWith(`${this.root}/q/`)) {
      c.seqKids.add(outcome.created_path);
    }
    if (spec.type === "children" && spec.path === `${this.root}/q`) {
      c.seqKids.clear();
      for (const k of outcome.children as string[]) c.seqKids.add(`${spec.path}/${k}`);
    }
    if (spec.type === "delete") {
      c.seqKids.delete(spec.path);
      c.versions.delete(spec.path);
    }
  }

  // ---- workload -----------------------------------------------------------------------

  private pick(c: LogicalClient): OpSpec {
    const R = this.root;
    const Q = `${R}/q`;
    const rng = c.rng;
    const any = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const keys = Array.from({ length: this.o.keys }, (_, i) => `${R}/k${i}`);
    const ephs = Array.from({ length: this.o.ephemerals }, (_, i) => `${R}/e${i}`);
    const plain = [...keys, ...ephs];
    const kids = [...c.seqKids];
    const watch = () => rng() < this.o.watchProb;
    const version = (p: string) => {
      if (rng() < 0.5) return -1;
      const v = c.versions.get(p) ?? 0;
      // Mostly the version we last saw, sometimes one off, so both outcomes occur.
      return rng() < 0.75 ? v : v + (rng() < 0.5 ? 1 : -1 + (v === 0 ? 2 : 0));
    };
    const create = (path: string, mode: CreateModeName): OpSpec => ({
      type: "create",
      path,
      args: (id) => ({ mode, value: `v${id}` }),
    });
    const read = (type: "get" | "exists" | "children", path: string): OpSpec => {
      const w = watch();
      return { type, path, watch: w, args: () => ({ watch: w }) };
    };
    const table: Array<[number, () => OpSpec]> = [
      [9, () => create(any(keys), "PERSISTENT")],
      [7, () => create(any(ephs), "EPHEMERAL")],
      [4, () => create(`${Q}/p-`, "PERSISTENT_SEQUENTIAL")],
      [4, () => create(`${Q}/e-`, "EPHEMERAL_SEQUENTIAL")],
      [1, () => create(`${any(ephs)}/c`, "PERSISTENT")],
      [0.5, () => create(Q, "PERSISTENT")],
      [
        18,
        () => {
          const p = any(plain);
          const v = version(p);
          return { type: "set", path: p, args: (id) => ({ value: `v${id}`, version: v }) };
        },
      ],
      [14, () => read("get", kids.length && rng() < 0.25 ? any(kids) : any(plain))],
      [6, () => read("exists", any(plain))],
      [6, () => read("children", rng() < 0.5 ? R : Q)],
      [
        10,
        () => {
          const p = kids.length && rng() < 0.3 ? any(kids) : any(plain);
          const v = version(p);
          return { type: "delete", path: p, args: () => ({ version: v }) };
        },
      ],
      [0.5, () => ({ type: "delete", path: Q, args: () => ({ version: -1 }) })],
      [2, () => ({ type: "sync", path: R, args: () => ({}) })],
      [0.4, () => ({ type: "close_session", path: null, args: () => ({}) })],
    ];
    const total = table.reduce((a, [w]) => a + w, 0);
    let x = rng() * total;
    for (const [w, f] of table) {
      x -= w;
      if (x < 0) {
        const spec = f();
        if (spec.type === "close_session" && c.sessionsOpened >= this.o.maxSessionsPerClient) break;
        return spec;
      }
    }
    return read("get", any(plain));
  }

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
      const spec = this.pick(c);
      this.mainIssued++;
      await this.runOp(c, "main", spec);
      if (spec.type === "close_session") {
        if (!(await this.replaceSession(c))) return;
      }
      if (this.o.thinkMs > 0) await sleep(Math.floor(c.rng() * 2 * this.o.thinkMs));
    }
  }

  // ---- faults -------------------------------------------------------------------------

  private nemesisLine(action: string, target: string | null, pid: number | null, role: string | null, extra: Json = {}): void {
    this.counts.nemesis++;
    const t = this.now();
    this.push({ kind: "nemesis", t, action, target, pid, role, ...extra }, t);
    this.log(`nemesis: ${action}${target ? ` ${target}` : ""}${role ? ` (${role})` : ""}${pid ? ` pid ${pid}` : ""}`);
  }

  private async nemesis(): Promise<void> {
    const rng = seedrandom(`${this.o.seed}/nemesis`);
    const paused = new Set<string>();
    const killed = new Set<string>();
    const deadline = this.mainStart + this.o.maxSeconds * 1e9;
    // The fault, its repair and re-election must fit before the main phase's time bound.
    const budgetNs = (this.o.faultMs + 30_000) * 1e6;
    try {
      await sleep(this.o.faultGapMs);
      for (let i = 0; i < this.o.faultCount; i++) {
        if (this.now() + budgetNs > deadline && i > 0) {
          this.log(`nemesis: stopping after ${i} faults, time bound reached`);
          break;
        }
        const mode = this.o.faultModes[i % this.o.faultModes.length]!;
        const role = Math.floor(i / this.o.faultModes.length) % 2 === 0 ? "leader" : "follower";
        const st = await this.ens.status();
        const cands = st.filter((s) => s.mode === role).map((s) => s.name);
        if (cands.length === 0) continue;
        const target = cands[Math.floor(rng() * cands.length)]!;
        if (mode === "pause") {
          const pid = this.ens.pause(target);
          paused.add(target);
          this.counts.faults.pause!++;
          this.nemesisLine("pause", target, pid, role);
          await sleep(this.o.faultMs);
          this.ens.resume(target);
          paused.delete(target);
          this.nemesisLine("resume", target, pid, role);
        } else {
          killed.add(target);
          const pid = await this.ens.kill(target);
          this.counts.faults.kill!++;
          this.nemesisLine("kill", target, pid, role);
          await sleep(this.o.faultMs);
          const npid = await this.ens.restart(target);
          killed.delete(target);
          this.nemesisLine("restart", target, npid, role);
        }
        const healthy = await this.ens.waitForLeader(45_000, { requireAll: true });
        this.nemesisLine("healthy", null, null, null, {
          members: healthy.map((s) => ({ name: s.name, mode: s.mode, zxid: s.zxid })),
        });
        await sleep(this.o.faultGapMs);
      }
    } finally {
      // Whatever happened, hand the ensemble back whole.
      for (const n of paused) {
        try {
          this.ens.resume(n);
          this.nemesisLine("resume", n, null, null);
        } catch {
          /* it is gone; nothing to resume */
        }
      }
      for (const n of killed) {
        try {
          const pid = await this.ens.restart(n);
          this.nemesisLine("restart", n, pid, null);
        } catch {
          /* reported by the health check below */
        }
      }
      this.nemesisDone = true;
    }
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
      kind: "meta",
      format: "zk-history/1",
      run_id: this.runId,
      root: this.root,
      wall_clock_start: new Date().toISOString(),
      time_unit: "ns since start of run (process.hrtime, monotonic)",
      zookeeper_version: start.find((s) => s.version)?.version ?? "unknown",
      client_library: clientLibraryVersion(),
      node_version: process.version,
      create_opcode: "CREATE2(15)",
      ensemble: this.ens.members.map((m) => {
        const s = start.find((x) => x.name === m.name);
        return {
          name: m.name,
          myid: m.myid,
          client: `127.0.0.1:${m.clientPort}`,
          role_at_start: s?.mode ?? "unknown",
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
      [this.root, "root"],
      [`${this.root}/q`, "q"],
    ] as const) {
      const op = await this.runOp(c0, "setup", { type: "create", path, args: () => ({ mode: "PERSISTENT", value }) });
      if (op.outcome?.type !== "ok") throw new Error(`setup create ${path} failed: ${JSON.stringify(op.outcome)}`);
    }

    this.log(`recording: ${o.clients} clients, ${o.faults ? `${o.faultCount} faults` : "no faults"}, root ${this.root}`);
    this.mainStart = this.now();
    this.nemesisDone = !o.faults;
    const nemesis = o.faults ? this.nemesis() : Promise.resolve();
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
      if (!(await final.session.waitConnected(15_000))) throw new Error("final-read session did not connect within 15 s");
      await this.finalRead(final);
    }

    // Teardown: close every live session so its ephemerals go at a recorded zxid.
    await Promise.all(
      this.clients
        .filter((c) => c.session?.live)
        .map(async (c) => {
          const op = await this.runOp(c, "teardown", { type: "close_session", path: null, args: () => ({}) });
          if (op.outcome?.type === "ok") await Promise.race([c.session.closed, sleep(3000)]);
          if (c.session.live) c.session.abandon();
        }),
    );
    for (const s of this.sessions) if (s.live) s.abandon();
    const endStatus = await this.ens.status().catch(() => []);
    for (const s of this.sessions) s.dispose();

    const summary = this.summary(endStatus);
    this.write(outFile, meta, summary);
    return { file: outFile, summary };
  }

  private async finalRead(c: LogicalClient): Promise<void> {
    const R = this.root;
    await this.runOp(c, "final", { type: "sync", path: R, args: () => ({}) });
    const list = async (p: string): Promise<string[]> => {
      const op = await this.runOp(c, "final", { type: "children", path: p, args: () => ({ watch: false }) });
      return op.outcome?.type === "ok" ? (op.outcome.children as string[]) : [];
    };
    const top = await list(R);
    const paths = top.filter((n) => n !== "q").map((n) => `${R}/${n}`);
    paths.push(...(await list(`${R}/q`)).map((n) => `${R}/q/${n}`));
    for (const p of paths.sort()) {
      await this.runOp(c, "final", { type: "get", path: p, args: () => ({ watch: false }) });
    }
  }

  private summary(endStatus: EnsembleMemberStatus[]): Json {
    const ops = [...this.opsById.values()];
    const outcomes = { ok: 0, error: 0, info: 0 } as Record<string, number>;
    const opTypes: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const op of ops) {
      const t = (op.outcome?.type as string) ?? "info";
      outcomes[t] = (outcomes[t] ?? 0) + 1;
      opTypes[op.type] = (opTypes[op.type] ?? 0) + 1;
      const e = op.outcome?.error as string | undefined;
      if (e) errors[e] = (errors[e] ?? 0) + 1;
    }
    const sum = (k: keyof SessionCounters) => this.sessions.reduce((a, s) => a + s.counters[k], 0);
    const mainOps = ops.filter((o) => o.phase === "main").length;
    const mainS = (this.mainEnd - this.mainStart) / 1e9;
    return {
      kind: "summary",
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
      client_dropped_connections: sum("droppedConnections"),
      set_watches_sent: sum("setWatchesSent"),
      reply_zxid_regressions: sum("replyZxidRegressions"),
      protocol_anomalies: sum("protocolAnomalies"),
      client_exceptions: sum("clientExceptions"),
      unattributed_watch_events: sum("unattributedWatchEvents"),
      ensemble_at_end: endStatus.map((s) => ({ name: s.name, mode: s.mode, zxid: s.zxid })),
    };
  }

  private write(outFile: string, meta: Json, summary: Json): void {
    const body = [...this.lines].sort((a, b) => a.key - b.key || a.seq - b.seq);
    for (const { obj } of body) {
      if (obj.kind === "op" && (obj.outcome === null || obj.t_complete === null)) {
        throw new Error(`op ${obj.id} never completed: the op timeout should have ended it`);
      }
    }
    mkdirSync(dirname(outFile), { recursive: true });
    const tmp = `${outFile}.tmp-${process.pid}`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(meta) + "\n");
      let chunk: string[] = [];
      for (const { obj } of body) {
        chunk.push(JSON.stringify(obj));
        if (chunk.length >= 2000) {
          writeSync(fd, chunk.join("\n") + "\n");
          chunk = [];
        }
      }
      if (chunk.length) writeSync(fd, chunk.join("\n") + "\n");
      writeSync(fd, JSON.stringify(summary) + "\n");
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, outFile);
  }
}

/** Records one history into outFile against a running ensemble. */
export async function recordHistory(
  ens: TargetEnsemble,
  outFile: string,
  opts: Partial<RecordOptions> = {},
  extraMeta: Json = {},
  log?: (s: string) => void,
): Promise<RecordResult> {
  return new Recorder(ens, opts, extraMeta, log).run(outFile);
}
