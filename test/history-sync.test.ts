// Sync freshness (history-format.md: "sync then a read gives a read at least as new as
// the leader's state when it handled the sync"). Through a follower, the leader's SYNC
// is queued behind every COMMIT it sent, so the reply is at least as new as any zxid a
// client had already received. On the leader itself a sync is answered like a read,
// from an applied state that can trail a txn a follower has already answered: a real
// 3.8 ensemble did exactly this in a fault-free run, so such syncs are not judged.
import { describe, expect, it } from 'vitest';
import { checkHistory, type HistoryLine } from '../src/oracle/history/index.ts';

const A = '0x0000000000000a00';
const B = '0x0000000000000b00';

function stat(z: number, value: string) {
  return { czxid: z, mzxid: z, pzxid: z, ctime: 1, mtime: 1, version: 0, cversion: 0, aversion: 0, ephemeralOwner: '0x0000000000000000', dataLength: value.length, numChildren: 0 };
}

/** A write through follower s2 reaches zxid 2; then B's sync on `server` answers zxid 1. */
function history(server: string, nemesis: Record<string, unknown>[] = []): HistoryLine[] {
  const lines: Record<string, unknown>[] = [
    {
      kind: 'meta',
      format: 'zk-history/1',
      root: '/r',
      ensemble: [
        { name: 's1', myid: 1, role_at_start: 'leader' },
        { name: 's2', myid: 2, role_at_start: 'follower' },
        { name: 's3', myid: 3, role_at_start: 'follower' },
      ],
    },
    {
      kind: 'op',
      id: 0,
      phase: 'setup',
      process: 0,
      client: 0,
      session: A,
      server: 's2',
      type: 'create',
      path: '/r',
      args: { mode: 'PERSISTENT', value: 'root' },
      t_invoke: 1000,
      t_complete: 2000,
      outcome: { type: 'ok', zxid: 1, server: 's2', created_path: '/r', stat: stat(1, 'root') },
    },
    {
      kind: 'op',
      id: 1,
      phase: 'main',
      process: 0,
      client: 0,
      session: A,
      server: 's2',
      type: 'create',
      path: '/r/a',
      args: { mode: 'PERSISTENT', value: 'v1' },
      t_invoke: 3000,
      t_complete: 4000,
      outcome: { type: 'ok', zxid: 2, server: 's2', created_path: '/r/a', stat: stat(2, 'v1') },
    },
    ...nemesis,
    { kind: 'op', id: 2, phase: 'main', process: 1, client: 1, session: B, server, type: 'sync', path: '/r', args: {}, t_invoke: 5000, t_complete: 6000, outcome: { type: 'ok', zxid: 1, server } },
  ];
  return lines as unknown as HistoryLine[];
}

const guarantees = (lines: HistoryLine[]) => checkHistory(lines).violations.map((v) => v.guarantee);

describe('sync freshness', () => {
  it('a sync through a follower must be as new as every zxid already answered', () => {
    const r = checkHistory(history('s3'));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['sync']);
    expect(r.violations[0].ops).toEqual([2, 1]);
  });

  it('a sync on the leader may trail a txn a follower has already answered', () => {
    expect(guarantees(history('s1'))).toEqual([]);
  });

  it('but never a reply the same member had already sent', () => {
    const lines = history('s1');
    // The create of /r/a answered through the leader itself.
    const w = lines[2] as unknown as { server: string; outcome: { server: string } };
    w.server = 's1';
    w.outcome.server = 's1';
    const r = checkHistory(lines);
    expect(r.violations.map((v) => v.guarantee)).toEqual(['sync']);
    expect(r.violations[0].message).toMatch(/through the same member s1/);
  });

  it('after a fault, any member may be leading until a healthy line says who is', () => {
    const pause = { kind: 'nemesis', t: 4500, action: 'pause', target: 's1', pid: 1, role: 'leader' };
    expect(guarantees(history('s3', [pause]))).toEqual([]);
    const healthy = {
      kind: 'nemesis',
      t: 4800,
      action: 'healthy',
      target: null,
      members: [
        { name: 's1', mode: 'follower' },
        { name: 's2', mode: 'follower' },
        { name: 's3', mode: 'leader' },
      ],
    };
    expect(guarantees(history('s1', [pause, healthy]))).toEqual(['sync']);
    expect(guarantees(history('s3', [pause, healthy]))).toEqual([]);
  });

  it('a lost connection (a leader change no nemesis line recorded drops clients) makes the leader unknown too', () => {
    const lost = { kind: 'session', t: 4500, client: 7, session: '0x0000000000000c00', server: 's2', event: 'DISCONNECTED' };
    expect(guarantees(history('s3', [lost]))).toEqual([]);
    const healthy = {
      kind: 'nemesis',
      t: 4800,
      action: 'healthy',
      target: null,
      members: [
        { name: 's1', mode: 'leader' },
        { name: 's2', mode: 'follower' },
        { name: 's3', mode: 'follower' },
      ],
    };
    expect(guarantees(history('s3', [lost, healthy]))).toEqual(['sync']);
  });

  it('without roles in the meta line, no member is known to follow', () => {
    const lines = history('s3');
    delete (lines[0] as unknown as Record<string, unknown>).ensemble;
    expect(guarantees(lines)).toEqual([]);
  });
});
