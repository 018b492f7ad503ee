// The causal slice of a violation: the steps the violating step depends on,
// by Lamport's happens-before over the trace's events. A step depends on the
// previous step of the same node (its state came from there), and a delivery,
// drop or duplication on the step that sent that message (or duplicated it).
// What lies outside is context a reader may skip: the text and HTML views
// fold it (issue 12).
import type { TraceEvent } from './events.ts';
import type { TraceFile } from './format.ts';

/** Index of the event at which the violation is reported, or null. */
export function violatingEvent(t: TraceFile): number | null {
  const v = t.violation;
  if (v === null || t.events.length === 0) return null;
  let exact: number | null = null;
  let exactStart: number | null = null;
  let before: number | null = null;
  t.events.forEach((e, i) => {
    if (e.step === v.step) {
      if (e.phase === 'start') exactStart = i;
      else exact = i;
    }
    if (e.step <= v.step) before = i;
  });
  return exact ?? exactStart ?? before;
}

/** The node whose state a step changed (none for pure network steps). */
function actor(e: TraceEvent): string | undefined {
  if (e.action === 'drop' || e.action === 'duplicate' || e.action === 'partition' || e.action === 'heal') return undefined;
  return e.node;
}

/** The earlier event that put the message of e (a delivery, drop or duplicate) on the network. */
function producer(events: readonly TraceEvent[], j: number): number | null {
  const e = events[j];
  if (e.text === undefined || e.from === undefined || e.to === undefined) return null;
  for (let i = j - 1; i >= 0; i--) {
    const d = events[i];
    if (d.action === 'duplicate' && d.from === e.from && d.to === e.to && d.text === e.text) return i;
    if (d.node === e.from && d.sends?.some((s) => s.to === e.to && s.text === e.text)) return i;
  }
  return null;
}

/** Indices of the events the violating step depends on, itself included; empty without a violation. */
export function causalSlice(t: TraceFile): Set<number> {
  const out = new Set<number>();
  const v = violatingEvent(t);
  if (v === null) return out;
  const events = t.events;
  const todo = [v];
  while (todo.length > 0) {
    const j = todo.pop()!;
    if (out.has(j)) continue;
    out.add(j);
    const e = events[j];
    const who = actor(e);
    if (who !== undefined) {
      for (let i = j - 1; i >= 0; i--) {
        if (actor(events[i]) === who) {
          todo.push(i);
          break;
        }
      }
    }
    const src = producer(events, j);
    if (src !== null) todo.push(src);
  }
  return out;
}
