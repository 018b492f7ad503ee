// zk-history/1 is declared once (src/oracle/history/schema.ts): the docs' field table
// is generated from it, the recorder's and the corruptor's writer go through it, and
// the parser reads with it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serializeHistory } from '../src/oracle/corrupt.ts';
import { FORMAT_DOC, withFieldTable } from '../src/oracle/history/format-doc.ts';
import { parseHistory } from '../src/oracle/history/index.ts';
import { fieldTable, LineError, parseLine, serializeLine } from '../src/oracle/history/schema.ts';
import { validateHistoryText } from '../src/oracle/recorder/validate.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const sampleText = readFileSync(join(HERE, 'fixtures', 'zk-3node-clean.jsonl'), 'utf8');

describe('one schema', () => {
  it("docs/history-format.md's field table is the schema's (npx tsx src/oracle/history/format-doc.ts --write)", () => {
    const doc = readFileSync(FORMAT_DOC, 'utf8');
    expect(doc).toBe(withFieldTable(doc));
    for (const field of ['`outcome.created_path`', '`watch_events`', '`ops`', '`t_complete`']) expect(doc).toContain(field);
  });

  it('the field table lists every field of every kind, with its type and whether it is required', () => {
    const rows = fieldTable();
    expect(rows).toContain('| op | `session` | session id ("0x" + 16 hex) or null | yes | session id at invocation (null before the first session) |');
    expect(rows.some((r) => r.startsWith('| late | `op` | int | yes |'))).toBe(true);
    expect(rows.some((r) => r.startsWith('| op | `args.mode` | PERSISTENT / EPHEMERAL / PERSISTENT_SEQUENTIAL / EPHEMERAL_SEQUENTIAL | no |'))).toBe(true);
  });

  it('the writer refuses a line the reader would refuse, naming the field', () => {
    const op = sampleText
      .split('\n')
      .map((l) => (l ? JSON.parse(l) : null))
      .find((l) => l?.kind === 'op' && l.type === 'create');
    expect(serializeLine(op)).toBe(JSON.stringify(op));
    expect(() => serializeLine({ ...op, args: { value: 'v' } })).toThrow(/^op\.args\.mode: /);
    expect(() => serializeLine({ ...op, session: '0x12' })).toThrow(LineError);
    expect(() => serializeLine({ ...op, t_complete: op.t_invoke - 1 })).toThrow(/^op\.t_complete: /);
    expect(() => parseLine({ ...op, t_invoke: -5 })).toThrow(/^op\.t_invoke: /);
  });

  it('reader, corruptor writer and recorder validation agree on a real recorded history', () => {
    const lines = parseHistory(sampleText);
    const text = serializeHistory(lines);
    expect(parseHistory(text)).toEqual(lines);
    expect(validateHistoryText(sampleText).problems).toEqual([]);
  });
});
