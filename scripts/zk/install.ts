// Installs Debian's ZooKeeper (3.8) when it is missing and finds what the JVM needs to run
// QuorumPeerMain directly, without systemd or the zkServer.sh wrapper (whose defaults
// point at /etc/zookeeper and /var/lib/zookeeper, shared state we must not touch).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export interface ZkInstall {
  java: string;
  classpath: string[];
  version: string;
}

const JAVA_DIRS = ['/usr/share/java', '/usr/share/zookeeper', '/usr/share/zookeeper/lib'];

function run(cmd: string, args: string[], timeoutMs: number, log: (s: string) => void): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why}\n${tail}`);
  }
}

function findJar(names: RegExp): string | undefined {
  for (const dir of JAVA_DIRS) {
    if (!existsSync(dir)) continue;
    const hit = readdirSync(dir)
      .filter((f) => names.test(f))
      .sort()[0];
    if (hit) return join(dir, hit);
  }
  return undefined;
}

function serverJar(): string | undefined {
  return findJar(/^zookeeper(-\d[\w.-]*)?\.jar$/);
}

/**
 * Debian's zookeeper.jar names its dependencies in its manifest Class-Path, so the jar
 * itself is enough to load the server; only a logging backend has to be added.
 */
function classpath(): string[] {
  const main = findJar(/^zookeeper\.jar$/) ?? serverJar();
  if (!main) throw new Error('zookeeper.jar not found under ' + JAVA_DIRS.join(', '));
  const cp = [main];
  // Without a backend slf4j drops every log line, and a start-up that goes wrong leaves
  // nothing to read.
  const simple = findJar(/^slf4j-simple\.jar$/) ?? findJar(/^slf4j-simple-[\d.]+\.jar$/);
  if (simple) cp.push(simple);
  return cp;
}

function zkVersion(): string {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'zookeeper'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout) return `debian zookeeper ${r.stdout.trim()}`;
  const jar = serverJar();
  return jar ? realpathSync(jar) : 'unknown';
}

export function zookeeperInstalled(): boolean {
  return serverJar() !== undefined && existsSync('/usr/bin/java');
}

/**
 * Installs the `zookeeper` package once if needed. apt-get update runs only when we
 * actually install, so a machine that already has it starts without touching apt.
 */
export function ensureZooKeeper(log: (s: string) => void = () => {}): ZkInstall {
  if (!zookeeperInstalled()) {
    if (process.getuid && process.getuid() !== 0) {
      throw new Error('ZooKeeper is not installed and installing it needs root (apt-get install -y zookeeper)');
    }
    log("ZooKeeper not installed: installing Debian's zookeeper package");
    run('apt-get', ['update'], 5 * 60_000, log);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'zookeeper'], 10 * 60_000, log);
    if (!zookeeperInstalled()) throw new Error('apt-get install zookeeper succeeded but zookeeper.jar or java is still missing');
  }
  return { java: '/usr/bin/java', classpath: classpath(), version: zkVersion() };
}
