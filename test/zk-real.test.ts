// Against a real ZooKeeper 3.8 ensemble on 127.0.0.1: short recordings, with and without
// faults, must produce well-formed zk-history/1 files that exercise every op type, and
// pass `zoocheck check-history` once that command exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ensemble } from '../scripts/zk/ensemble.ts';
import { ENSEMBLE_TUNING, recordOn } from '../scripts/zk/record.ts';
import { validateHistoryFile } from '../src/oracle/recorder/validate.ts';
import { CORRUPTIONS, corrupt, parseHistory, serializeHistory, type CorruptionKind } from '../src/oracle/corrupt.ts';

const REAL = process.env.ZOOCHECK_REAL_ZK === '1';
const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'src/cli/main.ts');
const tsx = join(repo, 'node_modules/.bin/tsx');

type Line = Record<string, any>;
let checkerMissing = false;
const readLines = (f: string): Line[] =>
  readFileSync(f, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

function checkHistory(file: string): { available: boolean; status: number | null; output: string } {
  if (checkerMissing) return { available: false, status: null, output: '' };
  if (!existsSync(cli)) return { available: false, status: null, output: '' };
  const help = spawnSync(tsx, [cli, '--help'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  if (!`${help.stdout}${help.stderr}`.includes('check-history')) {
    checkerMissing = true;
    return { available: false, status: null, output: '' };
  }
  const r = spawnSync(tsx, [cli, 'check-history', file], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { available: true, status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('real ZooKeeper ensemble', () => {
  if (!REAL) {
    it('needs ZOOCHECK_REAL_ZK=1', () => {
      throw new Error(
        "the real-ZooKeeper suite needs ZOOCHECK_REAL_ZK=1 (it installs Debian's zookeeper if missing and starts " +
          'a 127.0.0.1 ensemble): ZOOCHECK_REAL_ZK=1 npx vitest run --config scripts/zk/vitest.zk.config.ts',
      );
    });
    return;
  }

  let ens: Ensemble;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoocheck-zk-real-'));
    ens = await Ensemble.start({ size: 3, ...ENSEMBLE_TUNING });
  });
  afterAll(async () => {
    await ens?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records a clean history with every op type, watches and a final read', async () => {
    const file = join(dir, 'clean.jsonl');
    const r = await recordOn(ens, file, { seed: 7, ops: 800, quiet: true }, () => {});
    const v = validateHistoryFile(file);
    expect(v.problems).toEqual([]);
    const lines = readLines(file);
    expect(lines[0]!.kind).toBe('meta');
    expect(lines.at(-1)!.kind).toBe('summary');
    const ops = lines.filter((l) => l.kind === 'op');
    const types = new Set(ops.map((o) => o.type));
    for (const t of ['create', 'set', 'get', 'exists', 'children', 'delete', 'sync', 'close_session']) expect(types).toContain(t);
    const modes = new Set(ops.filter((o) => o.type === 'create').map((o) => o.args.mode));
    for (const m of ['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL']) expect(modes).toContain(m);
    // CREATE2 gives a stat with every successful create.
    for (const o of ops.filter((o) => o.type === 'create' && o.outcome.type === 'ok')) expect(o.outcome.stat.czxid).toBe(o.outcome.zxid);
    // Writes are totally ordered by zxid: no two writes share one.
    const writes = ops.filter((o) => ['create', 'set', 'delete'].includes(o.type) && o.outcome.type !== 'info');
    expect(new Set(writes.map((o) => o.outcome.zxid)).size).toBe(writes.length);
    expect(ops.every((o) => o.outcome.type !== 'info')).toBe(true);
    expect(ops.some((o) => o.phase === 'final')).toBe(true);
    expect(lines.filter((l) => l.kind === 'watch').length).toBeGreaterThan(0);
    expect((r.summary as Line).client_exceptions).toBe(0);
    const c = checkHistory(file);
    if (c.available) expect(c.status, c.output).toBe(0);
  });

  it('every corruption of the clean history plants and stays well-formed (and check-history rejects it)', () => {
    const file = join(dir, 'clean.jsonl');
    const lines = parseHistory(readFileSync(file, 'utf8'));
    for (const kind of Object.keys(CORRUPTIONS) as CorruptionKind[]) {
      const c = corrupt(lines, kind);
      expect(c, kind).not.toBeNull();
      const out = join(dir, `corrupt-${kind}.jsonl`);
      writeFileSync(out, serializeHistory(c!.lines));
      expect(validateHistoryFile(out).problems, kind).toEqual([]);
      const r = checkHistory(out);
      if (r.available) {
        expect(r.status, `${kind}: ${r.output}`).toBe(1);
        expect(r.output, kind).toContain(c!.guarantee);
      }
    }
  });

  it('records through a pause and a kill of the leader', async () => {
    const file = join(dir, 'faults.jsonl');
    const r = await recordOn(ens, file, { seed: 8, faults: true, ops: 8000, thinkMs: 20, opTimeoutMs: 3000, faultCount: 2, faultMs: 3000, faultGapMs: 1000, maxSeconds: 60, quiet: true }, () => {});
    expect(validateHistoryFile(file).problems).toEqual([]);
    const lines = readLines(file);
    const nem = lines.filter((l) => l.kind === 'nemesis').map((l) => l.action);
    expect(nem).toEqual(['pause', 'resume', 'healthy', 'kill', 'restart', 'healthy']);
    expect((r.summary as Line).faults).toEqual({ pause: 1, kill: 1, partition: 0, 'pause-all': 0 });
    const ops = lines.filter((l) => l.kind === 'op');
    expect(ops.some((o) => o.outcome.type === 'info')).toBe(true);
    const final = ops.filter((o) => o.phase === 'final');
    expect(final.length).toBeGreaterThan(2);
    expect(final.every((o) => o.outcome.type !== 'info')).toBe(true);
    const c = checkHistory(file);
    if (c.available) expect(c.status, c.output).toBe(0);
  });

  it('stops exactly the members it started', async () => {
    const pids = ens.members.map((m) => m.pid!);
    expect(pids.every((p) => typeof p === 'number')).toBe(true);
    await ens.stop();
    for (const p of pids) expect(() => process.kill(p, 0)).toThrow();
  });
});
