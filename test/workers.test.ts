// Threads and shards split the run indices without changing the result: the
// same digest, runs, steps, reach and failing run for any --workers, and shard
// outputs merge into the digest of one unsharded check. Runs the compiled CLI,
// so the worker threads start from dist/ as a user's would.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoocheck } from './helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-workers-'));

function check(args: string[]) {
  const r = zoocheck(['check', ...args, '--json', '--out', join(tmp, 'traces')]);
  return { code: r.code, json: JSON.parse(r.stdout) };
}

describe('check on worker threads', () => {
  // The default count starts its workers only once the main thread's pace says
  // they pay (and not at all on a busy machine): whichever happens, same result.
  it('gives the same result for 1, 2 and 3 threads and the default', () => {
    const [one, two, three] = [1, 2, 3].map((w) => check(['paxos', '--runs', '1500', '--seed', '3', '--workers', String(w)]));
    const auto = check(['paxos', '--runs', '1500', '--seed', '3']);
    for (const r of [one, two, three, auto]) expect(r.code).toBe(0);
    for (const r of [two, three, auto]) {
      expect(r.json.digest).toBe(one.json.digest);
      expect(r.json.runs).toBe(1500);
      expect(r.json.steps).toBe(one.json.steps);
      expect(r.json.reach).toEqual(one.json.reach);
      expect(r.json.coverage).toEqual(one.json.coverage);
    }
  });

  it('finds the same lowest failing run and writes the same shrunk trace', () => {
    const one = check(['paxos', '--mutant', 'volatile-promise', '--runs', '20000', '--seed', '1', '--workers', '1']);
    const two = check(['paxos', '--mutant', 'volatile-promise', '--runs', '20000', '--seed', '1', '--workers', '2']);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(two.json.digest).toBe(one.json.digest);
    expect(two.json.runs).toBe(one.json.runs);
    const a = JSON.parse(readFileSync(one.json.trace, 'utf8'));
    const b = JSON.parse(readFileSync(two.json.trace, 'utf8'));
    expect(b.choices).toEqual(a.choices);
    expect(b.violation).toEqual(a.violation);
    expect(b.run).toBe(a.run);
  });
});

// --workers N starts its threads before the protocol is loaded (prestart.ts):
// those no check takes are ended, whether the check needs fewer threads,
// runs several models, or stops at bad input.
describe('threads started ahead of the check', () => {
  it('serve several models and more threads than runs, and the result does not change', () => {
    const one = check(['all', '--runs', '3', '--seed', '2', '--workers', '1']);
    const four = check(['all', '--runs', '3', '--seed', '2', '--workers', '4']);
    expect(one.code).toBe(0);
    expect(four.code).toBe(0);
    expect(four.json.models.map((m: { digest: string }) => m.digest)).toEqual(one.json.models.map((m: { digest: string }) => m.digest));
  });

  it('are ended when the input is bad: exit 2, one line', () => {
    const r = zoocheck(['check', 'paxos', '--runs', '100', '--workers', '3', '--only', 'NoSuchInvariant', '--out', join(tmp, 'traces')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/NoSuchInvariant/);
  });
});

describe('shards', () => {
  it('merge into the digest of one unsharded check', () => {
    const whole = check(['paxos', '--runs', '900', '--seed', '4', '--workers', '1']);
    const files = [1, 2, 3].map((k) => {
      const r = zoocheck(['check', 'paxos', '--runs', '900', '--seed', '4', '--shard', `${k}/3`, '--workers', '2', '--json']);
      expect(r.code).toBe(0);
      const f = join(tmp, `shard-${k}.json`);
      writeFileSync(f, r.stdout);
      return f;
    });
    const merged = zoocheck(['merge', ...files, '--json']);
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout).digest).toBe(whole.json.digest);
  });
});
