// Version profiles and the model's client history from the command line:
// bad choices are one line and exit 2, the 3.8.0 profile fails where 3.9 holds,
// and --history writes a file check-history reads.
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoocheck } from './helpers/cli.ts';

describe('--profile', () => {
  it('an unknown profile exits 2 with one line naming the choices', () => {
    const r = zoocheck(['check', 'zab', '--profile', '3.7', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown zab profile "3\.7" \(choose one of: 3\.9, 3\.8\.0\)/);
  });

  it('a mutant the profile already has exits 2 naming the mutants it takes', () => {
    const r = zoocheck(['check', 'zk', '--profile', '3.8.0', '--mutant', 'drop-queue-on-leave', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/profile 3\.8\.0 already has drop-queue-on-leave; with it choose one of: .*diff-instead-of-trunc/);
  });

  it('a model without profiles says so', () => {
    const r = zoocheck(['check', 'paxos', '--profile', '3.8.0', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model paxos has no version profiles/);
  });

  it('zab under 3.8.0 loses a committed txn that 3.9 keeps (seed 1)', () => {
    const out = mkdtempSync(join(tmpdir(), 'zc-prof-'));
    const bad = zoocheck(['check', 'zab', '--profile', '3.8.0', '--runs', '500', '--seed', '1', '--workers', '1', '--out', out, '--json']);
    expect(bad.code).toBe(1);
    const rep = JSON.parse(bad.stdout);
    expect(rep.model).toBe('zab@3.8.0');
    expect(rep.invariant).toBe('MajorityCommit');
    // The trace replays under its profile.
    expect(zoocheck(['replay', rep.trace]).code).toBe(1);
    const good = zoocheck(['check', 'zab', '--runs', '500', '--seed', '1', '--workers', '1', '--json']);
    expect(good.code).toBe(0);
  });
});

describe('--history', () => {
  it('is refused for a model without clients, before any run', () => {
    const out = mkdtempSync(join(tmpdir(), 'zc-hist-'));
    const r = zoocheck(['check', 'zab', '--runs', '1', '--history', join(out, 'h.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--history: only the zk model has clients/);
    expect(existsSync(join(out, 'h.jsonl'))).toBe(false);
  });

  it('writes the clients view of a zk run, which check-history accepts', () => {
    const out = mkdtempSync(join(tmpdir(), 'zc-hist-'));
    const file = join(out, 'h.jsonl');
    const r = zoocheck(['check', 'zk', '--runs', '20', '--seed', '3', '--workers', '1', '--history', file]);
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kind: 'meta', format: 'zk-history/1' });
    expect(lines.some((l) => l.kind === 'op')).toBe(true);
    const c = zoocheck(['check-history', file]);
    expect(c.code).toBe(0);
  });
});
