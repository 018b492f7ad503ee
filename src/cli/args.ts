// Argument checking shared by the commands: every bad value is one line, exit 2.
import { InvalidArgumentError } from 'commander';
import { InputError } from '../input-error.ts';
import type { Protocol } from '../protocol.ts';

export function intArg(name: string, min: number) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`${name} must be an integer (got "${v}")`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min} (got "${v}")`);
    return n;
  };
}

/**
 * The protocol under a version profile (`--profile`), checked against the
 * mutant; without one, the protocol as it is.
 */
export function requireProfile(p: Protocol, profile: string | undefined, mutant: string | undefined): Protocol {
  if (profile === undefined) return p;
  if (p.profiles === undefined || p.withProfile === undefined) throw new InputError(`--profile: model ${p.name} has no version profiles`);
  if (p.profiles[profile] === undefined) throw new InputError(`--profile: unknown ${p.name} profile "${profile}" (choose one of: ${Object.keys(p.profiles).join(', ')})`);
  const problem = p.profileProblem?.(profile, mutant === undefined || mutant === 'none' ? null : mutant) ?? null;
  if (problem !== null) throw new InputError(`--profile: ${problem}`);
  return p.withProfile(profile);
}

export function requireMutant(p: Protocol, mutant: string | undefined): string | null {
  if (mutant === undefined || mutant === 'none') return null;
  if (!p.mutants.some((m) => m.name === mutant)) throw new InputError(`--mutant: unknown ${p.name} mutant "${mutant}" (see: zoocheck mutants ${p.name})`);
  return mutant;
}

/** --shard K/N: 1 <= K <= N; returned zero-based. */
export function shardArg(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new InvalidArgumentError(`--shard must be K/N with 1 <= K <= N (got "${v}")`);
  return { index: k - 1, count: n };
}

/** --bound name=value, repeatable: collected in order, checked by the explore command. */
export function collectBound(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/** --exhaustive-share F: a fraction 0 <= F <= 1. */
export function shareArg(v: string): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`--exhaustive-share must be a number from 0 to 1 (got "${v}")`);
  return n;
}
