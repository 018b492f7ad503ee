// A throwaway ZooKeeper ensemble on 127.0.0.1, run straight from Debian's jars.
//
// Every member is a child JVM of this process. We keep their PIDs, stop exactly those, and
// a small watchdog shell kills them if this process dies without cleaning up (SIGKILL,
// crash), so a failed run never leaves JVMs holding ports for the next one.
//
// CLI:  npx tsx scripts/zk/ensemble.ts install
//       npx tsx scripts/zk/ensemble.ts smoke [--size 3|5]
//       npx tsx scripts/zk/ensemble.ts run [--size 3|5] [--seconds N]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureZooKeeper, type ZkInstall } from './install.ts';

export const QUORUM_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
export const HOST = '127.0.0.1';

export interface EnsembleOptions {
  size?: number;
  /** First client port; member i uses basePort+i, quorum basePort+100+i, election basePort+200+i. */
  basePort?: number;
  tickMs?: number;
  initLimit?: number;
  syncLimit?: number;
  /** The watchdog kills every member after this long even if this process is stuck. */
  maxLifetimeSec?: number;
  log?: (line: string) => void;
}

export interface MemberStatus {
  name: string;
  mode: 'leader' | 'follower' | 'standalone' | 'observer' | 'down' | 'not-serving' | 'paused';
  zxid: number | null;
  version?: string;
}

export interface Member {
  name: string;
  myid: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  dir: string;
  cfg: string;
  logFile: string;
  proc: ChildProcess | null;
  pid: number | null;
  paused: boolean;
  exited: Promise<void> | null;
}

const live = new Set<Ensemble>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' allows only synchronous work: signal the JVMs and go; the kernel does the rest.
  process.on('exit', () => {
    for (const e of live) e.killAllSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const e of live) e.killAllSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
}

