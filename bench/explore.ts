// Exhaustive exploration: states/s on the README configuration, and shrink
// quality: for every mutant, check's shrunk length over explore's shortest.
import type { Protocol } from '../src/protocol.ts';
import { explore } from '../src/explore/explore.ts';
import { exploreConfig, parseBounds } from '../src/cli/explore.ts';
import type { MutantRow } from './mutants.ts';

export interface ExploreRow {
  model: string;
  config: string;
  distinct: number;
  exhausted: boolean;
  statesPerSec: number;
  ms: number;
}

export interface ShrinkRow {
  model: string;
  mutant: string;
  shrunk: number | null;
  shortest: number | null;
  ratio: number | null;
  /** Issue 12's goal: shrunk at most 1.25 times the shortest. */
  goal: string;
}

export function exploreThroughput(p: Protocol): ExploreRow[] {
  if (!p.explore) return [];
  const rows: ExploreRow[] = [];
  for (const symmetry of [false, true]) {
    if (symmetry && !p.symmetry) continue;
    const bounds = parseBounds(p, []);
    const r = explore(p, exploreConfig(p, bounds, null) as never, { depth: 10_000, maxStates: 5_000_000, symmetry, suffix: true, bounds });
    rows.push({ model: p.name, config: `README bounds${symmetry ? ', --symmetry' : ''}`, distinct: r.distinct, exhausted: r.exhausted, statesPerSec: r.statesPerSec, ms: Math.round(r.elapsedMs) });
  }
  return rows;
}

export function shrinkQuality(p: Protocol, mutants: readonly MutantRow[]): ShrinkRow[] {
  if (!p.explore) return [];
  const rows: ShrinkRow[] = [];
  for (const m of p.mutants) {
    const shrunk = mutants.find((x) => x.model === p.name && x.mutant === m.name && x.strategy === 'check swarm')?.shrunk ?? null;
    const bounds = parseBounds(p, [], m.name);
    // Without symmetry: only then is the first violation exactly the shortest (fingerprint.ts).
    const r = explore(p, exploreConfig(p, bounds, m.name) as never, { depth: 10_000, maxStates: 3_000_000, symmetry: false, suffix: true, bounds });
    const shortest = r.counterexample ? r.counterexample.choices.length : null;
    const ratio = shrunk !== null && shortest !== null ? (shortest === 0 ? (shrunk === 0 ? 1 : Infinity) : Math.round((shrunk / shortest) * 100) / 100) : null;
    rows.push({ model: p.name, mutant: m.name, shrunk, shortest, ratio, goal: ratio === null ? 'n/a' : ratio <= 1.25 ? 'met' : 'missed' });
  }
  return rows;
}
