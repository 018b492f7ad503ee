// `zoocheck simulate`: long seeded random simulation.
import { join } from 'node:path';
import pc from 'picocolors';
import { runSimulate, type Strategy } from '../explore/simulate.ts';
import { buildTrace } from '../trace/replay.ts';
import { traceJson } from '../trace/format.ts';
import { EXIT_OK, EXIT_VIOLATION, showProgress, writeAtomic, thousands } from './io.ts';
import { requireMutant } from './args.ts';
import { requireProtocol } from './protocols.ts';
import { progressBar } from './progress.ts';

export async function cmdSimulate(model: string, o: { seed: number; steps: number; depth?: number; mutant?: string; strategy: Strategy; out: string; json: boolean }): Promise<number> {
  const p = await requireProtocol(model);
  const mutant = requireMutant(p, o.mutant);
  const bar = progressBar(`${p.name} simulate`, showProgress(o.json));
  const r = runSimulate(p, { seed: o.seed, steps: o.steps, depth: o.depth, mutant, strategy: o.strategy, onProgress: (x) => bar.update(x) });
  bar.stop();
  let trace: string | null = null;
  if (r.failure) {
    const t = buildTrace(p, r.failure.input.cfg, r.failure.input.choices, { seed: o.seed, run: r.failure.episode, stats: { originalChoices: r.failure.originalChoices, shrinks: r.failure.shrinks } });
    trace = join(o.out, `${p.name}-${mutant ?? 'correct'}-sim${o.seed}-ep${r.failure.episode}.json`);
    writeAtomic(trace, traceJson(t));
  }
  const rate = Math.round(r.steps / Math.max(1e-3, r.elapsedMs / 1000));
  if (o.json) {
    process.stdout.write(
      JSON.stringify({
        model: p.name,
        mutant,
        seed: o.seed,
        episodes: r.episodes,
        steps: r.steps,
        stepsPerSec: rate,
        violations: r.failure ? 1 : 0,
        digest: r.digest,
        trace,
        invariant: r.failure?.violation.invariant ?? null,
        strategy: o.strategy,
        elapsedMs: Math.round(r.elapsedMs),
      }) + '\n',
    );
  } else {
    process.stdout.write(
      `${pc.bold(p.name)} simulate: ${r.episodes} episodes, ${thousands(r.steps)} steps in ${(r.elapsedMs / 1000).toFixed(1)} s (${thousands(rate)} steps/s), seed ${o.seed}, digest ${r.digest}\n`,
    );
    if (r.failure) process.stdout.write(`  ${pc.red('VIOLATION')} ${r.failure.violation.invariant}: ${r.failure.violation.message}\n  trace: ${trace}\n`);
    else process.stdout.write(`  ${pc.green('held')}\n`);
  }
  return r.failure ? EXIT_VIOLATION : EXIT_OK;
}