/** Sends a four-letter-word command and returns the whole answer, or null if it cannot. */
export function fourLetter(port: number, cmd: string, timeoutMs = 1500): Promise<string | null> {
  return new Promise((resolve) => {
    let out = '';
    let done = false;
    const finish = (v: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const sock = createConnection({ host: HOST, port });
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.on('connect', () => sock.write(cmd));
    sock.on('data', (d) => (out += d.toString('utf8')));
    sock.on('end', () => finish(out));
    sock.on('error', () => finish(null));
  });
}

export function parseSrvr(name: string, text: string | null): MemberStatus {
  if (text === null) return { name, mode: 'down', zxid: null };
  const mode = /^Mode:\s*(\w+)/m.exec(text)?.[1];
  const zxid = /^Zxid:\s*(0x[0-9a-fA-F]+)/m.exec(text)?.[1];
  const version = /^Zookeeper version:\s*(.*)$/m.exec(text)?.[1]?.trim();
  if (!mode) return { name, mode: 'not-serving', zxid: null, version };
  return {
    name,
    mode: mode as MemberStatus['mode'],
    zxid: zxid ? Number(BigInt(zxid)) : null,
    version,
  };
}

export class Ensemble {
  readonly dir: string;
  readonly members: Member[];
  readonly install: ZkInstall;
  private readonly opts: Required<Omit<EnsembleOptions, 'log' | 'basePort'>>;
  private readonly log: (line: string) => void;
  private watchdog: ChildProcess | null = null;
  private stopped = false;

  private constructor(install: ZkInstall, dir: string, members: Member[], opts: EnsembleOptions) {
    this.install = install;
    this.dir = dir;
    this.members = members;
    this.log = opts.log ?? (() => {});
    this.opts = {
      size: members.length,
      tickMs: opts.tickMs ?? 1000,
      initLimit: opts.initLimit ?? 10,
      syncLimit: opts.syncLimit ?? 3,
      maxLifetimeSec: opts.maxLifetimeSec ?? 1800,
    };
  }

  /** Installs ZooKeeper if needed, writes configs, starts every member, waits for a leader. */
  static async start(opts: EnsembleOptions = {}, leaderTimeoutMs = 60_000): Promise<Ensemble> {
    const log = opts.log ?? (() => {});
    const size = opts.size ?? 3;
    if (![1, 3, 5, 7].includes(size)) throw new Error(`ensemble size must be 3 or 5 (got ${size})`);
    const install = ensureZooKeeper(log);
    const base = await pickBasePort(opts.basePort ?? 22181, size);
    const dir = mkdtempSync(join(tmpdir(), 'zoocheck-zk-'));
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      const myid = i + 1;
      const mdir = join(dir, `s${myid}`);
      members.push({
        name: `s${myid}`,
        myid,
        clientPort: base + i,
        quorumPort: base + 100 + i,
        electionPort: base + 200 + i,
        dir: mdir,
        cfg: join(mdir, 'zoo.cfg'),
        logFile: join(mdir, 'server.log'),
        proc: null,
        pid: null,
        paused: false,
        exited: null,
      });
    }
    const e = new Ensemble(install, dir, members, opts);
    e.writeConfigs();
    live.add(e);
    installExitHooks();
    e.startWatchdog();
    try {
      for (const m of members) e.spawnMember(m);
      log(`ensemble: ${size} members in ${dir}, client ports ${members.map((m) => m.clientPort).join(',')}`);
      await e.waitForLeader(leaderTimeoutMs);
    } catch (err) {
      await e.stop({ keepDir: true });
      throw err;
    }
    return e;
  }

  get connectionString(): string {
    return this.members.map((m) => `${HOST}:${m.clientPort}`).join(',');
  }

  member(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  memberByPort(port: number): Member | undefined {
    return this.members.find((m) => m.clientPort === port);
  }

  private writeConfigs(): void {
    const servers = this.members.map((m) => `server.${m.myid}=${HOST}:${m.quorumPort}:${m.electionPort}`);
    for (const m of this.members) {
      mkdirSync(join(m.dir, 'data'), { recursive: true });
      writeFileSync(join(m.dir, 'data', 'myid'), `${m.myid}\n`);
      const cfg = [
        `tickTime=${this.opts.tickMs}`,
        `initLimit=${this.opts.initLimit}`,
        `syncLimit=${this.opts.syncLimit}`,
        `dataDir=${join(m.dir, 'data')}`,
        `clientPort=${m.clientPort}`,
        `clientPortAddress=${HOST}`,
        // Durability is part of what we test: a killed member must come back with what it acked.
        `forceSync=yes`,
        `admin.enableServer=false`,
        `4lw.commands.whitelist=srvr,stat,mntr,ruok`,
        `maxClientCnxns=100`,
        `standaloneEnabled=false`,
        `reconfigEnabled=false`,
        `quorumListenOnAllIPs=false`,
        `autopurge.purgeInterval=0`,
        ...servers,
        '',
      ].join('\n');
      writeFileSync(m.cfg, cfg);
    }
  }

  private pidFile(): string {
    return join(this.dir, 'pids');
  }

  private writePids(): void {
    const pids = this.members.filter((m) => m.pid !== null).map((m) => m.pid);
    writeFileSync(this.pidFile(), pids.join('\n') + '\n');
  }

  /**
   * A shell loop that outlives us only to clean up: once our PID is gone (or the lifetime
   * bound passes) it kills the PIDs listed in the pid file, which we keep current.
   */
  private startWatchdog(): void {
    writeFileSync(this.pidFile(), '');
    const script = [
      `i=0`,
      `while kill -0 ${process.pid} 2>/dev/null && [ $i -lt ${this.opts.maxLifetimeSec} ]; do sleep 1; i=$((i+1)); done`,
      `for p in $(cat "${this.pidFile()}" 2>/dev/null); do kill -CONT $p 2>/dev/null; kill -KILL $p 2>/dev/null; done`,
    ].join('\n');
    this.watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true });
    this.watchdog.unref();
  }

  private spawnMember(m: Member): void {
    const fd = openSync(m.logFile, 'a');
    const args = [
      '-Xms64m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.net.preferIPv4Stack=true',
      '-Dzookeeper.admin.enableServer=false',
      `-Dzookeeper.log.dir=${m.dir}`,
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
      '-cp',
      this.install.classpath.join(':'),
      QUORUM_MAIN,
      m.cfg,
    ];
    const proc = spawn(this.install.java, args, { stdio: ['ignore', fd, fd], cwd: m.dir });
    closeSync(fd);
    if (proc.pid === undefined) throw new Error(`could not start ${m.name}: spawn gave no pid`);
    m.proc = proc;
    m.pid = proc.pid;
    m.paused = false;
    m.exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        if (m.proc === proc) {
          m.proc = null;
          m.pid = null;
          m.paused = false;
          if (!this.stopped) this.writePids();
        }
        resolve();
      });
    });
    this.writePids();
  }

  async status(): Promise<MemberStatus[]> {
    return Promise.all(
      this.members.map(async (m) => {
        if (m.pid === null) return { name: m.name, mode: 'down', zxid: null } as MemberStatus;
        if (m.paused) return { name: m.name, mode: 'paused', zxid: null } as MemberStatus;
        return parseSrvr(m.name, await fourLetter(m.clientPort, 'srvr'));
      }),
    );
  }

  /**
   * Waits until exactly one member leads and the others follow it. By default every member
   * we run must serve (a paused one never does); with requireAll false, members that are
   * down or paused are ignored, which is what a quorum that lost one member looks like.
   */
  async waitForLeader(timeoutMs = 60_000, opts: { requireAll?: boolean } = {}): Promise<MemberStatus[]> {
    const requireAll = opts.requireAll ?? true;
    const deadline = Date.now() + timeoutMs;
    let last: MemberStatus[] = [];
    while (Date.now() < deadline) {
      last = await this.status();
      const running = last.filter((s) => this.member(s.name).pid !== null);
      const up = requireAll ? running : last.filter((s) => s.mode !== 'down' && s.mode !== 'paused');
      const leaders = up.filter((s) => s.mode === 'leader');
      if (leaders.length === 1 && up.every((s) => s.mode === 'leader' || s.mode === 'follower')) return last;
      await sleep(200);
    }
    const tails = this.members.map((m) => `--- ${m.name} (${m.logFile})\n${tail(m.logFile, 8)}`).join('\n');
    throw new Error(`no single serving leader within ${timeoutMs} ms: ${last.map((s) => `${s.name}=${s.mode}`).join(' ')}\n${tails}`);
  }

  async leader(): Promise<Member | undefined> {
    const st = await this.status();
    const l = st.find((s) => s.mode === 'leader');
    return l ? this.member(l.name) : undefined;
  }

  pause(name: string): number {
    const m = this.member(name);
    if (m.pid === null) throw new Error(`${name} is not running`);
    process.kill(m.pid, 'SIGSTOP');
    m.paused = true;
    return m.pid;
  }

  resume(name: string): number {
    const m = this.member(name);
    if (m.pid === null) throw new Error(`${name} is not running`);
    process.kill(m.pid, 'SIGCONT');
    m.paused = false;
    return m.pid;
  }

  /** SIGKILL: the member gets no chance to flush or say goodbye. */
  async kill(name: string, timeoutMs = 10_000): Promise<number> {
    const m = this.member(name);
    if (m.pid === null || !m.proc) throw new Error(`${name} is not running`);
    const pid = m.pid;
    const exited = m.exited;
    this.log(`ensemble: SIGKILL ${name} (pid ${pid})`);
    process.kill(pid, 'SIGKILL');
    await Promise.race([exited, sleep(timeoutMs)]);
    if (m.pid === pid) throw new Error(`${name} (pid ${pid}) did not exit within ${timeoutMs} ms of SIGKILL`);
    return pid;
  }

  async restart(name: string): Promise<number> {
    const m = this.member(name);
    if (m.pid !== null) throw new Error(`${name} is still running (pid ${m.pid})`);
    // The old process may still hold its ports for a moment after exiting.
    for (let i = 0; i < 50 && !(await portFree(m.clientPort)); i++) await sleep(100);
    this.spawnMember(m);
    this.log(`ensemble: restarted ${name} (pid ${m.pid})`);
    return m.pid!;
  }

  /** Synchronous last resort for exit handlers: continue and kill our own PIDs. */
  killAllSync(): void {
    for (const m of this.members) {
      if (m.pid === null) continue;
      try {
        process.kill(m.pid, 'SIGCONT');
        process.kill(m.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (this.watchdog?.pid) {
      try {
        process.kill(this.watchdog.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** Stops every member we started (TERM, then KILL after a grace period) and the watchdog. */
  async stop(opts: { keepDir?: boolean; graceMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    const grace = opts.graceMs ?? 5000;
    const running = this.members.filter((m) => m.pid !== null && m.proc);
    for (const m of running) {
      try {
        process.kill(m.pid!, 'SIGCONT');
        process.kill(m.pid!, 'SIGTERM');
      } catch {
        /* exited meanwhile */
      }
    }
    await Promise.race([Promise.all(running.map((m) => m.exited)), sleep(grace)]);
    for (const m of running) {
      if (m.pid !== null) {
        try {
          process.kill(m.pid, 'SIGKILL');
        } catch {
          /* exited meanwhile */
        }
      }
    }
    await Promise.race([Promise.all(running.map((m) => m.exited)), sleep(5000)]);
    this.stopped = true;
    const left = this.members.filter((m) => m.pid !== null);
    if (this.watchdog?.pid) {
      try {
        process.kill(this.watchdog.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    live.delete(this);
    if (!opts.keepDir && left.length === 0) rmSync(this.dir, { recursive: true, force: true });
    if (left.length) throw new Error(`members still running after SIGKILL: ${left.map((m) => `${m.name}:${m.pid}`).join(', ')}`);
  }
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function pickBasePort(start: number, size: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = start + attempt * 10;
    const ports: number[] = [];
    for (let i = 0; i < size; i++) ports.push(base + i, base + 100 + i, base + 200 + i);
    let ok = true;
    for (const p of ports) {
      if (!(await portFree(p))) {
        ok = false;
        break;
      }
    }
    if (ok) return base;
  }
  throw new Error(`no free port range found starting at ${start} (tried 20 ranges)`);
}

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0] ?? 'smoke';
  const flag = (name: string, dflt: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const log = (s: string) => console.log(s);
  if (cmd === 'install') {
    const inst = ensureZooKeeper(log);
    console.log(`ZooKeeper: ${inst.version}\nclasspath: ${inst.classpath.join(':')}`);
    return 0;
  }
  if (cmd === 'smoke' || cmd === 'run') {
    const t0 = Date.now();
    const e = await Ensemble.start({ size: flag('size', 3), log });
    try {
      const st = await e.status();
      console.log(`leader elected after ${Date.now() - t0} ms`);
      for (const s of st) {
        const m = e.member(s.name);
        console.log(`  ${s.name} pid=${m.pid} client=${HOST}:${m.clientPort} mode=${s.mode} zxid=0x${(s.zxid ?? 0).toString(16)}`);
      }
      if (cmd === 'run') {
        const secs = Math.min(flag('seconds', 60), 3600);
        console.log(`holding for ${secs} s (Ctrl-C stops it): ${e.connectionString}`);
        await sleep(secs * 1000);
      }
    } finally {
      await e.stop();
      console.log('ensemble stopped');
    }
    return 0;
  }
  console.error(`usage: ensemble.ts install | smoke [--size N] | run [--size N] [--seconds N]`);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`ensemble: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
