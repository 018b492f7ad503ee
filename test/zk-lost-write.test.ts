// ZOOKEEPER-4712/4785 in the ensemble model under the 3.8.0 profile, judged as
// check-history judges the real 3.8.0 fixture: a restarted follower serves a
// read that misses an acknowledged write. The same schedule under 3.9 (the log
// queue drains when the learner leaves its leader) is consistent.
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/oracle/history/index.ts';
import { modelHistory } from '../src/oracle/model-history.ts';
import { lostWriteScenario } from './helpers/zk-scenarios.ts';

describe('a follower that lost queued writes, as its clients see it', () => {
  it('3.8.0: the model breaks ReplicasAgree and ReadsCommitted, and check-history finds the lost write', () => {
    const s = lostWriteScenario('3.8.0');
    expect(s.server).toBe(1);
    expect(s.seen.join('\n')).toMatch(/ReplicasAgree: s0 and s1 applied up to 1:4 but their trees differ/);
    expect(s.seen.join('\n')).toMatch(/ReadsCommitted: c1's op 0 \(getData \/a\) at 1:4 returned NONODE/);
    const r = checkHistory(modelHistory(s.p as never, s.cfg as never, s.choices));
    expect(r.verdict).toBe('violation');
    expect(r.violations[0].message).toMatch(/acknowledged op 0 \(create \/zk\/a\) at zxid 0x100000003 <= 0x100000004 is missing \(a lost write\)/);
  });

  it('3.9: the same schedule keeps the write, and its history is consistent', () => {
    const s = lostWriteScenario('3.9');
    expect(s.server).toBe(1);
    expect(s.seen).toEqual([]);
    expect(checkHistory(modelHistory(s.p as never, s.cfg as never, s.choices)).verdict).toBe('ok');
  });
});
