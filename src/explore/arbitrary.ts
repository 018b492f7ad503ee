// The fast-check side of a run: a generated configuration (fault budgets
// included) and a schedule encoded as an array of small naturals. Each choice is
// read modulo the number of enabled actions, so every shrunk array is still a
// valid schedule, and shrinking toward 0 moves toward the benign first action
// (deliver the oldest message). `size: 'max'` lets arrays reach maxChoices
// (fast-check's default size keeps them near 10).
import * as fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { type CheckStrategy, swarmArb } from './swarm.ts';

export interface RunInput<Cfg extends BaseConfig = BaseConfig> {
  cfg: Cfg;
  choices: number[];
}

export const CHOICE_MAX = 1023;

/**
 * How many members a generated ensemble has: every size from `min` (default 1)
 * to 7, even ones included (a bug that shows only with an even count, or with
 * one member, is then reachable), three times as often up to 3 as 4-7; shrinks
 * toward `min` (issue 12 item 5).
 */
export function memberCountArb(min = 1): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 7 }) });
}

export function choicesArb(maxChoices: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: CHOICE_MAX }), { maxLength: maxChoices, size: 'max' });
}

/** The runs `check` draws: the model's configuration, under a swarm per run unless `strategy` is `uniform` (swarm.ts), and a schedule. */
export function runArb<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, mutant: string | null, strategy: CheckStrategy = 'swarm'): fc.Arbitrary<RunInput<Cfg>> {
  const cfg = strategy === 'swarm' ? swarmArb(p.configArb(mutant)) : p.configArb(mutant);
  return fc.record({ cfg, choices: choicesArb(p.maxChoices) });
}

/** Run i of a check with seed s draws from its own seed, so any subset of runs can be replayed or sharded. */
export function runSeed(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

/** fast-check's bias schedule: early runs favour small values more often. */
function biasFactor(i: number): number {
  return 2 + Math.floor(Math.log(i + 1) / Math.log(10));
}

export function generateRun<T>(arb: fc.Arbitrary<T>, seed: number, i: number): fc.Value<T> {
  const mrng = new fc.Random(xoroshiro128plus(runSeed(seed, i)));
  return arb.generate(mrng, biasFactor(i));
}
