// Shrinking a failing run. First fast-check's own shrinker on (config, choices),
// greedily taking the first smaller candidate that still fails in the same
// invariant, exactly as fast-check's runner walks its shrink tree. Then a final
// pass of our own that fast-check cannot know is meaningful for schedules: cut
// the choices the run never read, delete single choices, and lower each choice
// to an earlier (more benign) enabled action.
import type * as fc from 'fast-check';
import type { BaseConfig } from '../model.ts';
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
}

export function shrinkFailure<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  arb: fc.Arbitrary<RunInput<Cfg>>,
  start: fc.Value<RunInput<Cfg>>,
  first: RunResult,
  opts: ShrinkOptions = {},
): ShrinkResult<Cfg> {
  const target = first.violation!.invariant;
  const maxAttempts = opts.maxAttempts ?? 20000;
  let attempts = 0;
  let shrinks = 0;
  const fails = (input: RunInput<Cfg>): RunResult | null => {
    attempts++;
    const r = runSchedule(p, input.cfg, input.choices, { only: opts.only });
    return r.violation !== null && r.violation.invariant === target ? r : null;
  };
  let cur = start;
  let curResult = first;
  let progress = true;
  while (progress && attempts < maxAttempts) {
    progress = false;
    for (const cand of arb.shrink(cur.value, cur.context)) {
      if (attempts >= maxAttempts) break;
      const r = fails(cand.value);
      if (r !== null) {
        cur = cand;
        curResult = r;
        shrinks++;
        progress = true;
        break;
      }
    }
  }
  let input: RunInput<Cfg> = { cfg: cur.value.cfg, choices: cur.value.choices.slice(0, curResult.consumed) };
  // Choices past `consumed` were never read: dropping them changes nothing.
  curResult = fails(input) ?? curResult;
  let changed = true;
  while (changed && attempts < maxAttempts) {
    changed = false;
    for (let i = input.choices.length - 1; i >= 0 && attempts < maxAttempts; i--) {
      const choices = input.choices.slice(0, i).concat(input.choices.slice(i + 1));
      const r = fails({ cfg: input.cfg, choices });
      if (r !== null) {
        input = { cfg: input.cfg, choices: choices.slice(0, r.consumed) };
        curResult = r;
        shrinks++;
        changed = true;
      }
    }
    for (let i = 0; i < input.choices.length && attempts < maxAttempts; i++) {
      const c = input.choices[i];
      // Toward the benign region first, then toward earlier actions of the same region.
      const candidates = [0];
      for (let t = 0; t < Math.min(c >>> 3, 8); t++) candidates.push((t << 3) | (c & 7));
      for (const lower of candidates) {
        if (lower >= c) continue;
        const choices = input.choices.slice();
        choices[i] = lower;
        const r = fails({ cfg: input.cfg, choices });
        if (r !== null) {
          input = { cfg: input.cfg, choices: choices.slice(0, r.consumed) };
          curResult = r;
          shrinks++;
          changed = true;
          break;
        }
      }
    }
  }
  return { input, result: curResult, shrinks, attempts };
}
