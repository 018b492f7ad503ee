// Shrinking moves toward the simplest case: shorter schedules and benign
// choices. A shrunk counterexample is 1-minimal: removing any single choice, or
// turning any choice into 0 (deliver the oldest message), loses the violation.
import { describe, expect, it } from 'vitest';
import { paxosProtocol } from '../properties/paxos.ts';
import { runCheck } from '../src/explore/check.ts';
import { runSchedule } from '../src/run.ts';

const p = paxosProtocol();

describe('shrinking', () => {
  it.each(['volatile-accepted', 'learn-early', 'minority-quorum', 'accept-below-promise', 'resend-own-value'])('%s shrinks to a 1-minimal, more benign schedule', (mutant) => {
    const r = runCheck(p, { runs: 50_000, seed: 1, mutant });
    const f = r.failure!;
    expect(f).not.toBeNull();
    const { cfg, choices } = f.input;
    expect(choices.length).toBeLessThanOrEqual(f.originalChoices);
    const still = (cs: number[]) => runSchedule(p, cfg, cs).violation?.invariant === f.violation.invariant;
    expect(still(choices)).toBe(true);
    for (let i = 0; i < choices.length; i++) {
      expect(still(choices.slice(0, i).concat(choices.slice(i + 1))), `choice ${i} can be deleted`).toBe(false);
      if (choices[i] !== 0) {
        const zeroed = choices.slice();
        zeroed[i] = 0;
        expect(still(zeroed), `choice ${i} can be made benign`).toBe(false);
      }
    }
    // No fault budget the run did not need.
    for (const k of ['crashes', 'drops', 'duplicates', 'partitions'] as const) {
      if (cfg.budget[k] > 0)
        expect(still.call(null, choices) && runSchedule(p, { ...cfg, budget: { ...cfg.budget, [k]: cfg.budget[k] - 1 } }, choices).violation?.invariant === f.violation.invariant).toBe(false);
    }
  });
});
