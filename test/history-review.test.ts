// The review's findings (issue 11, items 1-5), one test each, every one built from a
// real recorded 3.8 history with one surgical change, through the CLI as a user runs
// it: exit 0 held, 1 violation (naming the guarantee), 2 malformed input (naming file,
// line and field).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT, zoocheck } from './helpers/cli.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;
const read = (name: string): Raw[] => {
  const buf = readFileSync(join(ROOT, 'test', 'fixtures', name));
  const text = name.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
};
// zk:test --seed 9 (no faults): sessions close from 0.11 s on.
const S9 = read('zk-3node-s9-clean.jsonl.gz');
// The README's sample: 3 members, watches.
const SAMPLE = read('zk-3node-clean.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'zoocheck-review-'));
let n = 0;

function check(lines: Raw[], name = `h${n++}.jsonl`): { code: number; out: string; file: string } {
  const file = join(dir, name);
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  writeFileSync(file, name.endsWith('.gz') ? gzipSync(text) : text);
  const r = zoocheck(['check-history', file]);
  return { code: r.code, out: r.stdout + r.stderr, file };
}
const edit = (lines: Raw[], id: number, f: (op: Raw) => void): Raw[] =>
  lines.map((l) => {
    if (l.kind !== 'op' || l.id !== id) return l;
    const c = structuredClone(l);
    f(c);
    return c;
  });
const lineOf = (lines: Raw[], id: number) => lines.findIndex((l) => l.kind === 'op' && l.id === id) + 1;

describe('1: a client closing its own session does not switch the sync check off', () => {
  // Sync op 130 goes through follower s1 at 0.55 s, after zxid 0x10000005a had been
  // answered (its session had seen 0x100000056); s9's first close_session is at 0.11 s.
  // Made stale: 0x100000057.
  const stale = edit(S9, 130, (o) => (o.outcome.zxid = 0x100000057));
  it('a stale sync through a follower after an own close is flagged', () => {
    const r = check(stale);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/- sync \(/);
  });

  it('a lost connection of a session that stays open makes the leader unknown only while it lasts', () => {
    const sync = S9.find((l) => l.kind === 'op' && l.id === 130);
    const other = S9.find((l) => l.kind === 'op' && l.session && l.session !== sync.session && l.t_invoke > sync.t_complete && l.type !== 'close_session');
    const at = (t: number, event: string) => ({ kind: 'session', t, client: other.client, session: other.session, server: 's2', event });
    const during = [...stale, at(sync.t_invoke - 1000, 'DISCONNECTED'), at(sync.t_complete + 1000, 'CONNECTED')];
    expect(check(during).code).toBe(0);
    const before = [...stale, at(sync.t_invoke - 3000, 'DISCONNECTED'), at(sync.t_invoke - 2000, 'CONNECTED')];
    expect(check(before).code).toBe(1);
  });
});

describe('2: two writes with one zxid', () => {
  it('is a violation naming both', () => {
    const writes = SAMPLE.filter((l) => l.kind === 'op' && l.phase === 'main' && ['set', 'create', 'delete'].includes(l.type) && typeof l.outcome.zxid === 'number');
    const [a, b] = [writes[10], writes[11]];
    const r = check(edit(SAMPLE, b.id, (o) => (o.outcome.zxid = a.outcome.zxid)));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`op ${b.id} \\([^)]*\\) and op ${a.id} \\([^)]*\\) both report txn zxid`));
  });
});

describe('3: a watch event has a lower time bound', () => {
  const reg = SAMPLE.find((l) => l.kind === 'op' && (l.watch_events?.length ?? 0) > 0);
  const moveEvent = (t: number) => edit(SAMPLE, reg.id, (o) => (o.watch_events[0].t = t)).map((l) => (l.kind === 'watch' && l.ops.includes(reg.id) ? { ...l, t } : l));
  it('not before the op that registered the watch was invoked', () => {
    const r = check(moveEvent(reg.t_invoke - 1));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/watch-cause.*\n.*arrived earlier/);
  });
  it('not before the write that fired it was invoked', () => {
    // The first write after the registration that changes its path.
    const w = SAMPLE.find((l) => l.kind === 'op' && l.path === reg.path && ['set', 'delete', 'create'].includes(l.type) && l.outcome.type === 'ok' && l.outcome.zxid > reg.outcome.zxid);
    expect(w.t_invoke).toBeGreaterThan(reg.t_complete);
    const r = check(moveEvent(w.t_invoke - 1));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`made by op ${w.id} invoked at t=${w.t_invoke}, but the event arrived earlier`));
  });
});

describe('4: impossible input is malformed, not a ZooKeeper bug', () => {
  const op = SAMPLE.find((l) => l.kind === 'op' && l.phase === 'main' && l.type === 'get');
  const cases: [string, (o: Raw) => void, RegExp][] = [
    ['t_complete before t_invoke', (o) => (o.t_complete = o.t_invoke - 1), /op\.t_complete: \d+ is before t_invoke/],
    ['a negative time', (o) => (o.t_invoke = -5), /op\.t_invoke: /],
    ['a path outside the root', (o) => (o.path = '/elsewhere/k1'), /op\.path: \/elsewhere\/k1 is outside the declared root/],
    ['a session id that is not 0x + 16 hex digits', (o) => (o.session = '0x12ab'), /op\.session: expected "0x" and 16 lower-case hex digits/],
  ];
  for (const [name, f, msg] of cases) {
    it(name, () => {
      const r = check(edit(SAMPLE, op.id, f));
      expect(r.code, r.out).toBe(2);
      expect(r.out).toMatch(new RegExp(`${r.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${lineOf(SAMPLE, op.id)}: ${msg.source}`));
      expect(r.out.trim().split('\n')).toHaveLength(1);
    });
  }
});

describe('5: usability', () => {
  it('reads .jsonl.gz', () => {
    const r = check(SAMPLE, 'sample.jsonl.gz');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^history OK: /);
  });
  it("reads standard input for '-'", () => {
    const text = SAMPLE.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'zoocheck.mjs'), 'check-history', '-'], { input: text, encoding: 'utf8', cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
  });
  it('a history with no operations is not OK', () => {
    const r = check(SAMPLE.filter((l) => l.kind !== 'op' && l.kind !== 'watch' && l.kind !== 'late'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/no operations to check/);
  });
});
