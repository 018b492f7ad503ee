// Regenerate the committed counterexample corpus: for every mutant of the named
// models (default: all), run `check` with seed 1 and write the shrunk trace to
// traces/<model>/<mutant>.json. Run after a deliberate model change; the tests
// replay every committed trace and fail on divergence.
import { join } from 'node:path';
import { runCheck } from '../src/explore/check.ts';
import { buildTrace } from '../src/trace/replay.ts';
import { traceJson } from '../src/trace/format.ts';
import { writeAtomic } from '../src/cli/io.ts';
import { getProtocol, protocolNames } from '../properties/index.ts';

const models = process.argv.slice(2).length > 0 ? process.argv.slice(2) : protocolNames();
for (const name of models) {
  const p = getProtocol(name);
  if (!p) throw new Error(`unknown model ${name}`);
  for (const m of p.mutants) {
    const r = runCheck(p, { runs: 50_000, seed: 1, mutant: m.name });
    if (!r.failure) {
      console.error(`${name}/${m.name}: NOT FOUND in ${r.runs} runs`);
      process.exitCode = 1;
      continue;
    }
    const f = r.failure;
    const t = buildTrace(p, f.input.cfg, f.input.choices, { seed: 1, run: f.run, stats: { originalChoices: f.originalChoices, shrinks: f.shrinks } });
    writeAtomic(join('traces', name, `${m.name}.json`), traceJson(t));
    console.log(`${name}/${m.name}: ${f.violation.invariant} after ${r.runs} runs, ${f.originalChoices} -> ${f.input.choices.length} choices, ${t.events.length} events`);
  }
}
