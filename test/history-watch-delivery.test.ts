// Watch delivery as a whole (src/oracle/history/watch-delivery.ts): a registration whose
// change its session has seen must have had its event, except the existence watch that
// SetWatches cannot fire for a node created and deleted while the client was away; and
// only a registration gets an event.
import { describe, expect, it } from 'vitest';
import { checkHistory, type HistoryLine } from '../src/oracle/history/index.ts';

const A = '0x0100000000000001';
const B = '0x0100000000000002';

function stat(czxid: number, mzxid: number, pzxid: number, value: string, more: object = {}) {
  return { czxid, mzxid, pzxid, ctime: 1, mtime: 1, version: 0, cversion: 0, aversion: 0, ephemeralOwner: '0x0000000000000000', dataLength: value.length, numChildren: 0, ...more };
}

function builder() {
  let t = 1_000;
  const tick = () => (t += 1_000);
  const lines: Record<string, unknown>[] = [{ kind: 'meta', format: 'zk-history/1', root: '/r' }];
  const op = (id: number, session: string, server: string, type: string, path: string | null, args: object, outcome: object, more: object = {}) => {
    const client = session === A ? 0 : 1;
    const t0 = tick();
    lines.push({ kind: 'op', id, phase: 'main', process: client, client, session, server, type, path, args, t_invoke: t0, t_complete: tick(), outcome: { server, ...outcome }, ...more });
    return lines.length - 1;
  };
  const setup = () => {
    op(0, B, 's2', 'create', '/r', { mode: 'PERSISTENT', value: 'root' }, { type: 'ok', zxid: 1, created_path: '/r', stat: stat(1, 1, 1, 'root') });
    op(1, B, 's2', 'create', '/r/x', { mode: 'PERSISTENT', value: 'v1' }, { type: 'ok', zxid: 2, created_path: '/r/x', stat: stat(2, 2, 2, 'v1') });
  };
  const moveA = (to: string) => {
    lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's1', event: 'DISCONNECTED' });
    lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: to, event: 'CONNECTED' });
  };
  return { lines, tick, op, setup, moveA };
}

const findings = (lines: Record<string, unknown>[]) => checkHistory(lines as unknown as HistoryLine[]).violations;

/** A data watch on /r/x from session A, a set by B at zxid 3, then A's read at `readZxid`; with the event or without. */
function dataWatch(o: { event: boolean; readZxid: number; move?: boolean; readIsClose?: boolean }) {
  const { lines, tick, op, setup, moveA } = builder();
  setup();
  const reg = op(2, A, 's1', 'get', '/r/x', { watch: true }, { type: 'ok', zxid: 2, value: 'v1', stat: stat(2, 2, 2, 'v1') }, { watch_registered: 'data', watch_events: [] });
  op(3, B, 's2', 'set', '/r/x', { value: 'v3', version: -1 }, { type: 'ok', zxid: 3, stat: stat(2, 3, 2, 'v3', { version: 1 }) });
  if (o.move) moveA('s3');
  const server = o.move ? 's3' : 's1';
  if (o.event) {
    const te = tick();
    lines.push({ kind: 'watch', t: te, client: 0, session: A, server, type: 'NodeDataChanged', path: '/r/x', ops: [2] });
    (lines[reg] as { watch_events: object[] }).watch_events.push({ type: 'NodeDataChanged', path: '/r/x', t: te });
  }
  if (o.readIsClose) op(4, A, server, 'close_session', null, {}, { type: 'ok', zxid: o.readZxid });
  else op(4, A, server, 'exists', '/r', { watch: false }, { type: 'ok', zxid: o.readZxid, exists: true, stat: stat(1, 1, 2, 'root', { cversion: 1, numChildren: 1 }) });
  return lines;
}

describe('a registration whose change was seen got its event', () => {
  it('with the event before the read: consistent', () => {
    expect(findings(dataWatch({ event: true, readZxid: 3 }))).toEqual([]);
  });

  it('without it, a later reply reflecting the change is a watch-before-data finding naming both ops', () => {
    const v = findings(dataWatch({ event: false, readZxid: 3 }));
    expect(v.map((x) => x.guarantee)).toEqual(['watch-before-data']);
    expect(v[0].ops).toEqual([2, 4]);
    expect(v[0].message).toMatch(/never received the event/);
  });

  it('a reply from a member that has not applied the change yet does not need it', () => {
    expect(findings(dataWatch({ event: false, readZxid: 2 }))).toEqual([]);
  });

  it("the session's own close does not count (it drops the watches in the same txn)", () => {
    expect(findings(dataWatch({ event: false, readZxid: 4, readIsClose: true }))).toEqual([]);
  });

  it('a data watch re-sent by SetWatches after a move still fires: no event is a finding', () => {
    expect(findings(dataWatch({ event: false, readZxid: 3, move: true })).map((x) => x.guarantee)).toEqual(['watch-before-data']);
  });
});

/**
 * An exists watch on absent /r/y; B creates it at 3 and deletes it at 4, or sets it
 * (while A is away, if `away`); A then reads at zxid 4.
 */
