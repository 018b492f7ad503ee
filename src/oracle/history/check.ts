// checkHistory: a pure function of the parsed lines. It enforces exactly the
// guarantees of history-format.md ("What ZooKeeper promises"): the zxid/time checks
// (order.ts), the model replay of writes and reads in zxid order (replay.ts) and the
// watch checks against that replay's changes (watches.ts).
import { checkDistinctZxids, checkRealTime, checkSessions, leadership } from './order.ts';
import { prepare } from './prepare.ts';
import { Replay } from './replay.ts';
import { checkSessionEnds } from './session-end.ts';
import type { CheckResult, HistoryLine, Violation } from './types.ts';
import { checkWatches } from './watches.ts';

export interface CheckOptions {
  /** Checkpoint visits the search for hidden events may spend (default: max(2e6, 40 per op)). */
  searchBudget?: number;
  /** Stop collecting model mismatches after this many (later ones usually cascade). */
  maxViolations?: number;
}

export function checkHistory(lines: readonly HistoryLine[], opts: CheckOptions = {}): CheckResult {
  const t0 = performance.now();
  const h = prepare(lines);
  const violations: Violation[] = [];
  checkRealTime(h.ops, leadership(h), violations);
  checkSessions(h.ops, violations);
  checkDistinctZxids(h.ops, violations);
  checkSessionEnds(h, violations);
  const replay = new Replay(h, opts.searchBudget);
  const r = replay.check(opts.maxViolations ?? 20);
  violations.push(...r.violations);
  checkWatches(h, r.triggers, r.uncertain, r.violations.length === 0, violations);
  // One line per distinct finding, earliest-invoked op first.
  const pos = violations.length > 1 ? new Map(h.ops.map((p, i) => [p.id, i])) : new Map<number, number>();
  const seen = new Set<string>();
  const unique = violations.filter((v) => {
    const k = v.guarantee + ':' + v.ops.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => (pos.get(a.ops[0]) ?? 0) - (pos.get(b.ops[0]) ?? 0));
  return {
    verdict: unique.length === 0 ? 'ok' : 'violation',
    violations: unique,
    ops: h.ops.length,
    checkedMs: Math.round((performance.now() - t0) * 1000) / 1000,
    search: {
      hiddenEvents: r.hidden.length,
      placed: r.placement.size,
      used: r.searched,
      budgetExhausted: r.budgetExhausted,
      steps: r.steps,
    },
  };
}
