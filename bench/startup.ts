// Start-up of the command line: wall time of `zoocheck --version` and
// `zoocheck check paxos --runs 1`, median of several runs, for the compiled CLI
// a user runs (node bin/zoocheck.mjs, JavaScript from dist/) and for the
// TypeScript sources through tsx (how bin/zoocheck.mjs ran before it was
// compiled). Goal: under 0.25 s compiled.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface StartupRow {
  command: string;
  launcher: string;
  medianMs: number;
  minMs: number;
}

const ROOT = join(import.meta.dirname, '..');

function time(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function startup(repeats: number): StartupRow[] {
  const launchers: [string, string[]][] = [
    ['compiled (node bin/zoocheck.mjs)', [process.execPath, join(ROOT, 'bin', 'zoocheck.mjs')]],
    ['sources (tsx src/cli/main.ts)', [join(ROOT, 'node_modules', '.bin', 'tsx'), join(ROOT, 'src', 'cli', 'main.ts')]],
  ];
  const commands = [['--version'], ['check', 'paxos', '--runs', '1', '--seed', '1', '--out', join(ROOT, 'zoocheck-traces')]];
  const rows: StartupRow[] = [];
  for (const args of commands) {
    for (const [launcher, argv] of launchers) {
      time([...argv, ...args]);
      const ms = Array.from({ length: repeats }, () => time([...argv, ...args])).sort((a, b) => a - b);
      rows.push({ command: `zoocheck ${args.slice(0, 4).join(' ')}`, launcher, medianMs: Math.round(ms[ms.length >> 1]), minMs: Math.round(ms[0]) });
    }
  }
  return rows;
}
