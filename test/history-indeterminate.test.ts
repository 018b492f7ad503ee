// Turning acknowledged writes of real histories into indeterminate ones (the
// client timed out, the server committed anyway) must leave it consistent: the
// bounded search has to find where each took effect. Two shapes that a faulty run
// produces and a naive search misses: a write whose session closed before anyone
// read what it did, and several sequential creates first seen by one listing.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory, formatReport, parseHistory } from '../src/oracle/history/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLE = join(HERE, 'fixtures', 'zk-3node-clean.jsonl');
// A 3-node 3.8 history recorded by `npm run zk:test --seed 9` (sessions close
// mid-run; one sync is served by the leader behind a follower's reply).
const RECORDED = join(HERE, 'fixtures', 'zk-3node-s9-clean.jsonl.gz');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;
const sample: Raw[] = readFileSync(SAMPLE, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const recorded: Raw[] = gunzipSync(readFileSync(RECORDED))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const WRITES = new Set(['create', 'set', 'delete']);

function withTimeouts(raw: Raw[], ids: ReadonlySet<number>) {
  const lines = raw.map((l) => (l.kind === 'op' && ids.has(l.id) ? { ...l, outcome: { type: 'info', error: 'TIMEOUT' } } : l));
  return checkHistory(parseHistory(lines.map((l) => JSON.stringify(l)).join('\n')));
}

describe('indeterminate writes placed by the search (real histories)', () => {
  it('the recorded history passes as it is', () => {
    const r = checkHistory(parseHistory(recorded.map((l) => JSON.stringify(l)).join('\n')));
    expect(r.violations, formatReport(r)).toEqual([]);
  });

  it('a write of a session that then closed, before anyone read what it did', () => {
    const ops = recorded.filter((l) => l.kind === 'op');
    const closes = ops.filter((o) => o.type === 'close_session' && o.outcome.type === 'ok');
    let n = 0;
    for (const c of closes) {
      const mine = ops.filter((o) => o.session === c.session && WRITES.has(o.type) && o.outcome.type === 'ok' && o.outcome.zxid < c.outcome.zxid);
      for (const w of mine.slice(-2)) {
        const r = withTimeouts(recorded, new Set([w.id]));
        expect(r.violations, `op ${w.id} indeterminate: ${formatReport(r)}`).toEqual([]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  for (const [name, raw] of [
    ['sample', sample],
    ['recorded', recorded],
  ] as const) {
    it(`runs of consecutive sequential creates (${name})`, () => {
      const ops = raw.filter((l) => l.kind === 'op');
      const seq = ops.filter((o) => o.type === 'create' && o.outcome.type === 'ok' && /SEQUENTIAL/.test(o.args.mode)).sort((a, b) => a.outcome.zxid - b.outcome.zxid);
      expect(seq.length).toBeGreaterThan(20);
      for (const k of [2, 3]) {
        for (let i = 0; i + k <= seq.length; i += 3) {
          const ids = new Set<number>(seq.slice(i, i + k).map((o) => o.id));
          const r = withTimeouts(raw, ids);
          expect(r.violations, `ops ${[...ids].join(',')} indeterminate: ${formatReport(r)}`).toEqual([]);
        }
      }
    });
  }
});
