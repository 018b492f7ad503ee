// Two indeterminate writes that explain an observation only together, found by the
// search's exhaustive pass (src/oracle/history/joint.ts): the search's ranked guesses
// missed both shapes, each a false alarm on a history of the correct ensemble model
// (test/zk-history.test.ts, seeds 100, 102 and 103). Each is checked both ways: the
// history as it is passes, and one surgical change that no placement explains is caught.
import { describe, expect, it } from 'vitest';
import { checkHistory, formatReport, parseHistory } from '../src/oracle/history/index.ts';

const S1 = '0x0000000100000001';
const S2 = '0x0000000200000001';
const S3 = '0x0000000300000001';
const INFO = { type: 'info', error: 'CONNECTIONLOSS', code: -4 };

type Raw = Record<string, unknown>;
let nextId = 0;
function op(session: string, type: string, path: string, args: Raw, t: number, outcome: Raw): Raw {
  const client = Number.parseInt(session.slice(2, 10), 16) - 1;
  return { kind: 'op', id: nextId++, phase: 'main', process: client, client, session, server: 's0', type, path, args, t_invoke: t, t_complete: t + 5, outcome };
}
const ok = (zxid: number, extra: Raw = {}) => ({ type: 'ok', zxid, server: 's0', ...extra });
const nonode = (zxid: number) => ({ type: 'error', zxid, server: 's0', error: 'NONODE', code: -101 });

function check(ops: Raw[]) {
  const meta = { kind: 'meta', format: 'zk-history/1', root: '/zk', zookeeper_version: 'test', client_library: 'test', ensemble: [] };
  const lines = [meta, ...ops, { kind: 'summary', ops: ops.length }];
  return checkHistory(parseHistory(lines.map((l) => JSON.stringify(l)).join('\n')));
}

describe('indeterminate writes an observation needs together (exhaustive pass)', () => {
  // A sequential name counts a create of the sibling /zk/a, whose session's next
  // write (a create under /zk/a at 1:4, NONODE) says /zk/a was gone again by then:
  // the create alone explains the name but breaks that NONODE; only the create and
  // the indeterminate delete, both below 1:4, explain both (seed 102's shape).
  function sibling(name: string) {
    nextId = 0;
    return check([
      op(S1, 'create', '/zk/a', { mode: 'PERSISTENT', value: 'a1' }, 10, INFO),
      op(S2, 'delete', '/zk/a', { version: 0 }, 20, INFO),
      op(S1, 'create', '/zk/a/c', { mode: 'EPHEMERAL', value: 'c1' }, 100, nonode(0x100000004)),
      op(S3, 'create', '/zk/a', { mode: 'EPHEMERAL_SEQUENTIAL', value: 'a2' }, 110, ok(0x100000005, { created_path: name })),
    ]);
  }
  it('a sibling created and deleted by two indeterminate writes before an observed sequential name', () => {
    const r = sibling('/zk/a0000000001');
    expect(r.violations, formatReport(r)).toEqual([]);
    expect(r.search.placed).toBe(2);
    expect(r.search.budgetExhausted).toBe(false);
  });
  it('caught: a name counting two creates of the sibling', () => {
    const r = sibling('/zk/a0000000002');
    expect(r.violations.map((v) => v.guarantee)).toEqual(['sequential-names']);
    expect(r.search.budgetExhausted).toBe(false);
  });

  // A listing's stat names the czxid and the mzxid of a node whose create and whose
  // set both ended in CONNECTIONLOSS: neither alone brings the listing closer (absent,
  // or present with the wrong mzxid and version), together they explain it exactly
  // (seed 103's shape).
  function createdAndSet(mzxid: number) {
    nextId = 0;
    return check([
      op(S1, 'create', '/zk/a', { mode: 'PERSISTENT', value: 'a1' }, 10, INFO),
      op(S2, 'set', '/zk/a', { value: 'a2', version: 0 }, 20, INFO),
      op(
        S3,
        'children',
        '/zk/a',
        { watch: false },
        100,
        ok(0x100000005, {
          children: [],
          stat: { czxid: 0x100000002, mzxid, pzxid: 0x100000002, ctime: 0, mtime: 0, version: 1, cversion: 0, aversion: 0, ephemeralOwner: '0x0000000000000000', dataLength: 2, numChildren: 0 },
        }),
      ),
    ]);
  }
  it('a node created and then set by two indeterminate writes, both named by one listing', () => {
    const r = createdAndSet(0x100000004);
    expect(r.violations, formatReport(r)).toEqual([]);
    expect(r.search.placed).toBe(2);
  });
  it('caught: the listing naming an mzxid before the czxid', () => {
    const r = createdAndSet(0x100000001);
    expect(r.violations.map((v) => v.guarantee)).toEqual(['read-consistency']);
    expect(r.search.budgetExhausted).toBe(false);
  });
});
