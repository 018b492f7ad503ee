// Starts an ensemble, records one zk-history/1 file against it, stops the ensemble.
//
//   npx tsx scripts/zk/record.ts --out FILE [--faults] [--fault-modes pause,kill,partition]
//        [--seed N] [--ops N] [--clients N] [--size 3|5] [--max-seconds N] [--fault-count N]
//        [--fault-ms N] [--fault-gap-ms N] [--think-ms N] [--session-timeout-ms N]
//        [--op-timeout-ms N] [--watch-prob P] [--keys N] [--ephemerals N] [--quiet]

import { pathToFileURL } from 'node:url';
import { Ensemble } from './ensemble.ts';
import { recordHistory } from '../../src/oracle/recorder/record.ts';
import { FAULT_MODES, type FaultMode, type RecordOptions, type RecordResult } from '../../src/oracle/recorder/options.ts';

export const ENSEMBLE_TUNING = { tickMs: 1000, initLimit: 10, syncLimit: 3 };

/** Options for a fault run: paced so the faults, not the op count, end the main phase. */
export const FAULT_RUN: Partial<RecordOptions> = {
  faults: true,
  ops: 20_000,
  thinkMs: 20,
  // Below the 4 s read timeout, so ops stuck behind a paused member end as TIMEOUT and
  // any reply that still comes is recorded as a late line.
  opTimeoutMs: 3000,
  maxSeconds: 75,
  faultCount: 4,
};

export function ensembleMeta(e: Ensemble): Record<string, unknown> {
  return { tick_ms: ENSEMBLE_TUNING.tickMs, sync_limit: ENSEMBLE_TUNING.syncLimit, init_limit: ENSEMBLE_TUNING.initLimit, force_sync: 'yes', ensemble_dir: e.dir };
}

export function recordOn(e: Ensemble, out: string, opts: Partial<RecordOptions>, log: (s: string) => void): Promise<RecordResult> {
  return recordHistory(e, out, opts, ensembleMeta(e), log);
}

export function describe(r: RecordResult): string {
  const s = r.summary as Record<string, any>;
  return (
    `${r.file}: ${s.ops_total} ops (${s.ops_main} main in ${s.main_seconds} s), ` +
    `ok/error/info ${s.outcomes.ok}/${s.outcomes.error}/${s.outcomes.info}, ` +
    `watch events ${s.watch_events}, faults pause ${s.faults.pause} kill ${s.faults.kill} partition ${s.faults.partition ?? 0} pause-all ${s.faults['pause-all'] ?? 0}, ` +
    `late replies ${s.late_replies}, sessions ${s.sessions}, expirations ${s.session_expirations}`
  );
}

async function main(argv: string[]): Promise<number> {
  const val = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string): number | undefined => {
    const v = val(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got ${v}`);
    return n;
  };
  const out = val('out');
  if (!out) {
    console.error(
      `usage: record.ts --out FILE [--faults] [--fault-modes ${FAULT_MODES.join(',')}] [--seed N] [--ops N] [--clients N] [--size 3|5] [--max-seconds N] [--fault-count N] [--fault-ms N] [--fault-gap-ms N] [--think-ms N] [--session-timeout-ms N] [--op-timeout-ms N] [--watch-prob P] [--keys N] [--ephemerals N] [--quiet]`,
    );
    return 2;
  }
  const faults = argv.includes('--faults');
  const opts: Partial<RecordOptions> = { ...(faults ? FAULT_RUN : {}), quiet: argv.includes('--quiet') };
  const map: Array<[string, keyof RecordOptions]> = [
    ['seed', 'seed'],
    ['ops', 'ops'],
    ['clients', 'clients'],
    ['max-seconds', 'maxSeconds'],
    ['fault-count', 'faultCount'],
    ['think-ms', 'thinkMs'],
    ['fault-ms', 'faultMs'],
    ['fault-gap-ms', 'faultGapMs'],
    ['session-timeout-ms', 'sessionTimeoutMs'],
    ['op-timeout-ms', 'opTimeoutMs'],
    ['watch-prob', 'watchProb'],
    ['keys', 'keys'],
    ['ephemerals', 'ephemerals'],
  ];
  for (const [flag, key] of map) {
    const n = num(flag);
    if (n !== undefined) (opts as Record<string, unknown>)[key] = n;
  }
  const modes = val('fault-modes');
  if (modes !== undefined) {
    const list = modes.split(',');
    const bad = list.find((m) => !(FAULT_MODES as readonly string[]).includes(m));
    if (bad !== undefined) throw new Error(`--fault-modes: unknown mode ${bad} (one of ${FAULT_MODES.join(', ')})`);
    opts.faultModes = list as FaultMode[];
  }
  const log = (s: string) => console.error(s);
  const t0 = Date.now();
  const e = await Ensemble.start({ size: num('size') ?? 3, ...ENSEMBLE_TUNING, log });
  log(`ensemble up in ${Date.now() - t0} ms`);
  try {
    const r = await recordOn(e, out, opts, log);
    console.log(describe(r));
  } finally {
    await e.stop();
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`record: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
