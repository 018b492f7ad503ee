// vitest globalSetup: the CLI tests run bin/zoocheck.mjs, which runs the
// compiled dist/. Rebuild it when any source is newer than the last build, so
// a test never exercises stale JavaScript (a no-op check takes milliseconds).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

const STAMP = join(ROOT, 'dist', '.tsbuildinfo');
const SOURCES = ['src', 'models', 'properties'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

export default function setup(): void {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : -1;
  const latest = Math.max(...[...SOURCES, ...CONFIGS].map((p) => newest(join(ROOT, p))));
  if (latest <= built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/ failed (npm run build):\n${r.stdout}${r.stderr}`);
  // tsc leaves its build info alone when no output changed: mark this build.
  const now = new Date();
  utimesSync(STAMP, now, now);
}
