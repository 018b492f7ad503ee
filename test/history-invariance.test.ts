// A valid history's verdict does not depend on what the format leaves free: cutting it
// short after any op (a prefix of a run is a run), the order of the lines between meta
// and summary (the checker orders what it needs by time and zxid itself; the format
// only asks for time order, a stronger freedom than equal-time lines in any order),
// and which index names which client.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, formatReport, parseHistory } from '../src/oracle/history/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const text = (name: string) => {
  const buf = readFileSync(join(HERE, 'fixtures', name));
  return name.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

const HISTORIES: [string, Raw[]][] = [
  [
    '3-node sample with watches',
    text('zk-3node-clean.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  ],
  [
    'seed 9, sessions closing',
    text('zk-3node-s9-clean.jsonl.gz')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  ],
];

const verdict = (lines: Raw[]) => {
  const r = checkHistory(parseHistory(lines.map((l) => JSON.stringify(l)).join('\n')));
  return { verdict: r.verdict, why: formatReport(r) };
};

/**
 * The run as recorded up to time T (the invocation of the cut-th op): later lines
 * dropped, an op still waiting for its reply at T ended as the recorder ends one it
 * gave up on (info, TIMEOUT, at T), watch events after T not yet received.
 */
function truncate(lines: Raw[], cut: number): Raw[] {
  const ops = lines.filter((l) => l.kind === 'op');
  const T = ops[cut % ops.length].t_invoke;
  const out: Raw[] = [];
  for (const l of lines) {
    if (l.kind === 'meta') out.push(l);
    else if (l.kind === 'op') {
      if (l.t_invoke > T) continue;
      const c = structuredClone(l);
      if (c.t_complete > T) {
        c.t_complete = T;
        c.outcome = { type: 'info', error: 'TIMEOUT' };
        delete c.watch_registered;
        delete c.watch_events;
      }
      if (c.watch_events) c.watch_events = c.watch_events.filter((e: Raw) => e.t <= T);
      out.push(c);
    } else if (l.kind !== 'summary' && l.t <= T) out.push(l);
  }
  // A watch line naming only ops that are gone or unregistered now goes too.
  const registered = new Set(out.filter((l) => l.kind === 'op' && l.watch_registered).map((l) => l.id));
  return out.filter((l) => l.kind !== 'watch' || l.ops.every((id: number) => registered.has(id)));
}

function shuffleBody(lines: Raw[], perm: number[]): Raw[] {
  const body = lines.slice(1, lines.at(-1).kind === 'summary' ? -1 : undefined);
  const keyed = body.map((l, i) => ({ l, k: perm[i % perm.length] * 1e6 + i }));
  keyed.sort((a, b) => a.k - b.k);
  return [lines[0], ...keyed.map((x) => x.l), ...(lines.at(-1).kind === 'summary' ? [lines.at(-1)] : [])];
}

function renameClients(lines: Raw[], offset: number): Raw[] {
  const ids = [...new Set(lines.filter((l) => typeof l.client === 'number').map((l) => l.client as number))].sort((a, b) => a - b);
  const to = new Map(ids.map((c, i) => [c, ids[(i + offset) % ids.length] + 1000]));
  return lines.map((l) => (typeof l.client === 'number' ? { ...l, client: to.get(l.client) } : l));
}

describe('verdict invariance of valid real histories', () => {
  for (const [name, lines] of HISTORIES) {
    it(`${name}: held as recorded, and after truncation, reordering and renaming of clients`, () => {
      expect(verdict(lines).verdict).toBe('ok');
      fc.assert(
        fc.property(fc.nat(), fc.array(fc.nat(1000), { minLength: 1, maxLength: 64 }), fc.nat(16), fc.constantFrom('truncate', 'reorder', 'rename', 'all'), (cut, perm, offset, what) => {
          let h = lines;
          if (what === 'truncate' || what === 'all') h = truncate(h, cut);
          if (what === 'reorder' || what === 'all') h = shuffleBody(h, perm);
          if (what === 'rename' || what === 'all') h = renameClients(h, offset);
          const v = verdict(h);
          expect(v.verdict, `${what}: ${v.why}`).toBe('ok');
        }),
        { numRuns: 12, seed: 11 },
      );
    });
  }
});
