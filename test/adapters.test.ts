// Implementation adapters: an external Paxos acceptor (plain JavaScript, a
// subprocess speaking JSON lines) runs under the same scheduler and invariants.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paxosProtocol } from '../properties/paxos.ts';
import { runCheck } from '../src/explore/check.ts';
import { withImplementation } from '../src/oracle/adapters/external.ts';
import { closeAllProcesses } from '../src/oracle/adapters/sync-process.ts';
import { buildTrace, replayTrace } from '../src/trace/replay.ts';
import { traceResolver } from '../src/cli/impl.ts';
import { getProtocol } from '../properties/index.ts';
import { ROOT } from './helpers/cli.ts';

const acceptor = join(ROOT, 'examples', 'paxos-acceptor', 'acceptor.cjs');
const buggy = join(ROOT, 'examples', 'paxos-acceptor', 'acceptor-buggy.cjs');
const saved = process.env.ACCEPTOR_BUG;
afterAll(() => {
  process.env.ACCEPTOR_BUG = saved;
  closeAllProcesses();
});

describe('subprocess implementation of the acceptor role', () => {
  it('the independent acceptor holds every Paxos property', () => {
    const p = withImplementation(paxosProtocol(), { cmd: [process.execPath, acceptor], role: 'acceptor', differential: false });
    const r = runCheck(p, { runs: 150, seed: 11, mutant: null });
    expect(r.failure).toBeNull();
    expect(r.reach['value chosen']).toBeGreaterThan(140);
  });

  it('agrees with the model step by step (differential mode)', () => {
    const p = withImplementation(paxosProtocol(), { cmd: [process.execPath, acceptor], role: 'acceptor', differential: true });
    expect(runCheck(p, { runs: 100, seed: 12, mutant: null }).failure).toBeNull();
  });

  it('the buggy acceptor is caught, shrunk, and its trace replays through the subprocess', () => {
    const impl = { cmd: [process.execPath, buggy], role: 'acceptor', differential: false };
    const p = withImplementation(paxosProtocol(), impl);
    const r = runCheck(p, { runs: 5000, seed: 1, mutant: null });
    expect(r.failure?.violation.invariant).toBe('PromiseMonotonic');
    expect(r.failure!.input.choices.length).toBeLessThan(r.failure!.originalChoices);
    const t = buildTrace(p, r.failure!.input.cfg, r.failure!.input.choices, { seed: 1, run: r.failure!.run, impl });
    expect(t.impl).toEqual(impl);
    const again = replayTrace(t, traceResolver(getProtocol));
    expect(again.divergence).toBeNull();
    expect(again.violation?.invariant).toBe('PromiseMonotonic');
  });

  it('differential mode reports the first output that differs from the model', () => {
    process.env.ACCEPTOR_BUG = 'silent-refusal';
    try {
      const p = withImplementation(paxosProtocol(), { cmd: [process.execPath, acceptor], role: 'acceptor', differential: true });
      const r = runCheck(p, { runs: 500, seed: 3, mutant: null });
      expect(r.failure?.violation.invariant).toBe('Differential');
      expect(r.failure?.violation.message).toMatch(/the model's output is .*Nack.*the implementation's is/);
    } finally {
      process.env.ACCEPTOR_BUG = saved;
    }
  });

  it('an implementation that dies is reported, not a crash of zoocheck', () => {
    const p = withImplementation(paxosProtocol(), { cmd: [process.execPath, '-e', 'process.exit(3)'], role: 'acceptor', differential: false });
    const r = runCheck(p, { runs: 1, seed: 1, mutant: null, noShrink: true });
    expect(r.failure?.violation.invariant).toBe('Implementation');
    expect(r.failure?.violation.message).toMatch(/exited/);
  });
});
