// Time to bug: for each mutant, runs and wall time to the first failure under
// each strategy (fast-check choices; seeded uniform, swarm and PCT simulation),
// and the shrunk length fast-check's check produces.
import type { Protocol } from '../src/protocol.ts';
import { runCheck } from '../src/explore/check.ts';
import { runSimulate, STRATEGIES } from '../src/explore/simulate.ts';

export interface MutantRow {
  model: string;
  mutant: string;
  strategy: string;
  found: boolean;
  /** Runs (fast-check) or episodes (simulation) up to and including the first failure. */
  runs: number;
  msToFailure: number;
  invariant: string | null;
  /** fast-check only: shrunk choices, and before shrinking. */
  shrunk?: number;
  original?: number;
}

export function timeToBug(p: Protocol, mutant: string, maxRuns: number, maxSimSteps: number): MutantRow[] {
  const rows: MutantRow[] = [];
  const fast = runCheck(p, { runs: maxRuns, seed: 1, mutant, noShrink: true });
  const shrunk = fast.failure ? runCheck(p, { runs: fast.failure.run + 1, seed: 1, mutant }).failure : null;
  rows.push({
    model: p.name,
    mutant,
    strategy: 'fast-check',
    found: fast.failure !== null,
    runs: fast.runs,
    msToFailure: Math.round(fast.elapsedMs),
    invariant: fast.failure?.violation.invariant ?? null,
    shrunk: shrunk?.input.choices.length,
    original: shrunk?.originalChoices,
  });
  for (const strategy of STRATEGIES) {
    const t0 = performance.now();
    // Only the time to the first failure counts, not the shrinking after it.
    let found: { episode: number; invariant: string } | null = null;
    const r = runSimulate(p, { seed: 1, steps: maxSimSteps, mutant, strategy, noShrink: true });
    if (r.failure) found = { episode: r.failure.episode, invariant: r.failure.violation.invariant };
    rows.push({ model: p.name, mutant, strategy, found: found !== null, runs: found ? found.episode + 1 : r.episodes, msToFailure: Math.round(performance.now() - t0), invariant: found?.invariant ?? null });
  }
  return rows;
}
