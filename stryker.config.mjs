// StrykerJS over the models with the property suites as the test command
// (vitest.mutation.config.ts). One model per run, chosen by ZOOCHECK_MUTATE
// (scripts/mutation.mjs runs them one after the other): a subset of files per
// model, one test process at a time, so that it fits two shared cores.
const SUBSETS = {
  // The txn semantics and the watch table: what the tree's invariants judge.
  znode: ['models/znode/ops.ts', 'models/znode/multi.ts', 'models/znode/sessions.ts', 'models/znode/watches.ts', 'models/znode/rules.ts'],
  // Every role and the quorum / ballot arithmetic, whose correct rules are in rules.ts (render.ts only prints, mutants.ts only lists the bug variants).
  paxos: ['models/paxos/acceptor.ts', 'models/paxos/proposer.ts', 'models/paxos/learner.ts', 'models/paxos/config.ts', 'models/paxos/rules.ts'],
  // Reported, not a goal: the FLE vote order.
  zab: ['models/zab/vote.ts'],
};

const model = process.env.ZOOCHECK_MUTATE ?? 'paxos';
if (!(model in SUBSETS)) throw new Error(`ZOOCHECK_MUTATE: unknown model ${model} (one of ${Object.keys(SUBSETS).join(', ')})`);

export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: SUBSETS[model],
  coverageAnalysis: 'perTest',
  // Module-level constants would need every test rerun per mutant; left out of the budget.
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/.${model}.full.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
