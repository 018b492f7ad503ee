// Time to bug: for each mutant and strategy (check as it runs by default, a
// swarm per run, and as it ran before, every fault kind in every run; seeded
// uniform, swarm and PCT simulation), runs and wall time to the first failure
// over several seeds, median and worst, and how many seeds missed it within the
// cap; plus the shrunk length the default check produces with seed 1.
import type { Protocol } from '../src/protocol.ts';
import { runCheck } from '../src/explore/check.ts';
import { runSimulate, STRATEGIES } from '../src/explore/simulate.ts';
import { CHECK_STRATEGIES } from '../src/explore/swarm.ts';

export interface MutantRow {
  model: string;
  mutant: string;
  strategy: string;
  /** Seeds (1..n) that found it within the cap, as "k/n". */
  found: string;
  /** Runs (fast-check) or episodes (simulation) to the first failure: median over the seeds that found it. */
  medianRuns: number | null;
  medianMs: number | null;
  /** Slowest seed; a missed seed counts as the whole cap. */
  worstMs: number;
  invariant: string | null;
  /** check's default strategy only, seed 1: shrunk choices, and before shrinking. */
  shrunk?: number;
  original?: number;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

export function timeToBug(p: Protocol, mutant: string, maxRuns: number, maxSimSteps: number, seeds: number): MutantRow[] {
  const rows: MutantRow[] = [];
  const row = (strategy: string, trials: { found: boolean; runs: number; ms: number; invariant: string | null }[]): MutantRow => {
    const hits = trials.filter((t) => t.found);
    return {
      model: p.name,
      mutant,
      strategy,
      found: `${hits.length}/${trials.length}`,
      medianRuns: median(hits.map((t) => t.runs)),
      medianMs: median(hits.map((t) => t.ms)),
      worstMs: Math.max(...trials.map((t) => t.ms)),
      invariant: hits[0]?.invariant ?? null,
    };
  };
  for (const strategy of CHECK_STRATEGIES) {
    const fast = [];
    let first: number | null = null;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = runCheck(p, { runs: maxRuns, seed, mutant, noShrink: true, strategy });
      fast.push({ found: r.failure !== null, runs: r.runs, ms: Math.round(r.elapsedMs), invariant: r.failure?.violation.invariant ?? null });
      if (seed === 1 && r.failure) first = r.failure.run;
    }
    if (strategy !== CHECK_STRATEGIES[0]) rows.push(row(`check ${strategy}`, fast));
    else {
      const shrunk = first !== null ? runCheck(p, { runs: first + 1, seed: 1, mutant, strategy }).failure : null;
      rows.push({ ...row(`check ${strategy}`, fast), shrunk: shrunk?.input.choices.length, original: shrunk?.originalChoices });
    }
  }
  for (const strategy of STRATEGIES) {
    const trials = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const t0 = performance.now();
      // Only the time to the first failure counts, not the shrinking after it.
      const r = runSimulate(p, { seed, steps: maxSimSteps, mutant, strategy, noShrink: true });
      trials.push({ found: r.failure !== null, runs: r.failure ? r.failure.episode + 1 : r.episodes, ms: Math.round(performance.now() - t0), invariant: r.failure?.violation.invariant ?? null });
    }
    rows.push(row(strategy, trials));
  }
  return rows;
}
