// The causal slice of a violation (src/trace/slice.ts) and how the text view
// folds what lies outside it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../src/trace/format.ts';
import { renderText } from '../src/trace/render.ts';
import { causalSlice, violatingEvent } from '../src/trace/slice.ts';

const ROOT = join(import.meta.dirname, '..');
const paxos = readdirSync(join(ROOT, 'traces', 'paxos')).map((f) => readTrace(join(ROOT, 'traces', 'paxos', f)));

describe('causal slice', () => {
  it.each(paxos.map((t) => [t.mutant, t] as const))('%s: closed under happens-before and holds the violating step', (_m, t) => {
    const s = causalSlice(t);
    const v = violatingEvent(t)!;
    expect(s.has(v)).toBe(true);
    for (const j of s) {
      const e = t.events[j];
      // Every delivered message in the slice was sent by a step in the slice.
      if (e.action === 'deliver' && e.text !== undefined) {
        const senders = [...s].filter((i) => i < j && t.events[i].node === e.from && t.events[i].sends?.some((x) => x.to === e.to && x.text === e.text));
        const dups = [...s].filter((i) => i < j && t.events[i].action === 'duplicate' && t.events[i].text === e.text);
        expect(senders.length + dups.length, `step ${e.step}: ${e.text}`).toBeGreaterThan(0);
      }
      // And the node's previous step is in it too.
      if (e.action !== 'drop' && e.action !== 'duplicate' && e.node !== undefined) {
        let prev = -1;
        for (let i = j - 1; i >= 0 && prev < 0; i--) if (t.events[i].node === e.node && t.events[i].action !== 'drop' && t.events[i].action !== 'duplicate') prev = i;
        if (prev >= 0) expect(s.has(prev)).toBe(true);
      }
    }
  });

  it('leaves out steps the violation does not depend on, and the text folds them', () => {
    const t = paxos.find((x) => x.mutant === 'volatile-accepted')!;
    const s = causalSlice(t);
    expect(s.size).toBeLessThan(t.events.length);
    // The crash that loses the accepted value is part of the story.
    expect([...s].some((i) => t.events[i].action === 'crash')).toBe(true);
    const folded = renderText(t);
    const full = renderText(t, { full: true });
    expect(folded).toMatch(/… \d+ steps outside the causal slice/);
    expect(folded).toMatch(/^!! +\d+ {2}/m);
    expect(full).not.toMatch(/outside the causal slice/);
    expect(full.split('\n').length).toBeGreaterThan(folded.split('\n').length);
  });
});
