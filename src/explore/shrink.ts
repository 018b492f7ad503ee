// Shrinking a failing run. First fast-check's own shrinker on (config, choices),
// greedily taking the first smaller candidate that still fails in the same
// invariant, as fast-check's runner walks its shrink tree. Then passes of our own
// that know what a schedule is: drop what the run never read, delete chunks of
// choices (halving down to single ones, as in delta debugging), lower each
// choice toward the benign first action, and try smaller fault budgets and
// topologies. Every candidate must still violate the same invariant.
import type * as fc from 'fast-check';
import type { BaseConfig, FaultBudget } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type RunResult } from '../run.ts';
import type { RunInput } from './arbitrary.ts';

export interface ShrinkResult<Cfg extends BaseConfig> {
  input: RunInput<Cfg>;
  result: RunResult;
  shrinks: number;
  attempts: number;
}

export interface ShrinkOptions {
  only?: readonly string[];
  /** Upper bound on candidate runs tried (keeps shrinking bounded in time). */
  maxAttempts?: number;
  /** Of those, how many fast-check's own shrinker may use. */
  fastCheckAttempts?: number;
}

const BUDGET_KEYS: (keyof FaultBudget)[] = ['crashes', 'drops', 'duplicates', 'partitions', 'torn'];

export function shrinkFailure<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  arb: fc.Arbitrary<RunInput<Cfg>>,
  start: fc.Value<RunInput<Cfg>>,
  first: RunResult,
  opts: ShrinkOptions = {},
): ShrinkResult<Cfg> {
  const target = first.violation!.invariant;
  const maxAttempts = opts.maxAttempts ?? 20000;
  const fcAttempts = Math.min(maxAttempts, opts.fastCheckAttempts ?? 4000);
  let attempts = 0;
  let shrinks = 0;
  const fails = (input: RunInput<Cfg>): RunResult | null => {
    attempts++;
    const r = runSchedule(p, input.cfg, input.choices, { only: opts.only });
    return r.violation !== null && r.violation.invariant === target ? r : null;
  };

  let cur = start;
  let best: RunResult = first;
  let progress = true;
  while (progress && attempts < fcAttempts) {
    progress = false;
    for (const cand of arb.shrink(cur.value, cur.context)) {
      if (attempts >= fcAttempts) break;
      const r = fails(cand.value);
      if (r !== null) {
        cur = cand;
        best = r;
        shrinks++;
        progress = true;
        break;
      }
    }
  }

  // Choices past `consumed` were never read: dropping them changes nothing.
  let input: RunInput<Cfg> = { cfg: cur.value.cfg, choices: cur.value.choices.slice(0, best.consumed) };
  const accept = (cand: RunInput<Cfg>): boolean => {
    if (attempts >= maxAttempts) return false;
    const r = fails(cand);
    if (r === null) return false;
    input = { cfg: cand.cfg, choices: cand.choices.slice(0, r.consumed) };
    best = r;
    shrinks++;
    return true;
  };

  let changed = true;
  while (changed && attempts < maxAttempts) {
    changed = false;
    for (const cfg of simplerConfigs(p, input.cfg)) if (accept({ cfg, choices: input.choices })) changed = true;
    for (let size = input.choices.length >> 1; size >= 1; size >>= 1) {
      for (let i = input.choices.length - size; i >= 0; i -= size) {
        const choices = input.choices.slice(0, i).concat(input.choices.slice(i + size));
        if (accept({ cfg: input.cfg, choices })) changed = true;
      }
    }
    for (let i = 0; i < input.choices.length; i++) {
      const c = input.choices[i];
      // Toward the benign region first, then toward earlier actions of the same region.
      const candidates = [0];
      for (let t = 0; t < Math.min(c >>> 3, 8); t++) candidates.push((t << 3) | (c & 7));
      for (const lower of candidates) {
        if (lower >= c) continue;
        const choices = input.choices.slice();
        choices[i] = lower;
        if (accept({ cfg: input.cfg, choices })) {
          changed = true;
          break;
        }
      }
    }
  }
  return { input, result: best, shrinks, attempts };
}

/** Smaller fault budgets, then the protocol's own smaller topologies. */
function simplerConfigs<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg): Cfg[] {
  const out: Cfg[] = [];
  for (const k of BUDGET_KEYS) {
    const v = cfg.budget[k] ?? 0;
    if (v > 0) out.push({ ...cfg, budget: { ...cfg.budget, [k]: v - 1 } });
  }
  if (p.simplerConfigs) out.push(...p.simplerConfigs(cfg));
  return out;
}