function existWatch(away: boolean, thenDelete = true) {
  const { lines, tick, op, setup } = builder();
  setup();
  op(2, A, 's1', 'exists', '/r/y', { watch: true }, { type: 'ok', zxid: 2, exists: false, stat: null }, { watch_registered: 'exist', watch_events: [] });
  if (away) lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's1', event: 'DISCONNECTED' });
  op(3, B, 's2', 'create', '/r/y', { mode: 'PERSISTENT', value: 'y3' }, { type: 'ok', zxid: 3, created_path: '/r/y', stat: stat(3, 3, 3, 'y3') });
  if (thenDelete) op(4, B, 's2', 'delete', '/r/y', { version: -1 }, { type: 'ok', zxid: 4 });
  else op(4, B, 's2', 'set', '/r/y', { value: 'y4', version: -1 }, { type: 'ok', zxid: 4, stat: stat(3, 4, 3, 'y4', { version: 1 }) });
  if (away) lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's3', event: 'CONNECTED' });
  const root = thenDelete ? stat(1, 1, 4, 'root', { cversion: 3, numChildren: 1 }) : stat(1, 1, 3, 'root', { cversion: 2, numChildren: 2 });
  op(5, A, away ? 's3' : 's1', 'exists', '/r', { watch: false }, { type: 'ok', zxid: 4, exists: true, stat: root });
  return lines;
}

describe('the existence watch SetWatches cannot fire', () => {
  it('on one connection, a node created and deleted fires it: no event is a finding', () => {
    expect(findings(existWatch(false)).map((x) => x.guarantee)).toEqual(['watch-before-data']);
  });

  it("created and deleted while the client was away, it is lost (Programmer's Guide): consistent", () => {
    expect(findings(existWatch(true))).toEqual([]);
  });

  it('created while the client was away and still there, SetWatches fires it: no event is a finding', () => {
    expect(findings(existWatch(true, false)).map((x) => x.guarantee)).toEqual(['watch-before-data']);
  });
});

describe('only a registration gets an event', () => {
  it('an event naming a read that asked for no watch is a watch-cause finding naming that read', () => {
    const { lines, tick, op, setup } = builder();
    setup();
    op(2, A, 's1', 'get', '/r/x', { watch: true }, { type: 'ok', zxid: 2, value: 'v1', stat: stat(2, 2, 2, 'v1') }, { watch_registered: 'data' });
    op(3, A, 's1', 'get', '/r/x', { watch: false }, { type: 'ok', zxid: 2, value: 'v1', stat: stat(2, 2, 2, 'v1') });
    op(4, B, 's2', 'set', '/r/x', { value: 'v4', version: -1 }, { type: 'ok', zxid: 3, stat: stat(2, 3, 2, 'v4', { version: 1 }) });
    lines.push({ kind: 'watch', t: tick(), client: 0, session: A, server: 's1', type: 'NodeDataChanged', path: '/r/x', ops: [2] });
    expect(findings(lines)).toEqual([]);
    (lines.at(-1) as { ops: number[] }).ops = [2, 3];
    const v = findings(lines);
    expect(v.map((x) => x.guarantee)).toEqual(['watch-cause']);
    expect(v[0].ops).toEqual([3]);
  });
});

describe('an event an unrecorded change may have fired', () => {
  /** A's data watch on /r/x; B's set at an unknown zxid (lost reply), then B's set at 4; A reads at 4 before or after the event. */
  function hiddenFirst(eventFirst: boolean) {
    const { lines, tick, op, setup } = builder();
    setup();
    const reg = op(2, A, 's1', 'get', '/r/x', { watch: true }, { type: 'ok', zxid: 2, value: 'v1', stat: stat(2, 2, 2, 'v1') }, { watch_registered: 'data', watch_events: [] });
    op(3, B, 's2', 'set', '/r/x', { value: 'v3', version: -1 }, { type: 'info', error: 'CONNECTIONLOSS' });
    op(4, B, 's2', 'set', '/r/x', { value: 'v4', version: -1 }, { type: 'ok', zxid: 4, stat: stat(2, 4, 2, 'v4', { version: 2 }) });
    const event = () => {
      const te = tick();
      lines.push({ kind: 'watch', t: te, client: 0, session: A, server: 's1', type: 'NodeDataChanged', path: '/r/x', ops: [2] });
      (lines[reg] as { watch_events: object[] }).watch_events.push({ type: 'NodeDataChanged', path: '/r/x', t: te });
    };
    if (eventFirst) event();
    op(5, A, 's1', 'exists', '/r', { watch: false }, { type: 'ok', zxid: 4, exists: true, stat: stat(1, 1, 2, 'root', { cversion: 1, numChildren: 1 }) });
    if (!eventFirst) event();
    return lines;
  }

  it('arriving before the reply that reflects the first recorded change is consistent', () => {
    expect(findings(hiddenFirst(true))).toEqual([]);
  });

  it('arriving after it is a watch-before-data finding, whichever change fired it', () => {
    const v = findings(hiddenFirst(false));
    expect(v.map((x) => x.guarantee)).toEqual(['watch-before-data']);
    expect(v[0].ops).toEqual([2, 5]);
  });
});
