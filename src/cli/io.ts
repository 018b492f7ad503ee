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

/**
 * An integer with thousands separators ("1,234,567"), as toLocaleString('en-US')
 * writes it, without initialising ICU (about 18 ms of a short command's start-up).
 */
export function thousands(n: number): string {
  const digits = String(Math.abs(Math.trunc(n)));
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
