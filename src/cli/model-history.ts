// `--history FILE` for check and replay: the clients' view of one run of the
// ensemble model, written as zk-history/1 for `check-history`.
import * as fc from 'fast-check';
import { InputError } from '../config.ts';
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runArb } from '../explore/arbitrary.ts';
import { historyJsonl, modelHistory } from '../oracle/model-history.ts';
import { writeAtomic } from './io.ts';

/** Only the ensemble has clients; say so before any run starts. */
export function requireHistoryModel(p: Protocol, file: string | undefined): void {
  if (file !== undefined && p.name.split('@')[0] !== 'zk') throw new InputError(`--history: only the zk model has clients (got ${p.name})`);
}

/** Write the history of (cfg, choices) to file, whole or not at all. */
export function writeModelHistory(p: Protocol, cfg: BaseConfig, choices: readonly number[], file: string): void {
  writeAtomic(file, historyJsonl(modelHistory(p as never, cfg as never, choices)));
}

/** A run drawn from the check's own generator with its seed, for a check that found nothing. */
export function firstRun(p: Protocol, mutant: string | null, seed: number): { cfg: BaseConfig; choices: number[] } {
  const [x] = fc.sample(runArb(p, mutant), { numRuns: 1, seed });
  return x as { cfg: BaseConfig; choices: number[] };
}
