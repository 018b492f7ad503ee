// Watch events after a reconnect: a registration still pending when its session moves
// to a new member is re-sent with SetWatches and judged against that member's tree
// (DataTree.setWatches), so its event may differ from the first change it missed.
// A real 3.8 ensemble did this under faults: a data watch on an ephemeral whose owner
// went away and which was created again while the watcher was disconnected came back
// as NodeDataChanged, not NodeDeleted.
import { describe, expect, it } from 'vitest';
import { checkHistory, type HistoryLine } from '../src/oracle/history/index.ts';

const A = '0x0000000000000a00';
const B = '0x0000000000000b00';
const NONE = '0x0000000000000000';

function stat(czxid: number, mzxid: number, pzxid: number, value: string, extra: Partial<Record<'version' | 'cversion' | 'numChildren', number>> = {}) {
  return {
    czxid,
    mzxid,
    pzxid,
    ctime: 1,
    mtime: 1,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: NONE,
    dataLength: value.length,
    numChildren: 0,
    ...extra,
  };
}

interface Opts {
  /** Session lines around A's move from s1 to s2 (false: A never leaves s1 as far as the history says). */
  reconnect: boolean;
  /** What happens to /r/x while A is away. */
  meanwhile: 'delete-and-create' | 'set';
  /** The event A's registration gets. */
  event: string;
}

/** A history under construction: lines, a clock, and an op writer that returns the op's line index. */
function builder() {
  let t = 1_000;
  const tick = () => (t += 1_000);
  const lines: Record<string, unknown>[] = [{ kind: 'meta', format: 'zk-history/1', root: '/r' }];
  const op = (id: number, client: number, session: string, server: string, type: string, path: string, args: object, outcome: object, more: object = {}) => {
    const t0 = tick();
    lines.push({ kind: 'op', id, phase: 'main', process: client, client, session, server, type, path, args, t_invoke: t0, t_complete: tick(), outcome: { server, ...outcome }, ...more });
    return lines.length - 1;
  };
  return { lines, tick, op };
}

function history(o: Opts): HistoryLine[] {
  const { lines, tick, op } = builder();
  op(0, 0, A, 's1', 'create', '/r', { mode: 'PERSISTENT', value: 'root' }, { type: 'ok', zxid: 1, created_path: '/r', stat: stat(1, 1, 1, 'root') });
  op(1, 0, A, 's1', 'create', '/r/x', { mode: 'PERSISTENT', value: 'v1' }, { type: 'ok', zxid: 2, created_path: '/r/x', stat: stat(2, 2, 2, 'v1') });
  const watched = lines.length;
  op(2, 0, A, 's1', 'get', '/r/x', { watch: true }, { type: 'ok', zxid: 2, value: 'v1', stat: stat(2, 2, 2, 'v1') }, { watch_registered: 'data' });
  if (o.reconnect) lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's1', event: 'DISCONNECTED' });
  if (o.meanwhile === 'delete-and-create') {
    op(3, 1, B, 's2', 'delete', '/r/x', { version: -1 }, { type: 'ok', zxid: 3 });
    op(4, 1, B, 's2', 'create', '/r/x', { mode: 'PERSISTENT', value: 'v4' }, { type: 'ok', zxid: 4, created_path: '/r/x', stat: stat(4, 4, 4, 'v4') });
  } else {
    op(3, 1, B, 's2', 'set', '/r/x', { value: 'v3', version: -1 }, { type: 'ok', zxid: 3, stat: stat(2, 3, 2, 'v3', { version: 1 }) });
  }
  if (o.reconnect) lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's2', event: 'CONNECTED' });
  const te = tick();
  lines.push({ kind: 'watch', t: te, client: 0, session: A, server: o.reconnect ? 's2' : 's1', type: o.event, path: '/r/x', ops: [2] });
  (lines[watched] as { watch_events?: object[] }).watch_events = [{ type: o.event, path: '/r/x', t: te }];
  return lines as unknown as HistoryLine[];
}

const guarantees = (lines: HistoryLine[]) => checkHistory(lines).violations.map((v) => v.guarantee);

