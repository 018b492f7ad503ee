// The zk-history/1 reader and the history checker: the real sample passes, malformed
// files are input errors naming file, line and field, generated histories (with and
// without faults) pass, and indeterminate writes are placed by the bounded search.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/config.ts';
import { generateHistory, historyToJsonl } from '../src/oracle/history/generate.ts';
import { checkHistory, formatReport, parseHistory, readHistoryFile, type HistoryLine, type OpLine } from '../src/oracle/history/index.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = join(REPO, 'test', 'fixtures', 'zk-3node-clean.jsonl');
const sampleText = readFileSync(SAMPLE, 'utf8');
const sampleRows = sampleText.split('\n').filter((l) => l.trim() !== '');
const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-history-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function inputError(text: string): string {
  try {
    parseHistory(text, 'history.jsonl');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

/** The sample with line `n` (1-based) replaced. */
function withLine(n: number, f: (row: string) => string): string {
  return sampleRows.map((r, i) => (i === n - 1 ? f(r) : r)).join('\n') + '\n';
}

describe('reading zk-history/1', () => {
  it('reads the real sample', () => {
    const lines = readHistoryFile(SAMPLE);
    expect(lines).toHaveLength(676);
    expect(lines[0].kind).toBe('meta');
    expect(lines.filter((l) => l.kind === 'op')).toHaveLength(630);
  });

  it('a truncated last line names that line', () => {
    const cut = sampleRows.slice(0, -1).join('\n') + '\n' + sampleRows.at(-1)!.slice(0, 40);
    expect(inputError(cut)).toMatch(/^history\.jsonl:676: truncated line/);
  });

  it('bad JSON on line 12 names line 12', () => {
    expect(inputError(withLine(12, (r) => r.replace('{', '{{')))).toMatch(/^history\.jsonl:12: invalid JSON/);
  });

  it('a wrong type names the field path', () => {
    const msg = inputError(withLine(12, (r) => r.replace('"zxid":4294967302', '"zxid":"0x100000006"')));
    expect(msg).toBe('history.jsonl:12: op.outcome.zxid: expected number, received string');
  });

  it('a missing required field is an error; an extra one is ignored', () => {
    expect(inputError(withLine(13, (r) => r.replace(/"t_invoke":\d+,/, '')))).toBe('history.jsonl:13: op.t_invoke: missing (expected number)');
    expect(inputError(withLine(13, (r) => r.replace(/,"numChildren":0/, '')))).toMatch(/^history\.jsonl:13: op\.outcome\.stat\.numChildren: missing/);
    const extra = parseHistory(withLine(13, (r) => r.replace('"phase":', '"flavour":"x","phase":')));
    expect(extra).toHaveLength(676);
  });

  it('nested and per-type fields are named', () => {
    expect(inputError(withLine(12, (r) => r.replace('"mode":"PERSISTENT"', '"mode":"FOREVER"')))).toMatch(/^history\.jsonl:12: op\.args\.mode: expected one of/);
    expect(inputError(withLine(14, (r) => r.replace('"watch":false', '"watch":"no"')))).toBe('history.jsonl:14: op.args.watch: expected boolean, received string');
    expect(inputError(withLine(1, (r) => r.replace('"zk-history/1"', '"zk-history/2"')))).toMatch(/^history\.jsonl:1: meta\.format: expected "zk-history\/1"/);
    expect(inputError(withLine(2, (r) => r.replace('"kind":"session"', '"kind":"sessions"')))).toMatch(/^history\.jsonl:2: kind: expected one of/);
  });

  it('readHistoryFile names the file it was given', () => {
    const f = join(tmp, 'bad.jsonl');
    writeFileSync(
      f,
      withLine(20, (r) => r.replace(/"id":\d+/, '"id":-3')),
    );
    expect(() => readHistoryFile(f)).toThrow(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20: op\\.id: `));
  });
});

describe('checking histories', () => {
  it('the real sample is consistent', () => {
    const r = checkHistory(readHistoryFile(SAMPLE));
    expect(r.violations).toEqual([]);
    expect(r.verdict).toBe('ok');
    expect(r.ops).toBe(630);
    expect(r.search.used).toBe(false);
    expect(formatReport(r)).toMatch(/^history OK: 630 ops/);
  });

  it('a generated fault-free history is consistent', () => {
    const r = checkHistory(generateHistory({ ops: 3000, seed: 5 }));
    expect(r.violations).toEqual([]);
    expect(r.search.hiddenEvents).toBe(0);
  });

  it('generated histories with lost replies and unrecorded expiries are consistent (bounded search)', () => {
    for (const seed of [1, 2, 3]) {
      const lines = parseHistory(historyToJsonl(generateHistory({ ops: 2000, seed, lostReplies: 0.05, expiries: 0.01 })));
      const r = checkHistory(lines);
      expect(r.violations, `seed ${seed}: ${formatReport(r)}`).toEqual([]);
      expect(r.search.used).toBe(true);
      expect(r.search.budgetExhausted).toBe(false);
      expect(r.search.placed).toBeGreaterThan(0);
    }
  });

  it('a denser fault history (10% lost replies) is consistent too', () => {
    const r = checkHistory(generateHistory({ ops: 2000, seed: 36, lostReplies: 0.1, expiries: 0.01 }));
    expect(r.violations, formatReport(r)).toEqual([]);
    expect(r.search.budgetExhausted).toBe(false);
  });

  it('generated histories with reconnects (watches re-sent by SetWatches) and faults are consistent', () => {
    for (const seed of [1, 2, 3, 8]) {
      const lines = generateHistory({ ops: 3000, seed, moves: 0.05, lostReplies: 0.03, expiries: 0.002 });
      const summary = lines.at(-1) as unknown as { moves: number; rewatch_events: number };
      expect(summary.moves).toBeGreaterThan(50);
      expect(summary.rewatch_events).toBeGreaterThan(0);
      const r = checkHistory(lines);
      expect(r.violations, `seed ${seed}: ${formatReport(r)}`).toEqual([]);
    }
  });

  it('two hidden sequential creates under one parent are placed together (seed 3 needs both before one create)', () => {
    const r = checkHistory(generateHistory({ ops: 3000, seed: 3, moves: 0.05, lostReplies: 0.03, expiries: 0.002 }));
    expect(r.violations, formatReport(r)).toEqual([]);
    expect(r.search.placed).toBeGreaterThan(10);
  });

  it('an error that is not a definite refusal is indeterminate, whatever its label', () => {
    const lines = parseHistory(sampleText);
    const set = lines.find((l): l is OpLine => l.kind === 'op' && l.type === 'set' && l.outcome.type === 'ok' && l.id > 200)!;
    // SESSIONMOVED: the write may still have taken effect, at the zxid later reads show.
    set.outcome = { type: 'error', error: 'SESSIONMOVED', code: -118, zxid: 1 };
    const r = checkHistory(lines);
    expect(r.violations).toEqual([]);
    expect(r.search.hiddenEvents).toBeGreaterThan(0);
  });

  it('writes turned indeterminate are placed where later reads saw them', () => {
    const lines = parseHistory(sampleText);
    const sets = lines.filter((l): l is OpLine => l.kind === 'op' && l.type === 'set' && l.outcome.type === 'ok').slice(5, 15);
    for (const s of sets) s.outcome = { type: 'info', error: 'CONNECTIONLOSS' };
    const r = checkHistory(lines);
    expect(r.violations).toEqual([]);
    expect(r.search.hiddenEvents).toBeGreaterThanOrEqual(10);
    expect(formatReport(r)).toContain('indeterminate');
  });

  it('an indeterminate write cannot take effect before it was invoked', () => {
    const lines = parseHistory(sampleText);
    const ops = lines.filter((l): l is OpLine => l.kind === 'op');
    // A set whose value a read returned, made indeterminate and invoked after that read completed.
    const read = ops.find((g) => g.type === 'get' && g.outcome.type === 'ok' && g.phase === 'main' && ops.some((s) => s.type === 'set' && s.args.value === g.outcome.value))!;
    const set = ops.find((s) => s.type === 'set' && s.args.value === read.outcome.value)!;
    set.outcome = { type: 'info', error: 'CONNECTIONLOSS' };
    set.t_invoke = read.t_complete + 1;
    set.t_complete = read.t_complete + 2;
    const r = checkHistory(lines);
    expect(r.verdict).toBe('violation');
    expect(r.violations.some((v) => v.ops.includes(read.id))).toBe(true);
  });

  it('a late reply gives an indeterminate op its zxid back', () => {
    const lines = parseHistory(sampleText);
    const op = lines.find((l): l is OpLine => l.kind === 'op' && l.type === 'set' && l.outcome.type === 'ok' && l.id > 100)!;
    const outcome = op.outcome;
    op.outcome = { type: 'info', error: 'TIMEOUT' };
    const withLate: HistoryLine[] = [...lines.slice(0, -1), { kind: 'late', t: op.t_complete + 5, op: op.id, outcome }, lines.at(-1)!];
    const r = checkHistory(parseHistory(withLate.map((l) => JSON.stringify(l)).join('\n')));
    expect(r.violations).toEqual([]);
    expect(r.search.hiddenEvents).toBe(0);
  });

  it('a watch a late reply set is judged like any other (one-shot here)', () => {
    const lines = parseHistory(sampleText);
    const op = lines.find((l): l is OpLine => l.kind === 'op' && l.type === 'get' && l.outcome.type === 'ok' && !l.args.watch && l.id > 100)!;
    const outcome = op.outcome;
    op.outcome = { type: 'info', error: 'TIMEOUT' };
    op.args = { ...op.args, watch: true };
    const t = op.t_complete + 5;
    const w = { kind: 'watch', t: t + 10, client: op.client, session: op.session, server: outcome.server, type: 'NodeDataChanged', path: op.path, ops: [op.id] };
    const late = { kind: 'late', t, op: op.id, outcome, watch_registered: 'data' };
    const withLate = [...lines.slice(0, -1), late, w, { ...w, t: t + 20 }, lines.at(-1)!];
    const r = checkHistory(parseHistory(withLate.map((l) => JSON.stringify(l)).join('\n')));
    expect(r.violations.map((v) => v.guarantee)).toContain('watch-one-shot');
    expect(r.violations.find((v) => v.guarantee === 'watch-one-shot')!.ops).toEqual([op.id]);
  });

  it('is a pure function of the lines', () => {
    const lines = readHistoryFile(SAMPLE);
    const before = JSON.stringify(lines);
    const a = checkHistory(lines);
    const b = checkHistory(lines);
    expect(JSON.stringify(lines)).toBe(before);
    expect({ ...a, checkedMs: 0 }).toEqual({ ...b, checkedMs: 0 });
  });
});

// What the reader checks across lines: a late reply belongs to one op given up on, once;
// no blank line inside the file; watch lines and an op's watch_events agree; an info
// outcome's zxid is typed.
const rows = sampleRows;
const objs = () => rows.map((r) => JSON.parse(r) as Record<string, any>);
const text = (ls: Record<string, unknown>[]) => ls.map((l) => JSON.stringify(l)).join('\n') + '\n';
/** Index (0-based line) of the first main-phase op matching f. */
const find = (ls: Record<string, any>[], f: (o: Record<string, any>) => boolean) => ls.findIndex((l) => l.kind === 'op' && l.phase === 'main' && f(l));

describe('late replies', () => {
  it('a late line for an op that was answered names the late line and the op', () => {
    const ls = objs();
    const i = find(ls, (o) => o.type === 'set' && o.outcome.type === 'ok');
    ls.splice(i + 1, 0, { kind: 'late', t: ls[i].t_complete + 5, op: ls[i].id, outcome: ls[i].outcome });
    expect(inputError(text(ls))).toBe(`history.jsonl:${i + 2}: late.op: op ${ls[i].id} (line ${i + 1}) was answered (ok); a late reply belongs to an op recorded as info`);
  });

  it('one late line for an op given up on is read; a second is an error naming both lines', () => {
    const ls = objs();
    const i = find(ls, (o) => o.type === 'set' && o.outcome.type === 'ok');
    const answer = ls[i].outcome;
    ls[i].outcome = { type: 'info', error: 'TIMEOUT' };
    ls.splice(i + 1, 0, { kind: 'late', t: ls[i].t_complete + 5, op: ls[i].id, outcome: answer });
    expect(parseHistory(text(ls))).toHaveLength(rows.length + 1);
    ls.splice(i + 2, 0, { kind: 'late', t: ls[i].t_complete + 6, op: ls[i].id, outcome: answer });
    expect(inputError(text(ls))).toBe(`history.jsonl:${i + 3}: late.op: op ${ls[i].id} already has a late reply on line ${i + 2}`);
  });
});

describe('blank lines', () => {
  const withBlank = `${rows.slice(0, 40).join('\n')}\n\n${rows.slice(40).join('\n')}\n`;

  it('inside the file: the blank line is named, from a string and from a file', () => {
    expect(inputError(withBlank)).toBe('history.jsonl:41: line: empty (each line of zk-history/1 is one JSON object)');
    const f = join(tmp, 'blank.jsonl');
    writeFileSync(f, withBlank);
    expect(() => readHistoryFile(f)).toThrow(`${f}:41: line: empty`);
  });

  it('at the end they are a trailing newline or two', () => {
    const f = join(tmp, 'trailing.jsonl');
    writeFileSync(f, `${rows.join('\n')}\n\n \n`);
    expect(readHistoryFile(f)).toHaveLength(rows.length);
    expect(parseHistory(`${rows.join('\n')}\n\n\n`)).toHaveLength(rows.length);
  });
});

describe("watch lines and an op's watch_events", () => {
  const watched = (ls: Record<string, any>[]) => ls.findIndex((l) => l.kind === 'op' && (l.watch_events?.length ?? 0) === 1);

  it('a watch line removed while the op still lists its event names the op line', () => {
    const ls = objs();
    const i = watched(ls);
    const e = ls[i].watch_events[0];
    const w = ls.findIndex((l) => l.kind === 'watch' && l.ops.includes(ls[i].id));
    ls.splice(w, 1);
    expect(inputError(text(ls))).toBe(`history.jsonl:${i + 1}: op.watch_events: lists ${e.type} ${e.path} 1 time(s), but 0 watch line(s) name op ${ls[i].id} with it`);
  });

  it('a watch line naming an op whose watch_events lack it names the watch line', () => {
    const ls = objs();
    const i = watched(ls);
    const e = ls[i].watch_events[0];
    ls[i].watch_events = [];
    const w = ls.findIndex((l) => l.kind === 'watch' && l.ops.includes(ls[i].id));
    expect(inputError(text(ls))).toBe(`history.jsonl:${w + 1}: watch.ops: names op ${ls[i].id} with ${e.type} ${e.path} 1 time(s), but that op's watch_events (line ${i + 1}) lists it 0 time(s)`);
  });

  it('an op without watch_events (a watch its late reply set) is named by watch lines alone', () => {
    const ls = objs();
    const i = watched(ls);
    delete ls[i].watch_events;
    expect(parseHistory(text(ls))).toHaveLength(rows.length);
  });
});

it("an info outcome's zxid, when given, is a number", () => {
  const ls = objs();
  const i = find(ls, (o) => o.type === 'set' && o.outcome.type === 'ok');
  ls[i].outcome = { type: 'info', error: 'SESSIONMOVED', code: -118, zxid: 'abc', server: 's1' };
  expect(inputError(text(ls))).toBe(`history.jsonl:${i + 1}: op.outcome.zxid: expected number, received string`);
  ls[i].outcome.zxid = 5;
  expect(parseHistory(text(ls))).toHaveLength(rows.length);
});
