// The zoocheck command line. Exit codes: 0 every property held, 1 a violation was
// found (a trace is written), 2 usage or input error (one line, no stack trace,
// no partial output file).
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
//
// Each command's module is imported when that command runs: `zoocheck
// --version` or `--help` loads no model, zod or fast-check (start-up is
// measured by `npm run bench`).
import { InputError } from '../input-error.ts';
import { PROTOCOL_NAMES } from '../../properties/names.ts';
import { collectBound, intArg, shardArg, shareArg } from './args.ts';
import { EXIT_OK, EXIT_USAGE } from './io.ts';

function program(): Command {
  const prog = new Command('zoocheck')
    .description('Property-based verifier and reference oracle for ZooKeeper internals (Paxos, ZAB, the znode tree).')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.split('\n').filter(Boolean)[0] + '\n') });

  prog
    .command('check')
    .description("run a model's property suite: random schedules explored by fast-check, shrunk on failure")
    .argument('[model]', `model name or "all" (${PROTOCOL_NAMES.join(', ')})`, 'all')
    .option('--runs <n>', 'runs per model (default: the model suite default)', intArg('--runs', 1))
    .option('--seed <s>', 'seed (default: random, printed)', intArg('--seed', -(2 ** 31)))
    .option('--mutant <name>', 'check a named bug variant instead of the correct model')
    .option('--profile <version>', 'ZooKeeper version whose behaviour the zab and zk models run (3.9, the default and correct; 3.8.0)')
    .option('--history <file>', "zk: write the clients' view of the counterexample (else of the seed's first run) as a zk-history/1 file for check-history")
    .option('--only <invariants>', 'comma-separated invariant names to check (default: all)')
    .option('--out <dir>', 'where counterexample traces are written', 'zoocheck-traces')
    .option('--no-shrink', 'report the first failing run without shrinking it')
    .option(
      '--shrink-time <ms>',
      "shrinking's allowance in milliseconds of a reference machine, counted as model steps so the result is the same everywhere (default 3000)",
      intArg('--shrink-time', 1),
    )
    .option('--workers <n>', 'threads, the main one included (default: the cores not already busy)', intArg('--workers', 1))
    .addOption(
      new Option('--strategy <s>', 'swarm: each run leaves a random half of the fault kinds, held-back actions and fault rates out; uniform: every run offers them all')
        .choices(['swarm', 'uniform'])
        .default('swarm'),
    )
    .option(
      '--exhaustive-share <f>',
      'share of the work for a breadth-first pass over the smallest configuration before sampling, capped in states so the result is the same everywhere (default 0.1; 0: none)',
      shareArg,
    )
    .option('--impl <command>', 'run an external implementation of one role as a subprocess (JSON lines; see README)')
    .option('--impl-role <role>', 'the role the external implementation plays (e.g. acceptor)')
    .option('--differential', 'with --impl: also step the model on the same inputs and fail at the first differing output', false)
    .option('--shard <k/n>', 'run only shard k of n of the run indices (merge shard outputs with `zoocheck merge`)', shardArg)
    .option('--json', 'print one JSON object instead of text', false)
    .action(async (model: string, o) => {
      // The exhaustive pass keeps most worlds it makes, so V8 learns to
      // allocate worlds straight into the old generation (allocation-site
      // pretenuring); sampling, whose worlds die young, then paid for that in
      // full collections: Paxos 40,000 runs, 4.7 s of CPU after the pass
      // against 2.9 s with pretenuring off. Process-wide, so worker threads too.
      setFlagsFromString('--no-allocation-site-pretenuring');
      // Threads asked for by number start now, loading while this thread
      // loads the engine and the protocol (src/explore/prestart.ts). With as
      // many busy threads as cores, V8's background compile jobs starve and
      // a worker runs its first few thousand runs unoptimized (3-5 runs/ms
      // against 13): each thread compiles its own hot code instead (Paxos,
      // 40,000 runs on 2 threads: 2.82-2.86 s -> 2.71-2.72 s).
      const threads: number = o.workers ?? 1;
      const early = threads > 1 ? await import('../explore/prestart.ts') : null;
      if (early !== null) {
        setFlagsFromString('--no-concurrent-recompilation');
        early.prestartWorkers(threads - 1, (await import('./protocols.ts')).protocolSource(model).module);
      }
      try {
        process.exitCode = await (await import('./check.ts')).cmdCheck(model, o);
      } finally {
        early?.stopPrestarted();
      }
    });

  prog
    .command('check-history')
    .description('check a recorded ZooKeeper client history (zk-history/1 JSON lines) against the znode-tree model: exit 0 consistent, 1 violation, 2 malformed')
    .argument('<file>', 'history file (.jsonl)')
    .option('--json', 'print {verdict, violations: [{guarantee, ops, message}], ops, checkedMs, search}', false)
    .action(async (file: string, o: { json: boolean }) => {
      process.exitCode = (await import('./history.ts')).cmdCheckHistory(file, o);
    });

  prog
    .command('merge')
    .description('merge the --json outputs of `check --shard k/n` runs into one result (same digest as one unsharded run)')
    .argument('<files...>', 'shard outputs (JSON)')
    .option('--json', 'print one JSON object', false)
    .action(async (files: string[], o: { json: boolean }) => {
      process.exitCode = (await import('./merge.ts')).cmdMerge(files, o);
    });

  prog
    .command('mutants')
    .description("list a model's named bug variants")
    .argument('<model>', 'model name')
    .option('--json', 'print a JSON array of {name, description}', false)
    .action(async (model: string, o: { json: boolean }) => {
      const p = await (await import('./protocols.ts')).requireProtocol(model);
      if (o.json) process.stdout.write(JSON.stringify(p.mutants.map((m) => ({ name: m.name, description: m.description }))) + '\n');
      else for (const m of p.mutants) process.stdout.write(`${pc.bold(m.name.padEnd(28))} ${m.description}\n`);
      process.exitCode = EXIT_OK;
    });

  prog
    .command('replay')
    .description('re-run a trace; exit 1 if its violation reproduces, 0 if it now passes, 2 if it diverges or is malformed')
    .argument('<trace>', 'trace file (JSON)')
    .addOption(new Option('--format <fmt>', 'output format').choices(['text', 'mermaid', 'json']).default('text'))
    .option('--mutant <name>', 'run the choices against this variant ("none": the correct model) instead of the recorded one')
    .option('--history <file>', "zk: also write the clients' view of the run as a zk-history/1 file for check-history")
    .action(async (file: string, o) => {
      process.exitCode = await (await import('./replay.ts')).cmdReplay(file, o);
    });

  prog
    .command('report')
    .description('render a trace as one self-contained HTML page: a swimlane per node, messages as arrows, faults and the violation marked')
    .argument('<trace>', 'trace file (JSON)')
    .requiredOption('--html <file>', 'where the HTML page is written')
    .action(async (file: string, o: { html: string }) => {
      process.exitCode = (await import('./report.ts')).cmdReport(file, o);
    });

  prog
    .command('simulate')
    .description('long seeded random simulation (seedrandom): swarm testing by default, uniform or PCT on request')
    .argument('<model>', 'model name')
    .requiredOption('--seed <s>', 'seed', intArg('--seed', -(2 ** 31)))
    .requiredOption('--steps <n>', 'total steps to simulate', intArg('--steps', 1))
    .option('--depth <n>', 'adversarial choices per episode', intArg('--depth', 1))
    .option('--mutant <name>', 'simulate a named bug variant')
    .addOption(
      new Option('--strategy <s>', 'uniform random choices; swarm: a random subset of fault kinds per episode; pct: priority-based schedules').choices(['uniform', 'swarm', 'pct']).default('swarm'),
    )
    .option('--out <dir>', 'where counterexample traces are written', 'zoocheck-traces')
    .option('--json', 'print one JSON object', false)
    .action(async (model: string, o) => {
      process.exitCode = await (await import('./simulate.ts')).cmdSimulate(model, o);
    });

  prog
    .command('explore')
    .description("exhaustive breadth-first search of a model's states within bounds; a violation comes back as a shortest trace")
    .argument('<model>', 'model name')
    .option('--depth <n>', 'longest schedule explored, in choices (default 1000)', intArg('--depth', 0))
    .option('--max-states <n>', 'stop after this many distinct states (default 5,000,000)', intArg('--max-states', 1))
    .option('--bound <name=value>', "override one of the model's bounds (repeatable; see the README)", collectBound)
    .option('--symmetry', 'treat interchangeable nodes (e.g. Paxos acceptors) as one', false)
    .option('--no-suffix', 'skip the fair suffix (and liveness) from each new state')
    .option('--mutant <name>', 'explore a named bug variant')
    .option('--only <invariants>', 'comma-separated invariant names to check (default: all)')
    .option('--out <dir>', 'where the counterexample trace is written', 'zoocheck-traces')
    .option('--json', 'print one JSON object', false)
    .action(async (model: string, o) => {
      process.exitCode = await (await import('./explore.ts')).cmdExplore(model, o);
    });
  return prog;
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

export async function main(argv: string[]): Promise<number> {
  const prog = program();
  try {
    await prog.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      process.stderr.write(`zoocheck: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

const code = await main(process.argv.slice(2));
// Leave once the output is out: a natural exit also tears the heap down, about
// 60 ms after a check (worker threads, if any, have reported by now).
const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