describe('watch events re-sent by SetWatches', () => {
  it('a node deleted and created again while the watcher was away comes back as NodeDataChanged', () => {
    expect(guarantees(history({ reconnect: true, meanwhile: 'delete-and-create', event: 'NodeDataChanged' }))).toEqual([]);
  });

  it('or as NodeDeleted, had the watcher come back between the delete and the create', () => {
    expect(guarantees(history({ reconnect: true, meanwhile: 'delete-and-create', event: 'NodeDeleted' }))).toEqual([]);
  });

  it('on one connection the event must be the first change: NodeDeleted', () => {
    const r = checkHistory(history({ reconnect: false, meanwhile: 'delete-and-create', event: 'NodeDataChanged' }));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['watch-cause']);
    expect(r.violations[0].ops).toEqual([2]);
    expect(r.violations[0].message).toMatch(/first change that fires it \(zxid 0x3\) is NodeDeleted, observed NodeDataChanged/);
  });

  it('after a reconnect, an event no member could fire is still a violation', () => {
    // Only a set happened: no state after the registration lacks the node.
    const r = checkHistory(history({ reconnect: true, meanwhile: 'set', event: 'NodeDeleted' }));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['watch-cause']);
    expect(r.violations[0].message).toMatch(/after its session reconnected/);
    // And a data watch never gets a child event, however it travelled.
    expect(guarantees(history({ reconnect: true, meanwhile: 'set', event: 'NodeChildrenChanged' }))).toEqual(['watch-cause']);
    expect(guarantees(history({ reconnect: true, meanwhile: 'set', event: 'NodeDataChanged' }))).toEqual([]);
  });

  it('a move is also seen in the ops alone: the next op goes through another member', () => {
    const lines = history({ reconnect: false, meanwhile: 'delete-and-create', event: 'NodeDataChanged' });
    const te = (lines.at(-1) as { t: number }).t;
    lines.splice(lines.length - 1, 0, {
      kind: 'op',
      id: 5,
      phase: 'main',
      process: 0,
      client: 0,
      session: A,
      server: 's2',
      type: 'exists',
      path: '/r/y',
      args: { watch: false },
      t_invoke: te - 500,
      t_complete: te + 500,
      outcome: { type: 'ok', zxid: 4, server: 's2', exists: false, stat: null },
    } as unknown as HistoryLine);
    expect(guarantees(lines)).toEqual([]);
  });
});

describe('watch events in zxid order', () => {
  /** A watches /r/x and /r/y; B sets y (zxid 4), then x (zxid 5); A's events arrive x first. */
  function crossed(move: boolean): HistoryLine[] {
    const { lines, tick, op } = builder();
    op(0, 1, B, 's2', 'create', '/r', { mode: 'PERSISTENT', value: 'root' }, { type: 'ok', zxid: 1, created_path: '/r', stat: stat(1, 1, 1, 'root') });
    op(1, 1, B, 's2', 'create', '/r/x', { mode: 'PERSISTENT', value: 'x1' }, { type: 'ok', zxid: 2, created_path: '/r/x', stat: stat(2, 2, 2, 'x1') });
    op(2, 1, B, 's2', 'create', '/r/y', { mode: 'PERSISTENT', value: 'y2' }, { type: 'ok', zxid: 3, created_path: '/r/y', stat: stat(3, 3, 3, 'y2') });
    const gx = op(3, 0, A, 's1', 'get', '/r/x', { watch: true }, { type: 'ok', zxid: 3, value: 'x1', stat: stat(2, 2, 2, 'x1') }, { watch_registered: 'data' });
    const gy = op(4, 0, A, 's1', 'get', '/r/y', { watch: true }, { type: 'ok', zxid: 3, value: 'y2', stat: stat(3, 3, 3, 'y2') }, { watch_registered: 'data' });
    op(5, 1, B, 's2', 'set', '/r/y', { value: 'y5', version: -1 }, { type: 'ok', zxid: 4, stat: stat(3, 4, 3, 'y5', { version: 1 }) });
    op(6, 1, B, 's2', 'set', '/r/x', { value: 'x6', version: -1 }, { type: 'ok', zxid: 5, stat: stat(2, 5, 2, 'x6', { version: 1 }) });
    const ex = tick();
    lines.push({ kind: 'watch', t: ex, client: 0, session: A, server: 's1', type: 'NodeDataChanged', path: '/r/x', ops: [3] });
    if (move) {
      lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's1', event: 'DISCONNECTED' });
      lines.push({ kind: 'session', t: tick(), client: 0, session: A, server: 's3', event: 'CONNECTED' });
    }
    const ey = tick();
    lines.push({ kind: 'watch', t: ey, client: 0, session: A, server: move ? 's3' : 's1', type: 'NodeDataChanged', path: '/r/y', ops: [4] });
    (lines[gx] as { watch_events?: object[] }).watch_events = [{ type: 'NodeDataChanged', path: '/r/x', t: ex }];
    (lines[gy] as { watch_events?: object[] }).watch_events = [{ type: 'NodeDataChanged', path: '/r/y', t: ey }];
    return lines as unknown as HistoryLine[];
  }

  it('on one connection an event for an earlier change cannot come after one for a later change', () => {
    const r = checkHistory(crossed(false));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['watch-order']);
    expect(r.violations[0].ops).toEqual([4, 3]);
  });

  it('across a move to another member the order is not judged', () => {
    expect(guarantees(crossed(true))).toEqual([]);
  });
});
