// Real divergences of ZooKeeper 3.8.0 under zk:test's faults (seed 1), named for what
// they are: a member served a tree that lacks a run of committed writes (cf.
// ZOOKEEPER-4712, ZOOKEEPER-4785), not one ephemeral's problem.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory, readHistoryFile } from '../src/oracle/history/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(HERE, 'fixtures', name);

describe('a member that lost a run of committed writes', () => {
  it('follower s2 after its restart: a listing lacks 7 committed writes at 0x300000430..0x30000044f', () => {
    // s2 answered a listing of q at zxid 0x300000acb with the children deleted at
    // 0x300000430/431, the ephemerals of a session closed at 0x30000043b, and without
    // the children created at 0x300000440.. (s1 and s3 around it agree with the model).
    const r = checkHistory(readHistoryFile(fixture('zk-3node-divergent-follower.jsonl.gz')));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['linearizable-writes']);
    expect(r.violations[0].ops[0]).toBe(5342);
    expect(r.violations[0].message).toMatch(/Member s2 lacks the effect of 7 committed write\(s\)/);
    expect(r.violations[0].message).toMatch(/a member lost a run of committed writes \(zxid 0x300000430\.\.0x30000044f\)/);
  });

  it("follower s2 lost 0x3000003af..0x3000003b9: the history's finding agrees with ZooKeeper's own txn logs", () => {
    const r = checkHistory(readHistoryFile(fixture('zk-3node-lost-run.jsonl.gz')));
    expect(r.violations.map((v) => v.guarantee)).toEqual(['linearizable-writes']);
    const m = r.violations[0].message;
    // The listing still names every ephemeral of the session whose close is the first
    // txn missing from s2's log (TxnLogToolkit, scripts/zk/evidence.ts).
    expect(m).toMatch(/Member s2 lacks the effect of 1 committed write\(s\)/);
    expect(m).toMatch(/a member lost a run of committed writes \(zxid 0x3000003af\)/);
    const txn = readFileSync(fixture('zk-3node-lost-run.txn-zxids.txt'), 'utf8');
    expect(txn).toMatch(/s2: a member lost a run of committed writes \(zxid 0x3000003af\.\.0x3000003b9/);
  });

  it('a fault run of the same seed without the bug holds', () => {
    const r = checkHistory(readHistoryFile(fixture('zk-3node-faults.jsonl.gz')));
    expect(r.violations).toEqual([]);
    expect(r.ops).toBeGreaterThan(5000);
  });
});
