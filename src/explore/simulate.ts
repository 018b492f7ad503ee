// `simulate`: long seeded random simulations driven by seedrandom rather than
// fast-check. Episodes run back to back until the step budget is spent; with
// swarm testing each episode enables a random subset of the fault kinds (Groce
// et al.: leaving some faults out lets others reach deeper). A violation is
// shrunk over the choices with the episode's configuration fixed.
import * as fc from 'fast-check';
import seedrandom from 'seedrandom';
import type { BaseConfig, FaultBudget } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type Violation } from '../run.ts';
import { CHOICE_MAX, choicesArb, generateRun, type RunInput } from './arbitrary.ts';
import { shrinkFailure } from './shrink.ts';
import type { Progress } from './check.ts';

export interface SimulateOptions {
  seed: number;
  steps: number;
  mutant: string | null;
  swarm: boolean;
  /** Adversarial choices per episode (default: the protocol's maxChoices). */
  depth?: number;
  onProgress?: (p: Progress) => void;
}

export interface SimulateResult<Cfg extends BaseConfig = BaseConfig> {
  model: string;
  mutant: string | null;
  seed: number;
  episodes: number;
  steps: number;
  digest: string;
  failure: { episode: number; violation: Violation; input: RunInput<Cfg>; originalChoices: number; shrinks: number } | null;
  elapsedMs: number;
}

const FAULTS: (keyof FaultBudget)[] = ['crashes', 'drops', 'duplicates', 'partitions'];

export function runSimulate<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, opts: SimulateOptions): SimulateResult<Cfg> {
  const t0 = performance.now();
  const rng = seedrandom(`zoocheck:${opts.seed}`);
  const depth = opts.depth ?? p.maxChoices;
  const cfgArb = p.configArb(opts.mutant);
  let steps = 0;
  let episodes = 0;
  let h1 = 0x1234567;
  let h2 = 0x89abcdef;
  let failure: SimulateResult<Cfg>['failure'] = null;
  while (steps < opts.steps) {
    let cfg = generateRun(cfgArb, opts.seed, episodes).value;
    if (opts.swarm) {
      const budget = { ...cfg.budget };
      for (const k of FAULTS) if (rng() < 0.5) budget[k] = 0;
      cfg = { ...cfg, budget };
    }
    const choices: number[] = new Array(depth);
    for (let k = 0; k < depth; k++) choices[k] = Math.floor(rng() * (CHOICE_MAX + 1));
    const r = runSchedule(p, cfg, choices);
    steps += r.steps;
    h1 = Math.imul(h1 ^ r.h1, 0x01000193);
    h2 = Math.imul(h2 ^ r.h2, 0x5bd1e995);
    if (r.violation !== null) {
      const arb = fc.record({ cfg: fc.constant(cfg), choices: choicesArb(depth) });
      const s = shrinkFailure(p, arb, new fc.Value({ cfg, choices }, undefined), r);
      failure = { episode: episodes, violation: s.result.violation!, input: s.input, originalChoices: r.consumed, shrinks: s.shrinks };
      episodes++;
      break;
    }
    episodes++;
    if (opts.onProgress && (episodes & 63) === 0) opts.onProgress({ done: Math.min(steps, opts.steps), total: opts.steps, steps, violations: 0 });
  }
  opts.onProgress?.({ done: Math.min(steps, opts.steps), total: opts.steps, steps, violations: failure ? 1 : 0 });
  const digest = (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
  return { model: p.name, mutant: opts.mutant, seed: opts.seed, episodes, steps, digest, failure, elapsedMs: performance.now() - t0 };
}
