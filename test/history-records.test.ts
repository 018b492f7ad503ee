// What the reader checks across lines or between them (src/oracle/history/parse.ts): a
// late reply belongs to one op given up on, once; no blank line inside the file; watch
// lines and an op's watch_events agree; an info outcome's zxid is typed. Each is an
// InputError naming file, line and field (exit 2), found on the real sample.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/config.ts';
import { parseHistory, readHistoryFile } from '../src/oracle/history/index.ts';

const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'zk-3node-clean.jsonl');
const rows = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');
const objs = () => rows.map((r) => JSON.parse(r) as Record<string, any>);
const text = (ls: Record<string, unknown>[]) => ls.map((l) => JSON.stringify(l)).join('\n') + '\n';
const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-records-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function inputError(src: string): string {
  try {
    parseHistory(src, 'h.jsonl');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

/** Index (0-based line) of the first main-phase op matching f. */
const find = (ls: Record<string, any>[], f: (o: Record<string, any>) => boolean) => ls.findIndex((l) => l.kind === 'op' && l.phase === 'main' && f(l));

describe('late replies', () => {
  it('a late line for an op that was answered names the late line and the op', () => {
    const ls = objs();
    const i = find(ls, (o) => o.type === 'set' && o.outcome.type === 'ok');
    ls.splice(i + 1, 0, { kind: 'late', t: ls[i].t_complete + 5, op: ls[i].id, outcome: ls[i].outcome });
    expect(inputError(text(ls))).toBe(`h.jsonl:${i + 2}: late.op: op ${ls[i].id} (line ${i + 1}) was answered (ok); a late reply belongs to an op recorded as info`);
  });

  it('one late line for an op given up on is read; a second is an error naming both lines', () => {
    const ls = objs();
    const i = find(ls, (o) => o.type === 'set' && o.outcome.type === 'ok');
    const answer = ls[i].outcome;
    ls[i].outcome = { type: 'info', error: 'TIMEOUT' };
    ls.splice(i + 1, 0, { kind: 'late', t: ls[i].t_complete + 5, op: ls[i].id, outcome: answer });
    expect(parseHistory(text(ls))).toHaveLength(rows.length + 1);
    ls.splice(i + 2, 0, { kind: 'late', t: ls[i].t_complete + 6, op: ls[i].id, outcome: answer });
    expect(inputError(text(ls))).toBe(`h.jsonl:${i + 3}: late.op: op ${ls[i].id} already has a late reply on line ${i + 2}`);
  });
});

describe('blank lines', () => {
  const withBlank = `${rows.slice(0, 40).join('\n')}\n\n${rows.slice(40).join('\n')}\n`;

  it('inside the file: the blank line is named, from a string and from a file', () => {
    expect(inputError(withBlank)).toBe('h.jsonl:41: line: empty (each line of zk-history/1 is one JSON object)');
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
    expect(inputError(text(ls))).toBe(`h.jsonl:${i + 1}: op.watch_events: lists ${e.type} ${e.path} 1 time(s), but 0 watch line(s) name op ${ls[i].id} with it`);
  });

  it('a watch line naming an op whose watch_events lack it names the watch line', () => {
    const ls = objs();
    const i = watched(ls);
    const e = ls[i].watch_events[0];
    ls[i].watch_events = [];
    const w = ls.findIndex((l) => l.kind === 'watch' && l.ops.includes(ls[i].id));
    expect(inputError(text(ls))).toBe(`h.jsonl:${w + 1}: watch.ops: names op ${ls[i].id} with ${e.type} ${e.path} 1 time(s), but that op's watch_events (line ${i + 1}) lists it 0 time(s)`);
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
  expect(inputError(text(ls))).toBe(`h.jsonl:${i + 1}: op.outcome.zxid: expected number, received string`);
  ls[i].outcome.zxid = 5;
  expect(parseHistory(text(ls))).toHaveLength(rows.length);
});
