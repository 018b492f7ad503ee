// The committed counterexample corpus: every trace still fails on its mutant
// (same invariant, same events) and passes on the correct model.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../src/trace/format.ts';
import { replayTrace } from '../src/trace/replay.ts';
import { getProtocol, protocolNames } from '../properties/index.ts';
import { ROOT } from './helpers/cli.ts';

const dir = join(ROOT, 'traces');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('committed traces', () => {
  it('exist for every mutant of every registered model', () => {
    for (const name of protocolNames()) {
      const p = getProtocol(name)!;
      for (const m of p.mutants) expect(files).toContain(join(name, `${m.name}.json`));
    }
  });

  it.each(files)('%s reproduces on its mutant and passes on the correct model', (f) => {
    const t = readTrace(join(dir, f));
    expect(t.mutant).not.toBeNull();
    const again = replayTrace(t, getProtocol);
    expect(again.divergence).toBeNull();
    expect(again.violation?.invariant).toBe(t.violation?.invariant);
    const fixed = replayTrace(t, getProtocol, null);
    expect(fixed.violation).toBeNull();
  });
});
