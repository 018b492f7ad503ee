// Sum vitest JSON reports into one plain line "N passed, N failed" and fail if
// anything was skipped, left todo, or if a required test file did not run.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
// Every test file in test/ and browser/ is required: npm test runs most of
// test/, test:zk the rest, test:browser browser/ (kept apart so that nothing
// npm test can see needs a system package). Read from the directories so a new
// suite cannot be forgotten.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = ['test', 'browser'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.test.ts')));
let passed = 0;
let failed = 0;
let skipped = 0;
const ran = new Set();
const reports = readdirSync(dir).filter((f) => f.endsWith('.json'));
for (const f of reports) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const t of r.testResults) ran.add(t.name.split('/').pop());
  // A file that failed to load has no assertions but must count as a failure.
  for (const t of r.testResults) if (t.status === 'failed' && t.assertionResults.length === 0) failed++;
}
// zk:test is not vitest: it ends with its own "zk: N passed, N failed" line.
const zkLog = join(dir, 'zk-test.log');
let zkRan = false;
try {
  const m = /zk: (\d+) passed, (\d+) failed/.exec(readFileSync(zkLog, 'utf8'));
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    zkRan = true;
  }
} catch {
  /* reported below */
}
const missing = required.filter((f) => !ran.has(f));
if (!zkRan) missing.push('npm run zk:test');
if (reports.length === 0) console.error('no test report was written');
if (skipped > 0) console.error(`${skipped} test(s) were skipped or todo: a skipped test is not a passing test`);
if (missing.length > 0) console.error(`required suites did not run: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || skipped > 0 || missing.length > 0 || reports.length === 0 ? 1 : 0);
