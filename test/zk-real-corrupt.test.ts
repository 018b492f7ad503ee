// The history mutator on the shared real-ZooKeeper sample: deterministic, one change per
// kind, and the result still well-formed (a checker must reject it for the guarantee it
// breaks, not as a malformed file). Needs no ZooKeeper; it runs with the zk-real suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORRUPTIONS, corrupt, parseHistory, serializeHistory, type CorruptionKind } from '../src/oracle/corrupt.ts';
import { validateHistoryText } from '../src/oracle/recorder/validate.ts';

const sample = resolve(import.meta.dirname, 'fixtures/zk-3node-clean.jsonl');
const lines = parseHistory(readFileSync(sample, 'utf8'));
const kinds = Object.keys(CORRUPTIONS) as CorruptionKind[];
// The sample closes every session only at teardown, after its last read (and op).
const notInSample = new Set<CorruptionKind>(['ephemeral-outlives-session', 'op-after-session-end']);

// The checker is another module's work; when the CLI has check-history, it must reject
// each corrupted sample and name the guarantee the corruption says it broke.
const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'src/cli/main.ts');
const tsx = join(repo, 'node_modules/.bin/tsx');
const checker = existsSync(cli) && `${spawnSync(tsx, [cli, '--help'], { cwd: repo, encoding: 'utf8', timeout: 60_000 }).stdout}`.includes('check-history');
const checkHistory = (file: string) => {
  const r = spawnSync(tsx, [cli, 'check-history', file, '--json'], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};
const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('history corruptions on the shared sample', () => {
  it('the untouched sample is well-formed', () => {
    expect(validateHistoryText(serializeHistory(lines)).problems).toEqual([]);
    if (checker) expect(checkHistory(sample).status).toBe(0);
  });

  for (const kind of kinds) {
    it(kind, () => {
      const before = serializeHistory(lines);
      const c = corrupt(lines, kind);
      expect(serializeHistory(lines)).toBe(before);
      if (notInSample.has(kind)) {
        expect(c).toBeNull();
        return;
      }
      expect(c).not.toBeNull();
      expect(c!.kind).toBe(kind);
      expect(c!.ops.length).toBeGreaterThan(0);
      const text = serializeHistory(c!.lines);
      expect(text).not.toBe(before);
      expect(validateHistoryText(text).problems).toEqual([]);
      expect(serializeHistory(corrupt(lines, kind)!.lines)).toBe(text);
      if (kind === 'lost-watch-event') {
        // One watch line goes (and the op it named loses its copy of the event).
        expect(c!.lines.length).toBe(lines.length - 1);
      } else {
        const changed = c!.lines.filter((l, i) => JSON.stringify(l) !== JSON.stringify(lines[i]));
        // watch-after-data moves one line (and edits the op it names); stray-watch-event
        // edits a watch line and the op it now names; the rest edit one op.
        expect(changed.length).toBeLessThanOrEqual(kind === 'watch-after-data' ? 40 : kind === 'stray-watch-event' ? 2 : 1);
      }
      if (checker) {
        const file = join(tmp, `${kind}.jsonl`);
        writeFileSync(file, text);
        const r = checkHistory(file);
        expect(r.status, r.out).toBe(1);
        expect(r.out).toContain(c!.guarantee);
      }
    });
  }
});
