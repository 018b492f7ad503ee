// ZooKeeper's own evidence of a divergent run: each member's server log, config and
// data directory (txn logs, snapshots, epochs) copied out of the ensemble's temporary
// directory, and each member's txn logs read back with ZooKeeper's TxnLogToolkit (the
// Debian package's zookeeper.jar; LogFormatter is gone from 3.8) to list which zxids
// each member logged and which committed zxids a member is missing.
//
// What it is for: under these faults ZooKeeper 3.8.0 sometimes has a follower serve a
// tree that lacks a run of committed writes (ZOOKEEPER-4712: a follower whose
// SyncRequestProcessor was not shut down when it left its leader keeps unflushed txns
// in memory; ZOOKEEPER-4785: a race in Learner.syncWithLeader() during a DIFF sync
// loses txns). The checker sees it from the client side; these files show it from
// the servers' side.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureZooKeeper } from './install.ts';

const TOOLKIT = 'org.apache.zookeeper.server.persistence.TxnLogToolkit';

/** Copies each member's server.log, zoo.cfg and data/ from ensembleDir to dest/<label>/; returns that path. */
export function keepEvidence(ensembleDir: string, dest: string, label: string): string {
  const out = join(dest, label);
  mkdirSync(out, { recursive: true });
  for (const m of readdirSync(ensembleDir)
    .filter((n) => /^s\d+$/.test(n))
    .sort()) {
    for (const f of ['server.log', 'zoo.cfg', 'data']) {
      const from = join(ensembleDir, m, f);
      if (existsSync(from)) cpSync(from, join(out, m, f), { recursive: true });
    }
  }
  return out;
}

/** The zxids of the txns in one txn log file, in file order, as ZooKeeper's TxnLogToolkit prints them. */
export function txnLogZxids(file: string): number[] {
  const zk = ensureZooKeeper();
  const r = spawnSync(zk.java, ['-cp', zk.classpath.join(':'), TOOLKIT, file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
  if (r.error || (r.status !== 0 && !r.stdout)) throw new Error(`TxnLogToolkit ${file}: ${r.error?.message ?? `exit ${r.status}`}`);
  const out: number[] = [];
  for (const m of r.stdout.matchAll(/ zxid 0x([0-9a-f]+) /g)) out.push(Number.parseInt(m[1]!, 16));
  return out;
}

const hex = (z: number) => `0x${z.toString(16)}`;

/** Contiguous runs of zxids (z, z+1, ...) as "0xa..0xb (n)". */
export function zxidRanges(zs: readonly number[]): string[] {
  const sorted = [...new Set(zs)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(`${hex(sorted[i]!)}..${hex(sorted[j]!)} (${j - i + 1})`);
    i = j + 1;
  }
  return out;
}

export interface MemberLog {
  member: string;
  /** Per txn log file: its name and the zxid ranges it holds. */
  files: { file: string; ranges: string[] }[];
  /** zxids of the member's snapshots (a SNAP sync replaces txns by a snapshot). */
  snapshots: number[];
  zxids: Set<number>;
}

/** Reads every member's txn logs under an evidence (or ensemble) directory. */
export function readMemberLogs(dir: string): MemberLog[] {
  const out: MemberLog[] = [];
  for (const m of readdirSync(dir)
    .filter((n) => /^s\d+$/.test(n))
    .sort()) {
    const v2 = join(dir, m, 'data', 'version-2');
    const names = existsSync(v2) ? readdirSync(v2) : [];
    const logs = names.filter((n) => n.startsWith('log.')).sort((a, b) => Number.parseInt(a.slice(4), 16) - Number.parseInt(b.slice(4), 16));
    const snapshots = names
      .filter((n) => n.startsWith('snapshot.'))
      .map((n) => Number.parseInt(n.slice(9), 16))
      .sort((a, b) => a - b);
    const zxids = new Set<number>();
    const files = logs.map((f) => {
      const zs = txnLogZxids(join(v2, f));
      for (const z of zs) zxids.add(z);
      return { file: f, ranges: zxidRanges(zs) };
    });
    out.push({ member: m, files, snapshots, zxids });
  }
  return out;
}

export interface LostRun {
  member: string;
  from: number;
  to: number;
  count: number;
}

/**
 * Runs of zxids that a majority of members logged (so they were committed) but one
 * member did not, although it logged later txns and took no snapshot at or after the
 * run's start that could stand in for them: a member lost a run of committed writes.
 */
export function lostRuns(logs: readonly MemberLog[]): LostRun[] {
  const votes = new Map<number, number>();
  for (const l of logs) for (const z of l.zxids) votes.set(z, (votes.get(z) ?? 0) + 1);
  const committed = [...votes]
    .filter(([, n]) => n > logs.length / 2)
    .map(([z]) => z)
    .sort((a, b) => a - b);
  const pos = new Map(committed.map((z, i) => [z, i]));
  const out: LostRun[] = [];
  for (const l of logs) {
    const last = Math.max(-1, ...l.zxids);
    const missing = committed.filter((z) => !l.zxids.has(z) && z < last && !l.snapshots.some((s) => s >= z && s <= last));
    for (let i = 0; i < missing.length; ) {
      let j = i;
      // A run: consecutive in the committed sequence.
      while (j + 1 < missing.length && pos.get(missing[j + 1]!) === pos.get(missing[j]!)! + 1) j++;
      out.push({ member: l.member, from: missing[i]!, to: missing[j]!, count: j - i + 1 });
      i = j + 1;
    }
  }
  return out;
}

/** Lines for the CI log: each member's txn-log zxid ranges, then any lost run named as such. */
export function describeEvidence(dir: string): string[] {
  const logs = readMemberLogs(dir);
  const lines: string[] = [];
  for (const l of logs) {
    lines.push(`${l.member}: snapshots at ${l.snapshots.map(hex).join(', ') || 'none'}`);
    for (const f of l.files) lines.push(`  ${f.file}: ${f.ranges.join(', ') || 'no txns'}`);
  }
  const lost = lostRuns(logs);
  for (const r of lost) {
    lines.push(`${r.member}: a member lost a run of committed writes (zxid ${hex(r.from)}..${hex(r.to)}, ${r.count} txns logged by a majority, not by ${r.member})`);
  }
  if (lost.length === 0) lines.push("txn logs: every committed zxid is in each member's logs or covered by its snapshots (the loss, if any, was in a member's memory only)");
  return lines;
}
