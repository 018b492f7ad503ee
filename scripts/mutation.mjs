// `npm run mutation [model...]`: StrykerJS over each model's subset of files
// (stryker.config.mjs), one model at a time, then a summary per model in
// reports/mutation/<model>.json: the counts, the score and every surviving
// mutant (file, line, mutator, replacement), the record the README's mutation
// table is read from. Not part of `npm test`: minutes of CPU per model.
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const MODELS = ['znode', 'paxos', 'zab'];
// --summary-only: summarise the last full reports again without running Stryker.
const summaryOnly = process.argv.includes('--summary-only');
const asked = process.argv.slice(2).filter((a) => a !== '--summary-only');
for (const m of asked) {
  if (!MODELS.includes(m)) {
    console.error(`mutation: unknown model ${m} (one of ${MODELS.join(', ')})`);
    process.exit(2);
  }
}

const notes = JSON.parse(readFileSync('reports/mutation/notes.json', 'utf8'));

function summarise(model) {
  const full = JSON.parse(readFileSync(`reports/mutation/.${model}.full.json`, 'utf8'));
  const counts = {};
  const survived = [];
  for (const [file, f] of Object.entries(full.files)) {
    for (const m of f.mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survived.push({ file, line: m.location.start.line, column: m.location.start.column, status: m.status, mutator: m.mutatorName, replacement: m.replacement ?? null });
      }
    }
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  // Each survivor with its classification from notes.json; the goal's score counts
  // only the ones that change the model's behaviour (longer: killed past the budget).
  const kinds = {};
  for (const s of survived) {
    const note = notes[`${s.file}:${s.line}:${s.column}:${s.replacement}`] ??
      notes[`${s.file}:${s.line}:${s.replacement}`] ??
      notes[`${s.file}:${s.line}`] ?? { kind: 'open', reason: 'not classified yet' };
    s.kind = note.kind;
    s.reason = note.reason;
    kinds[note.kind] = (kinds[note.kind] ?? 0) + 1;
  }
  const behaving = detected + (kinds.longer ?? 0) + (kinds.now ?? 0) + (kinds.open ?? 0);
  const pct = (a, b) => (b === 0 ? null : Math.round((1000 * a) / b) / 10);
  const out = {
    model,
    files: Object.keys(full.files).sort(),
    counts,
    score: pct(detected, valid),
    survivors: kinds,
    nonEquivalentKilled: pct(detected + (kinds.longer ?? 0) + (kinds.now ?? 0), behaving),
    nonEquivalentKilledWithinBudget: pct(detected, behaving),
    survived,
  };
  const tmp = `reports/mutation/${model}.json.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 1)}\n`);
  renameSync(tmp, `reports/mutation/${model}.json`);
  return out;
}

for (const model of asked.length > 0 ? asked : MODELS) {
  const r = summaryOnly ? { status: 0 } : spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, ZOOCHECK_MUTATE: model } });
  if (r.status !== 0) {
    console.error(`mutation: stryker failed for ${model} (exit ${r.status})`);
    process.exit(1);
  }
  const s = summarise(model);
  console.log(
    `${model}: score ${s.score}% (${JSON.stringify(s.counts)}); survivors ${JSON.stringify(s.survivors)}; non-equivalent killed ${s.nonEquivalentKilled}% (${s.nonEquivalentKilledWithinBudget}% within the run budget); reports/mutation/${model}.json`,
  );
}
