// Output helpers for the CLI: atomic file writes (never a partial file), and
// the exit-code contract (0 held, 1 violation, 2 usage or input error).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;

/** Write via a temporary sibling and rename, so readers never see half a file. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Whether to draw progress: a TTY, not --json, not CI. */
export function showProgress(json: boolean): boolean {
  return !json && process.stderr.isTTY === true && !process.env.CI;
}
