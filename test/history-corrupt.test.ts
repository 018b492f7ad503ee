// Every kind of corruption (src/oracle/corrupt.ts, one broken guarantee at a time) of the
// real sample is rejected by the checker with the guarantee the corruption breaks, and
// that guarantee alone; the untouched history passes.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORRUPTIONS, corrupt, parseHistory as parseRaw, serializeHistory, type CorruptionKind, type Line } from '../src/oracle/corrupt.ts';
import { checkHistory, formatReport, parseHistory } from '../src/oracle/history/index.ts';

const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'zk-3node-clean.jsonl');
const sample = parseRaw(readFileSync(SAMPLE, 'utf8'));

const check = (lines: Line[]) => checkHistory(parseHistory(serializeHistory(lines), 'corrupted.jsonl'));

/**
 * The sample plus one valid read after every session closed: a fresh session asks for an
 * ephemeral whose owner closed at teardown and (correctly) gets NONODE. The sample itself
 * has no read after a close, so the ephemeral corruption needs this spot to plant in.
 */
function withReadAfterClose(lines: Line[]): Line[] {
  const ops = lines.filter((l) => l.kind === 'op');
  const closes = ops.filter((o) => o.type === 'close_session' && o.outcome.type === 'ok');
  const closed = new Set(closes.map((o) => o.session));
  const closeZ = new Map(closes.map((o) => [o.session, o.outcome.zxid]));
  // An ephemeral still there when its owner closed: no delete of it in between.
  const eph = ops.find(
    (o) =>
      o.type === 'create' &&
      o.outcome.type === 'ok' &&
      String(o.args.mode).startsWith('EPHEMERAL') &&
      closed.has(o.session) &&
      !ops.some((d) => d.type === 'delete' && d.outcome.type === 'ok' && d.path === o.outcome.created_path && d.outcome.zxid > o.outcome.zxid && d.outcome.zxid < closeZ.get(o.session)),
  )!;
  const t = Math.max(...ops.map((o) => o.t_complete)) + 1_000_000;
  const zxid = Math.max(...closes.map((o) => o.outcome.zxid));
  const read = {
    kind: 'op',
    id: Math.max(...ops.map((o) => o.id)) + 1,
    phase: 'final',
    process: 99,
    client: 99,
    session: '0x0300001bc5489999',
    server: 's3',
    type: 'get',
    path: eph.outcome.created_path,
    args: { watch: false },
    t_invoke: t,
    t_complete: t + 1000,
    outcome: { type: 'error', error: 'NONODE', code: -101, zxid, server: 's3' },
  };
  return [...lines.slice(0, -1), read, lines.at(-1)!];
}

/**
 * The sample plus one valid children listing of the root after every session closed
 * (no stat): the last listing's names less the ephemerals whose owners closed since.
 * With no read of a single ephemeral after its close, the ephemeral corruption falls
 * back to naming the dead node in this listing.
 */
function withListingAfterClose(lines: Line[]): Line[] {
  const ops = lines.filter((l) => l.kind === 'op');
  const closes = ops.filter((o) => o.type === 'close_session' && o.outcome.type === 'ok');
  const closed = new Set(closes.map((o) => o.session));
  const root = ops[0].path;
  const last = ops.filter((o) => o.type === 'children' && o.path === root && o.outcome.type === 'ok').at(-1)!;
  const lastCreate = (path: string) => ops.filter((o) => o.type === 'create' && o.outcome.type === 'ok' && o.outcome.created_path === path && o.outcome.zxid <= last.outcome.zxid).at(-1);
  const children = (last.outcome.children as string[]).filter((name) => {
    const c = lastCreate(`${root}/${name}`);
    return !(c && String(c.args.mode).startsWith('EPHEMERAL') && closed.has(c.session));
  });
  const t = Math.max(...ops.map((o) => o.t_complete)) + 1_000_000;
  const zxid = Math.max(...closes.map((o) => o.outcome.zxid));
  const listing = {
    kind: 'op',
    id: Math.max(...ops.map((o) => o.id)) + 1,
    phase: 'final',
    process: 99,
    client: 99,
    session: '0x0300001bc5489999',
    server: 's3',
    type: 'children',
    path: root,
    args: { watch: false },
    t_invoke: t,
    t_complete: t + 1000,
    outcome: { type: 'ok', zxid, server: 's3', children },
  };
  return [...lines.slice(0, -1), listing, lines.at(-1)!];
}

/**
 * Session FIFO (not a kind of corrupt.ts): of two consecutive writes of one session, the
 * later one is moved to be invoked just before the earlier one, keeping its larger zxid.
 */
function sessionFifo(input: Line[]): { lines: Line[]; ops: number[] } {
  const lines = structuredClone(input);
  const ops = lines.filter((l) => l.kind === 'op' && l.phase === 'main');
  const W = new Set(['create', 'set', 'delete']);
  for (let i = 0; i < ops.length; i++) {
    const a = ops[i];
    if (!W.has(a.type) || a.outcome.type === 'info') continue;
    const b = ops.slice(i + 1).find((o) => o.session === a.session);
    if (!b || !W.has(b.type) || b.outcome.type === 'info' || b.outcome.zxid <= a.outcome.zxid) continue;
    b.t_invoke = a.t_invoke - 1;
    return { lines, ops: [a.id, b.id] };
  }
  throw new Error('no two consecutive writes in one session');
}

describe('corrupted real histories are rejected, naming the guarantee', () => {
  it('the untouched sample (and with a read after the closes) passes', () => {
    expect(check(sample).violations).toEqual([]);
    expect(check(withReadAfterClose(sample)).violations).toEqual([]);
  });

  for (const kind of Object.keys(CORRUPTIONS) as CorruptionKind[]) {
    it(kind, () => {
      const base = corrupt(sample, kind) ? sample : withReadAfterClose(sample);
      const c = corrupt(base, kind);
      expect(c, `corrupt.ts found no place for ${kind}`).not.toBeNull();
      const r = check(c!.lines);
      expect(r.verdict, formatReport(r)).toBe('violation');
      expect(r.violations.map((v) => v.guarantee)).toEqual([c!.guarantee]);
      // The op the corruption touched (the last it names) is among those blamed.
      expect(r.violations[0].ops).toContain(c!.ops.at(-1));
      expect(formatReport(r)).toContain(c!.guarantee);
    });
  }

  it('ephemeral-outlives-session, planted in a children listing', () => {
    const base = withListingAfterClose(sample);
    expect(check(base).violations).toEqual([]);
    const c = corrupt(base, 'ephemeral-outlives-session')!;
    expect(c.description).toMatch(/lists ephemeral/);
    const r = check(c.lines);
    expect(r.violations.map((v) => v.guarantee)).toEqual(['ephemeral-lifetime']);
    expect(r.violations[0].ops).toEqual(expect.arrayContaining([c.ops[0], c.ops[2]]));
  });

  it('session-fifo', () => {
    const c = sessionFifo(sample);
    const r = check(c.lines);
    expect(r.verdict).toBe('violation');
    expect(new Set(r.violations.map((v) => v.guarantee))).toEqual(new Set(['session-fifo']));
    expect(r.violations[0].ops.sort()).toEqual([...c.ops].sort());
  });
});
