// A session serves nothing once it ended (src/oracle/history/session-end.ts): a definite
// reply to a request invoked on a session after its close_session was answered, or after
// the client was told SESSION_EXPIRED, is a session-lifetime finding. Planted in a real
// fault run whose partitioned sessions expired.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory, readHistoryFile, type HistoryLine, type OpLine } from '../src/oracle/history/index.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'zk-3node-partition-inarow.jsonl.gz');
const load = () => readHistoryFile(FIXTURE);
const ops = (ls: HistoryLine[]) => ls.filter((l): l is OpLine => l.kind === 'op');

/** The client's first ok read invoked after t, moved onto `session`. */
function readMovedTo(ls: HistoryLine[], client: number, session: string, t: number): OpLine {
  const r = ops(ls).find((o) => o.client === client && o.t_invoke > t && o.outcome.type === 'ok' && o.type === 'get')!;
  r.session = session;
  return r;
}

describe('an ended session serves nothing', () => {
  it('a read answered on a session after its close_session was answered', () => {
    const ls = load();
    const close = ops(ls).find((o) => o.type === 'close_session' && o.phase === 'main' && o.outcome.type === 'ok')!;
    const r = readMovedTo(ls, close.client, close.session!, close.t_complete);
    const v = checkHistory(ls).violations;
    expect(v.map((x) => x.guarantee)).toEqual(['session-lifetime']);
    expect(v[0].ops).toEqual([r.id, close.id]);
  });

  it('a read answered on a session invoked after the client was told SESSION_EXPIRED', () => {
    const ls = load();
    const expired = ls.find((l) => l.kind === 'session' && l.event === 'SESSION_EXPIRED') as { t: number; client: number; session: string };
    const r = readMovedTo(ls, expired.client, expired.session, expired.t);
    const v = checkHistory(ls).violations;
    expect(v.map((x) => x.guarantee)).toContain('session-lifetime');
    expect(v.find((x) => x.guarantee === 'session-lifetime')!.ops).toEqual([r.id]);
  });

  it('an op invoked before the close was answered is not judged by it', () => {
    const ls = load();
    const close = ops(ls).find((o) => o.type === 'close_session' && o.phase === 'main' && o.outcome.type === 'ok')!;
    // Every op of the closing session was invoked before its close completed.
    expect(
      ops(ls)
        .filter((o) => o.session === close.session && o.id !== close.id)
        .every((o) => o.t_invoke <= close.t_complete),
    ).toBe(true);
    expect(checkHistory(ls).violations).toEqual([]);
  });
});
