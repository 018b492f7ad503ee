// How often does ZooKeeper diverge under zk:test's faults? Runs zk:test's recording
// sequence N times, each on a fresh 3-node ensemble (a clean recording, then a fault
// recording with the same seed), checks each fault history, and keeps ZooKeeper's
// evidence (server logs, data directories, txn-log zxid ranges) of every flagged run.
//
//   npx tsx scripts/zk/survey.ts --runs N [--seed 1] [--out DIR]
//
// Bounded: N ensembles one after another, each run at most ~2.5 minutes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkHistory, formatReport, readHistoryFile } from '../../src/oracle/history/index.ts';
import { Ensemble } from './ensemble.ts';
import { describeEvidence, keepEvidence } from './evidence.ts';
import { ENSEMBLE_TUNING, FAULT_RUN, recordOn } from './record.ts';

function arg(argv: string[], name: string, dflt: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

async function main(argv: string[]): Promise<number> {
  const runs = Number(arg(argv, 'runs', '5'));
  const seed = Number(arg(argv, 'seed', '1'));
  const out = resolve(arg(argv, 'out', 'ci-results/zk-survey'));
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error('--runs must be 1..50');
  mkdirSync(out, { recursive: true });
  const log = () => {};
  const rows: string[] = [];
  let flagged = 0;
  for (let i = 1; i <= runs; i++) {
    const t0 = Date.now();
    const ens = await Ensemble.start({ size: 3, ...ENSEMBLE_TUNING, log });
    let file = '';
    try {
      await recordOn(ens, join(out, `run${i}-clean.jsonl`), { seed, ops: 1500, maxSeconds: 60, quiet: true }, log);
      file = join(out, `run${i}-faults.jsonl`);
      await recordOn(ens, file, { ...FAULT_RUN, seed, quiet: true }, log);
    } finally {
      await ens.stop({ keepDir: true });
    }
    const r = checkHistory(readHistoryFile(file));
    let line = `run ${i}: ${r.ops} ops, ${r.verdict} (${Math.round((Date.now() - t0) / 1000)} s)`;
    if (r.verdict !== 'ok') {
      flagged++;
      const kept = keepEvidence(ens.dir, out, `run${i}-evidence`);
      const ev = describeEvidence(kept);
      writeFileSync(join(kept, 'txn-log-zxids.txt'), ev.join('\n') + '\n');
      line += `\n  ${formatReport(r, 2).split('\n').join('\n  ').slice(0, 1500)}\n  evidence: ${kept}\n  ${ev.join('\n  ')}`;
    }
    // The ensemble's directory was kept only to copy the evidence out of it.
    rmSync(ens.dir, { recursive: true, force: true });
    rows.push(line);
    console.log(line);
  }
  console.log(`survey: ZooKeeper diverged in ${flagged} of ${runs} fault runs with seed ${seed}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  (e) => {
    console.error(`survey: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
