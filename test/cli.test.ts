// The CLI contract, exercised as a new user would: exit codes 0/1/2, one-line
// errors, JSON output, deterministic digests, traces written and replayed.
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zoocheck } from './helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-cli-'));

function oneLineError(r: { code: number; stdout: string; stderr: string }) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  return lines[0];
}

describe('usage errors exit 2 with one line', () => {
  it('unknown model', () => {
    expect(oneLineError(zoocheck(['check', 'nosuchmodel']))).toMatch(/unknown model "nosuchmodel"/);
  });
  it('negative --runs', () => {
    expect(oneLineError(zoocheck(['check', 'paxos', '--runs', '-3']))).toMatch(/--runs/);
  });
  it('unknown mutant', () => {
    expect(oneLineError(zoocheck(['check', 'paxos', '--mutant', 'nope']))).toMatch(/unknown paxos mutant "nope"/);
  });
  it('unknown option', () => {
    oneLineError(zoocheck(['check', 'paxos', '--frobnicate']));
  });
});

describe('check', () => {
  it('holds on the correct model, with the same digest twice', () => {
    const a = zoocheck(['check', 'paxos', '--runs', '400', '--seed', '1', '--json']);
    const b = zoocheck(['check', 'paxos', '--runs', '400', '--seed', '1', '--json']);
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    expect(ja).toMatchObject({ model: 'paxos', mutant: null, seed: 1, runs: 400, violations: 0, trace: null });
    expect(ja.steps).toBeGreaterThan(400 * 20);
    expect(ja.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(ja.digest).toBe(jb.digest);
    const c = JSON.parse(zoocheck(['check', 'paxos', '--runs', '400', '--seed', '2', '--json']).stdout);
    expect(c.digest).not.toBe(ja.digest);
  });

  it('finds a mutant, writes a trace, and replay reproduces it the same way twice', () => {
    const out = join(tmp, 'traces');
    const r = zoocheck(['check', 'paxos', '--mutant', 'volatile-promise', '--seed', '1', '--runs', '20000', '--out', out, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.violations).toBe(1);
    expect(j.invariant).toBe('PromiseMonotonic');
    expect(existsSync(j.trace)).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    const a = zoocheck(['replay', j.trace]);
    const b = zoocheck(['replay', j.trace]);
    expect(a.code).toBe(1);
    expect(a.stdout).toContain('VIOLATION PromiseMonotonic');
    expect(a.stdout).toBe(b.stdout);
    const m = zoocheck(['replay', j.trace, '--format', 'mermaid']);
    expect(m.code).toBe(1);
    expect(m.stdout.startsWith('sequenceDiagram')).toBe(true);
    const fixed = zoocheck(['replay', j.trace, '--mutant', 'none']);
    expect(fixed.code).toBe(0);
  });

  it('a trace of a check with --only records it, and replay checks the same invariants', () => {
    const out = join(tmp, 'traces-only');
    // PromiseMonotonic would stop this run at step 5; checked alone, AtMostOneChosen fires later.
    const r = zoocheck(['check', 'paxos', '--mutant', 'volatile-promise', '--only', 'AtMostOneChosen', '--seed', '1', '--runs', '2000', '--out', out, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.invariant).toBe('AtMostOneChosen');
    expect(JSON.parse(readFileSync(j.trace, 'utf8')).only).toEqual(['AtMostOneChosen']);
    const a = zoocheck(['replay', j.trace]);
    expect(a.code).toBe(1);
    expect(a.stdout).toContain('VIOLATION AtMostOneChosen');
    const f = join(tmp, 'only-unknown.json');
    writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(j.trace, 'utf8')), only: ['Nope'] }));
    expect(oneLineError(zoocheck(['replay', f]))).toMatch(/only: unknown paxos invariant "Nope"/);
  });

  it('prints a readable summary by default', () => {
    const r = zoocheck(['check', 'paxos', '--runs', '200', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/paxos: 200 runs/);
    expect(r.stdout).toMatch(/held: .*ChosenValueStable/);
    expect(r.stdout).toMatch(/reached: value chosen/);
  });
});

describe('mutants', () => {
  it('lists names and one-line descriptions as JSON', () => {
    const r = zoocheck(['mutants', 'paxos', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; description: string }[];
    expect(list.length).toBeGreaterThanOrEqual(6);
    for (const m of list) expect(m.description).not.toMatch(/\n/);
  });
});

describe('replay errors exit 2 with one line', () => {
  it('missing file', () => {
    expect(oneLineError(zoocheck(['replay', join(tmp, 'missing.json')]))).toMatch(/no such file/);
  });
  it('invalid JSON', () => {
    const f = join(tmp, 'bad.json');
    writeFileSync(f, '{"format": "zoocheck-trace/1", ');
    expect(oneLineError(zoocheck(['replay', f]))).toMatch(/not valid JSON/);
  });
  it('unknown format version', () => {
    const f = join(tmp, 'v99.json');
    const t = JSON.parse(readFileSync('traces/paxos/volatile-promise.json', 'utf8'));
    writeFileSync(f, JSON.stringify({ ...t, format: 'zoocheck-trace/99' }));
    expect(oneLineError(zoocheck(['replay', f]))).toMatch(/unknown trace format version "zoocheck-trace\/99"/);
  });
  it('a field of the wrong type is named', () => {
    const f = join(tmp, 'field.json');
    const t = JSON.parse(readFileSync('traces/paxos/volatile-promise.json', 'utf8'));
    writeFileSync(f, JSON.stringify({ ...t, choices: 'abc' }));
    expect(oneLineError(zoocheck(['replay', f]))).toMatch(/choices/);
  });
  it('a divergence names the step', () => {
    const f = join(tmp, 'diverge.json');
    const t = JSON.parse(readFileSync('traces/paxos/volatile-promise.json', 'utf8'));
    const k = t.events.findIndex((e: { phase: string }) => e.phase !== 'start');
    t.events[k] = { ...t.events[k], node: 'A9' };
    writeFileSync(f, JSON.stringify(t));
    expect(oneLineError(zoocheck(['replay', f]))).toMatch(new RegExp(`diverges at step ${t.events[k].step}`));
  });
});

describe('simulate', () => {
  it('runs seeded, reproducibly', () => {
    const a = JSON.parse(zoocheck(['simulate', 'paxos', '--seed', '5', '--steps', '20000', '--json']).stdout);
    const b = JSON.parse(zoocheck(['simulate', 'paxos', '--seed', '5', '--steps', '20000', '--json']).stdout);
    expect(a.violations).toBe(0);
    expect(a.steps).toBeGreaterThanOrEqual(20000);
    expect(a.digest).toBe(b.digest);
  });
  it('finds a mutant and writes its trace', () => {
    const r = zoocheck(['simulate', 'paxos', '--seed', '1', '--steps', '200000', '--mutant', 'ignore-accepted', '--out', join(tmp, 'sim'), '--json']);
    expect(r.code).toBe(1);
    expect(existsSync(JSON.parse(r.stdout).trace)).toBe(true);
  });
});
