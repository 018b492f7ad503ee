// `zoocheck merge`: combine the JSON outputs of `check --shard k/n` into the
// result one unsharded check would have given: the lowest failing run wins, and
// the digest folds every shard's per-run digests in run order up to it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../config.ts';
import { combineDigests, type RunDigest } from '../explore/check.ts';
import { EXIT_OK, EXIT_VIOLATION } from './io.ts';

const shardSchema = z.object({
  model: z.string(),
  mutant: z.string().nullable(),
  seed: z.number().int(),
  shard: z.string(),
  violations: z.number().int(),
  invariant: z.string().nullable(),
  trace: z.string().nullable(),
  runDigests: z.array(z.tuple([z.number().int(), z.string().regex(/^[0-9a-f]{16}$/), z.number().int()])),
});

export function cmdMerge(files: string[], o: { json: boolean }): number {
  const shards = files.map((f) => {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new InputError(`${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON'}`);
    }
    const r = shardSchema.safeParse(raw);
    if (!r.success) throw new InputError(`${f}: ${r.error.issues[0].path.join('.') || '(root)'}: ${r.error.issues[0].message} (is it \`check --shard k/n --json\` output?)`);
    return { file: f, ...r.data };
  });
  const first = shards[0];
  for (const s of shards) {
    if (s.model !== first.model || s.mutant !== first.mutant || s.seed !== first.seed) throw new InputError(`${s.file}: model, mutant and seed must match ${first.file}`);
  }
  const digests: RunDigest[] = shards.flatMap((s) => s.runDigests.map(([run, hex, steps]) => ({ run, h1: parseInt(hex.slice(0, 8), 16), h2: parseInt(hex.slice(8), 16), steps })));
  const failing = shards.filter((s) => s.violations > 0).map((s) => ({ s, run: Math.max(...s.runDigests.map((d) => d[0])) }));
  failing.sort((a, b) => a.run - b.run);
  const firstFailure = failing.length > 0 ? failing[0].run : null;
  const kept = digests.filter((d) => firstFailure === null || d.run <= firstFailure);
  const out = {
    model: first.model,
    mutant: first.mutant,
    seed: first.seed,
    shards: shards.map((s) => s.shard),
    // Run -1 is check's exhaustive pass (src/explore/exhaustive.ts), not a sampled run.
    runs: kept.filter((d) => d.run >= 0).length,
    steps: kept.reduce((a, d) => a + d.steps, 0),
    violations: firstFailure === null ? 0 : 1,
    digest: combineDigests(digests, firstFailure),
    invariant: failing.length > 0 ? failing[0].s.invariant : null,
    trace: failing.length > 0 ? failing[0].s.trace : null,
  };
  if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
  else
    process.stdout.write(
      `${out.model}${out.mutant ? ` (mutant ${out.mutant})` : ''}: ${out.runs} runs over ${shards.length} shards, ${out.violations ? `VIOLATION ${out.invariant} (trace ${out.trace})` : 'held'}, digest ${out.digest}\n`,
    );
  return out.violations > 0 ? EXIT_VIOLATION : EXIT_OK;
}
