// npm run zk:test — the real-ZooKeeper suite end to end:
//   1. install ZooKeeper if missing, start a 3-node ensemble on 127.0.0.1;
//   2. record a history without faults, then one with leader/follower pauses and kills;
//   3. stop the ensemble;
//   4. check both histories: structurally always, and with `zoocheck check-history`
//      when the CLI has that command.
// Exits non-zero if ZooKeeper could not be installed or started, a recording failed, or a
// check failed. Histories land in test-artifacts/zk/ (or $ZK_TEST_OUT).
//
// Options: --seed N, --size 3|5, --clean-ops N, --fault-count N.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ensemble } from './ensemble.ts';
import { describeEvidence, keepEvidence } from './evidence.ts';
import { ENSEMBLE_TUNING, FAULT_RUN, describe, recordOn } from './record.ts';
import { validateHistoryFile } from '../../src/oracle/recorder/validate.ts';
import { CORRUPTIONS, corrupt, parseHistory, serializeHistory, type CorruptionKind } from '../../src/oracle/corrupt.ts';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(repo, 'src/cli/main.ts');
const tsx = join(repo, 'node_modules/.bin/tsx');

function arg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number`);
  return n;
}

/** True when the zoocheck CLI lists a check-history command. */
function checkerAvailable(): boolean {
  if (!existsSync(cli)) return false;
  const r = spawnSync(tsx, [cli, '--help'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout}${r.stderr}`.includes('check-history');
}

/** `zoocheck check-history FILE`: its exit status and the first lines it printed. */
function checkHistoryFile(file: string): { status: number | null; text: string } {
  const r = spawnSync(tsx, [cli, 'check-history', file], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, text: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(0, 8).join('\n    ') };
}

/**
 * ZooKeeper's own evidence of a flagged run, under a folder CI keeps
 * ($ZK_EVIDENCE_DIR, default ci-results/zk-evidence): each member's server log,
 * config and data directory as they are now, the flagged history, and each member's
 * txn-log zxid ranges (with any committed run a member did not log), also printed.
 */
