// ZOOKEEPER-4712/4785 in the ensemble model under the 3.8.0 profile, judged as
// check-history judges the real 3.8.0 fixture: a restarted follower serves a
// read that misses an acknowledged write. The same schedule under 3.9 (the log
// queue drains when the learner leaves its leader) is consistent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, zoocheck } from './helpers/cli.ts';
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
    expect(r.violations[0].message).toMatch(/acknowledged op 0 \(create \/zk\/a\) at zxid 0x100000003 <= 0x100000004 is missing on member s1 \(a lost write\)/);
  });

  it('3.9: the same schedule keeps the write, and its history is consistent', () => {
    const s = lostWriteScenario('3.9');
    expect(s.server).toBe(1);
    expect(s.seen).toEqual([]);
    expect(checkHistory(modelHistory(s.p as never, s.cfg as never, s.choices)).verdict).toBe('ok');
  });

  it('the committed shrunk trace of drop-queue-on-leave in the ensemble: its history, written by replay, is rejected by check-history as a lost write on the restarted member', () => {
    const h = join(mkdtempSync(join(tmpdir(), 'zoocheck-lost-')), 'h.jsonl');
    const r = zoocheck(['replay', join(ROOT, 'traces/zk/drop-queue-on-leave.json'), '--history', h]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION ReadsCommitted/);
    const c = zoocheck(['check-history', h, '--json']);
    expect(c.code).toBe(1);
    const j = JSON.parse(c.stdout);
    expect(j.violations[0].guarantee).toBe('linearizable-writes');
    expect(j.violations[0].message).toMatch(/is missing on member s\d \(a lost write\)/);
    // The same choices on the correct model: the write survives, the history is consistent.
    const fixed = join(mkdtempSync(join(tmpdir(), 'zoocheck-lost-')), 'h.jsonl');
    expect(zoocheck(['replay', join(ROOT, 'traces/zk/drop-queue-on-leave.json'), '--mutant', 'none', '--history', fixed]).code).toBe(0);
    expect(zoocheck(['check-history', fixed]).code).toBe(0);
  });
});
