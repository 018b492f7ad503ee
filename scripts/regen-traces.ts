// Regenerate the committed counterexample corpus: for every mutant of the named
// models (default: all), run `check` with seed 1 (falling back to seeded
// simulation when fast-check does not reach it) and write the shrunk trace to
// traces/<model>/<mutant>.json. Run after a deliberate model change; the tests
// replay every committed trace and fail on divergence. An argument MODEL/MUTANT
// regenerates that one trace only.
import { join } from 'node:path';
import { runCheck } from '../src/explore/check.ts';
import { runSchedule } from '../src/run.ts';
import { runSimulate, STRATEGIES } from '../src/explore/simulate.ts';
import { buildTrace } from '../src/trace/replay.ts';
import { traceJson } from '../src/trace/format.ts';
import { writeAtomic } from '../src/cli/io.ts';
import { getProtocol, protocolNames } from '../properties/index.ts';

const DIRECTED = ['epoch-before-history', 'ackld-before-persist'];
const args = process.argv.slice(2);
const models = args.length > 0 ? [...new Set(args.map((a) => a.split('/')[0]))] : protocolNames();
const picked = (model: string, mutant: string) => !args.some((a) => a.startsWith(`${model}/`)) || args.includes(`${model}/${mutant}`);
for (const name of models) {
  const p = getProtocol(name);
  if (!p) throw new Error(`unknown model ${name}`);
  for (const m of p.mutants) {
    if (!picked(name, m.name)) continue;
    // Inherited mutants are in their own model's corpus; the directed ones are
    // written by scripts/directed-traces.ts.
    if (m.from !== undefined || (name === 'zab' && DIRECTED.includes(m.name))) continue;
    let r = runCheck(p, { runs: 50_000, seed: 1, mutant: m.name });
    // A trace the correct model fails too shows nothing about the mutant (swarm
    // once reached failures of the correct ZAB model, since fixed); then the
    // uniform adversary's first failure stands in.
    if (r.failure && runSchedule(p, { ...r.failure.input.cfg, mutant: null }, r.failure.input.choices).violation !== null) {
      r = runCheck(p, { runs: 50_000, seed: 1, mutant: m.name, strategy: 'uniform' });
    }
    let found = r.failure ? { ...r.failure, seed: 1, how: `check, ${r.runs} runs` } : null;
    // A mutant fast-check does not reach with seed 1: try the seeded simulation
    // strategies (a few seeds each), whose traces replay just the same.
    for (let seed = 1; !found && seed <= 3; seed++) {
      for (const strategy of STRATEGIES) {
        const sim = runSimulate(p, { seed, steps: 3_000_000, mutant: m.name, strategy });
        if (sim.failure) {
          found = {
            ...sim.failure,
            shrinkAttempts: 0,
            shrinkPasses: 0,
            shrinkMs: 0,
            run: sim.failure.episode,
            seed,
            how: `simulate --strategy ${strategy} --seed ${seed}, episode ${sim.failure.episode}`,
          };
          break;
        }
      }
    }
    if (!found) {
      console.error(`${name}/${m.name}: NOT FOUND`);
      process.exitCode = 1;
      continue;
    }
    const f = found;
    const t = buildTrace(p, f.input.cfg, f.input.choices, { seed: f.seed, run: f.run, stats: { originalChoices: f.originalChoices, shrinks: f.shrinks } });
    writeAtomic(join('traces', name, `${m.name}.json`), traceJson(t));
    console.log(`${name}/${m.name}: ${f.violation.invariant} (${f.how}), ${f.originalChoices} -> ${f.input.choices.length} choices, ${t.events.length} events`);
  }
}