function keepDivergence(ensembleDir: string, history: string, label: string): void {
  const root = resolve(process.env.ZK_EVIDENCE_DIR ?? join(repo, 'ci-results/zk-evidence'));
  const dir = keepEvidence(ensembleDir, root, `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  copyFileSync(history, join(dir, basename(history)));
  console.log(`zk:test: ZooKeeper's evidence of the divergent run kept in ${dir}`);
  try {
    const lines = describeEvidence(dir);
    writeFileSync(join(dir, 'txn-log-zxids.txt'), lines.join('\n') + '\n');
    console.log(`zk:test: each member's txn-log zxid ranges (TxnLogToolkit):\n    ${lines.join('\n    ')}`);
  } catch (e) {
    console.log(`zk:test: could not read the txn logs: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: string[]): Promise<number> {
  const seed = arg(argv, 'seed', 1);
  const out = resolve(process.env.ZK_TEST_OUT ?? join(repo, 'test-artifacts/zk'));
  const log = (s: string) => console.error(`  ${s}`);
  const timings: string[] = [];
  const results: Array<{ name: string; ok: boolean; detail: string }> = [];
  const tAll = Date.now();
  const checker = checkerAvailable();

  let t = Date.now();
  console.log("zk:test: starting a 3-node ensemble (installs Debian's zookeeper if missing)");
  const ens = await Ensemble.start({ size: arg(argv, 'size', 3), ...ENSEMBLE_TUNING, log });
  timings.push(`ensemble up ${secs(Date.now() - t)}`);
  const files: Array<{ name: string; file: string }> = [];
  let recorded = false;
  try {
    t = Date.now();
    const clean = join(out, 'clean.jsonl');
    console.log('zk:test: recording without faults');
    const r1 = await recordOn(ens, clean, { seed, ops: arg(argv, 'clean-ops', 1500), maxSeconds: 60 }, log);
    console.log(`  ${describe(r1)}`);
    timings.push(`clean recording ${secs(Date.now() - t)}`);
    files.push({ name: 'clean', file: clean });

    t = Date.now();
    const faults = join(out, 'faults.jsonl');
    console.log('zk:test: recording with faults (SIGSTOP/SIGCONT and SIGKILL+restart of leader and follower)');
    let r2 = await recordOn(ens, faults, { ...FAULT_RUN, seed, faultCount: arg(argv, 'fault-count', 4) }, log);
    console.log(`  ${describe(r2)}`);
    // ZooKeeper 3.8.0 itself sometimes diverges under these faults: a follower,
    // killed and restarted, serves a tree that lacks a run of committed writes (its
    // txn log has a hole where the others' do not; cf. ZOOKEEPER-4712, a follower's
    // SyncRequestProcessor not shut down when it leaves its leader, and
    // ZOOKEEPER-4785, txns lost in Learner.syncWithLeader() during a DIFF sync), and
    // the checker says so ("a member lost a run of committed writes"). Measured: 1
    // of 8 fault runs with seed 1 (scripts/zk/survey.ts), 2 of 15 in the review.
    // Such a run's history and ZooKeeper's own evidence (server logs, data
    // directories, each member's txn-log zxid ranges read with TxnLogToolkit) are
    // kept under ci-results/, the fault recording is made again with another seed,
    // at most twice, and the suite fails if the last one is flagged too.
    for (let retry = 1; checker && retry <= 2; retry++) {
      const flagged = checkHistoryFile(faults);
      if (flagged.status !== 1) break;
      const kept = join(out, `faults-flagged-${retry}.jsonl`);
      renameSync(faults, kept);
      console.log(`zk:test: the fault history was flagged (kept as ${kept}):\n    ${flagged.text}`);
      keepDivergence(ens.dir, kept, `flagged-${retry}`);
      console.log('zk:test: recording the fault run again with another seed');
      r2 = await recordOn(ens, faults, { ...FAULT_RUN, seed: seed + 1000 * retry, faultCount: arg(argv, 'fault-count', 4) }, log);
      console.log(`  ${describe(r2)}`);
    }
    timings.push(`fault recording ${secs(Date.now() - t)}`);
    files.push({ name: 'faults', file: faults });
    const f = r2.summary.faults as Record<string, number>;
    if ((f.pause ?? 0) + (f.kill ?? 0) === 0) throw new Error('the fault run injected no fault');
    recorded = true;
  } finally {
    t = Date.now();
    // On failure the members' configs and logs stay for a look.
    await ens.stop({ keepDir: !recorded });
    if (!recorded) console.error(`zk:test: ensemble logs kept in ${ens.dir}`);
    timings.push(`ensemble stop ${secs(Date.now() - t)}`);
  }

  t = Date.now();
  for (const { name, file } of files) {
    const v = validateHistoryFile(file);
    results.push({
      name: `${name}: well-formed zk-history/1`,
      ok: v.ok,
      detail: v.ok ? `${v.counts.op ?? 0} op lines` : v.problems.slice(0, 5).join('; '),
    });
  }
  if (checker) {
    for (const { name, file } of files) {
      const r = checkHistoryFile(file);
      results.push({ name: `${name}: check-history`, ok: r.status === 0, detail: `exit ${r.status}${r.text ? `\n    ${r.text}` : ''}` });
    }
    // Each corruption of the clean history must be rejected, naming the guarantee broken.
    const lines = parseHistory(readFileSync(files[0]!.file, 'utf8'));
    for (const kind of Object.keys(CORRUPTIONS) as CorruptionKind[]) {
      const c = corrupt(lines, kind);
      if (!c) {
        results.push({ name: `corrupt ${kind}`, ok: false, detail: 'no place to plant it in the clean history' });
        continue;
      }
      const file = join(out, `corrupt-${kind}.jsonl`);
      writeFileSync(file, serializeHistory(c.lines));
      const r = spawnSync(tsx, [cli, 'check-history', file], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
      const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      results.push({
        name: `corrupt ${kind}: rejected as ${c.guarantee}`,
        ok: r.status === 1 && text.includes(c.guarantee),
        detail: `exit ${r.status}, ${text.trim().split('\n').slice(0, 2).join(' / ').slice(0, 200)}`,
      });
    }
  } else {
    console.log('zk:test: checker not available (no check-history command in src/cli/main.ts); histories were only checked for format');
  }
  timings.push(`checks ${secs(Date.now() - t)}`);

  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.detail})`);
  console.log(`zk:test: ${timings.join(', ')}; total ${secs(Date.now() - tAll)}; histories in ${out}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`zk: ${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`zk:test failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
