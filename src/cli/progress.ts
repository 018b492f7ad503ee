// A progress bar on stderr for long work (runs done, steps/s, violations, ETA);
// silent unless showProgress() says a person is watching (cli-progress is only
// loaded then: it is a tenth of a short command's start-up).
import type CliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import type { Progress } from '../explore/check.ts';
import { thousands } from './io.ts';

export function progressBar(label: string, enabled: boolean): { update(p: Progress): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const t0 = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} | {rate} steps/s | violations {violations} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: Progress) {
      const rate = thousands(Math.round(p.steps / Math.max(1e-3, (performance.now() - t0) / 1000)));
      if (!started) {
        bar.start(p.total, p.done, { rate, violations: p.violations });
        started = true;
      } else bar.update(p.done, { rate, violations: p.violations });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
