// An op invoked while its client's new session is still connecting carries
// `session: null` (history-format.md: the session at invocation); the client library
// sends it once the session is up, so it takes effect in that session.
import { describe, expect, it } from 'vitest';
import { checkHistory, formatReport, type HistoryLine } from '../src/oracle/history/index.ts';

const A = '0x0000000000000a00';

function stat(z: number, value: string, numChildren = 0, cversion = 0, pzxid = z) {
  return { czxid: z, mzxid: z, pzxid, ctime: 1, mtime: 1, version: 0, cversion, aversion: 0, ephemeralOwner: '0x0000000000000000', dataLength: value.length, numChildren };
}

function history(connectedAt: number): HistoryLine[] {
  return [
    { kind: 'meta', format: 'zk-history/1', root: '/r' },
    { kind: 'session', t: 500, client: 0, session: null, event: 'CONNECTING', server: null },
    {
      kind: 'op',
      id: 0,
      phase: 'setup',
      process: 0,
      client: 0,
      session: null,
      server: null,
      type: 'create',
      path: '/r',
      args: { mode: 'PERSISTENT', value: 'root' },
      t_invoke: 1000,
      t_complete: 3000,
      outcome: { type: 'ok', zxid: 1, server: 's1', created_path: '/r', stat: stat(1, 'root') },
    },
    { kind: 'session', t: connectedAt, client: 0, session: A, event: 'CONNECTED', server: 's1' },
    {
      kind: 'op',
      id: 1,
      phase: 'main',
      process: 0,
      client: 0,
      session: A,
      server: 's1',
      type: 'children',
      path: '/r',
      args: { watch: false },
      t_invoke: 4000,
      t_complete: 5000,
      outcome: { type: 'ok', zxid: 1, server: 's1', children: [], stat: stat(1, 'root') },
    },
    {
      kind: 'op',
      id: 2,
      phase: 'main',
      process: 0,
      client: 0,
      session: A,
      server: 's1',
      type: 'create',
      path: '/r/a',
      args: { mode: 'PERSISTENT', value: 'v2' },
      t_invoke: 6000,
      t_complete: 7000,
      outcome: { type: 'ok', zxid: 2, server: 's1', created_path: '/r/a', stat: stat(2, 'v2') },
    },
  ] as unknown as HistoryLine[];
}

describe('ops invoked before their session connected', () => {
  it('take effect in the session that connects while they wait', () => {
    const r = checkHistory(history(2000));
    expect(r.violations, formatReport(r)).toEqual([]);
  });

  it('a listing of the root after its create, in the same session, sees it', () => {
    // The create (zxid 1) belongs to A, so A's listing at zxid 1 must show the root's state then.
    const lines = history(2000);
    const listing = lines[4] as unknown as { outcome: { zxid: number } };
    listing.outcome.zxid = 0;
    expect(checkHistory(lines).violations.map((v) => v.guarantee)).toContain('read-your-writes');
  });
});
