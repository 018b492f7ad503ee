// `simulate`: long seeded random simulations driven by seedrandom rather than
// fast-check. Episodes run back to back until the step budget is spent, under
// one of three strategies:
//   uniform  every choice uniform over the choice space;
//   swarm    the same, but each episode leaves a random half of the adversary's
//            features out (swarm.ts, as check does: Groce et al., leaving some
//            faults out lets others go deeper);
//   pct      priority-based schedules (Burckhardt et al., PCT): random node
//            priorities, always run the highest-priority enabled node, and at
//            d-1 random steps demote the node that just ran.
// A violation is shrunk over the choices with the episode's configuration fixed.
import * as fc from 'fast-check';
import seedrandom from 'seedrandom';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type RunOptions, type RunResult, type Violation } from '../run.ts';
import { CLIENT, CRASH, DELIVER, FIRE, RESTART, type Scheduler } from '../scheduler.ts';
import type { World } from '../world.ts';
import { CHOICE_MAX, choicesArb, generateRun, type RunInput } from './arbitrary.ts';
import { shrinkFailure } from './shrink.ts';
import { swarmFrom } from './swarm.ts';
import type { Progress } from './check.ts';

export interface SimulateOptions {
  seed: number;
  steps: number;
  mutant: string | null;
  strategy: Strategy;
  /** Adversarial choices per episode (default: the protocol's maxChoices). */
  depth?: number;
  onProgress?: (p: Progress) => void;
  /** Report the failing episode unshrunk. */
  noShrink?: boolean;
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

export type Strategy = 'uniform' | 'swarm' | 'pct';
export const STRATEGIES: Strategy[] = ['uniform', 'swarm', 'pct'];

/** PCT with d = 3 priority change points; faults act as one extra "node". */
function pctChooser(rng: () => number, n: number, depth: number): NonNullable<RunOptions['chooser']> {
  const prio = Array.from({ length: n + 1 }, (_, i) => i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [prio[i], prio[j]] = [prio[j], prio[i]];
  }
  const changes = new Set<number>();
  for (let k = 0; k < 2; k++) changes.add(Math.floor(rng() * depth));
  let low = -1;
  return (sch, w, step) => {
    let best = -1;
    let bestPrio = -Infinity;
    for (let i = 0; i < sch.count; i++) {
      const node = actionNode(sch, w, i, n);
      if (prio[node] > bestPrio) {
        bestPrio = prio[node];
        best = i;
      }
    }
    if (changes.has(step) && best >= 0) prio[actionNode(sch, w, best, n)] = low--;
    return best;
  };
}

function actionNode(sch: Scheduler, w: World, i: number, n: number): number {
  const a = sch.args[i];
  switch (sch.kinds[i]) {
    case DELIVER:
      return w.net[a].to;
    case FIRE:
      return w.timers[a].node;
    case CLIENT:
      return sch.work[a].node;
    case CRASH:
    case RESTART:
      return a;
    default:
      return n;
  }
}

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
    if (opts.strategy === 'swarm') cfg = swarmFrom(cfg, rng);
    let choices: number[];
    let r: RunResult;
    if (opts.strategy === 'pct') {
      choices = [];
      r = runSchedule(p, cfg, choices, { chooser: pctChooser(rng, p.nodeCount(cfg), depth), depth });
    } else {
      choices = new Array(depth);
      for (let k = 0; k < depth; k++) choices[k] = Math.floor(rng() * (CHOICE_MAX + 1));
      r = runSchedule(p, cfg, choices);
    }
    steps += r.steps;
    h1 = Math.imul(h1 ^ r.h1, 0x01000193);
    h2 = Math.imul(h2 ^ r.h2, 0x5bd1e995);
    if (r.violation !== null) {
      if (opts.noShrink) failure = { episode: episodes, violation: r.violation, input: { cfg, choices: choices.slice(0, r.consumed) }, originalChoices: r.consumed, shrinks: 0 };
      else {
        const arb = fc.record({ cfg: fc.constant(cfg), choices: choicesArb(depth) });
        const s = shrinkFailure(p, arb, new fc.Value({ cfg, choices }, undefined), r);
        failure = { episode: episodes, violation: s.result.violation!, input: s.input, originalChoices: r.consumed, shrinks: s.shrinks };
      }
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
