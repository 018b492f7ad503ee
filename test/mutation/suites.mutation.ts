// The property suites as StrykerJS's test command (`npm run mutation`, not part
// of `npm test`): each model's invariants and liveness properties over a fixed
// seed, on the correct model. A code mutant of models/ that any of them notices
// is killed. The run counts are what fits a mutant-by-mutant loop on two cores;
// `check` and the *.test.ts suites run the same properties far longer.
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/explore/check.ts';
import type { Protocol } from '../../src/protocol.ts';
import { paxosProtocol } from '../../properties/paxos.ts';
import { zabProtocol } from '../../properties/zab.ts';
import { znodeProtocol } from '../../properties/znode.ts';

const suites: { name: string; protocol: () => Protocol<any, any, any, any, any, any>; runs: number }[] = [
  { name: 'znode', protocol: znodeProtocol, runs: 1000 },
  { name: 'paxos', protocol: paxosProtocol, runs: 1000 },
  { name: 'zab', protocol: zabProtocol, runs: 300 },
];

describe.each(suites)('the $name property suite', ({ protocol, runs }) => {
  it(`holds on the correct model over ${runs} runs (seed 1)`, () => {
    const r = runCheck(protocol(), { runs, seed: 1, mutant: null });
    expect(r.failure?.violation ?? null).toBeNull();
    expect(r.runs).toBe(runs);
  });
});
