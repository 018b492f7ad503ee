// Human-readable verdict: a few lines naming the guarantee broken, the ops by id and
// the expected versus observed state (the JSON form is the CheckResult itself).
import type { CheckResult } from './types.ts';

const GUARANTEE_TEXT: Record<string, string> = {
  'linearizable-writes': 'writes are linearizable in zxid order',
  'real-time-order': 'zxid order is consistent with real time',
  'session-fifo': "a session's requests take effect and are answered in order",
  'monotonic-reads': 'a session never sees an older state than it has seen',
  'read-your-writes': "a session's reads see its own earlier writes",
  sync: 'sync returns a state at least as new as the leader had',
  'read-consistency': 'a read returns the tree exactly as of its zxid',
  'watch-one-shot': 'a watch fires at most once',
  'watch-before-data': 'a watch event arrives before any reply reflecting its change',
  'watch-order': 'watch events are delivered in order',
  'watch-cause': 'a watch event is caused by the first change it watches',
  'ephemeral-lifetime': 'ephemerals vanish with their session',
  'session-lifetime': 'a session serves nothing after its close or expiry',
  'sequential-names': "sequential names come from the parent's cversion",
};

export function formatReport(r: CheckResult, maxShown = 5): string {
  const out: string[] = [];
  const s = r.search;
  const search =
    s.hiddenEvents === 0
      ? ''
      : `; ${s.hiddenEvents} indeterminate write(s)/expiries, ${s.placed} placed` + (s.used ? `, bounded search ${s.budgetExhausted ? 'hit its budget (not exhaustive)' : 'completed'}` : '');
  if (r.verdict === 'ok') {
    out.push(`history OK: ${r.ops} ops consistent with ZooKeeper's guarantees (${r.checkedMs.toFixed(0)} ms${search})`);
    return out.join('\n');
  }
  out.push(`history VIOLATION: ${r.violations.length} finding(s) in ${r.ops} ops (${r.checkedMs.toFixed(0)} ms${search})`);
  for (const v of r.violations.slice(0, maxShown)) {
    out.push(`- ${v.guarantee} (${GUARANTEE_TEXT[v.guarantee] ?? v.guarantee}); ops ${v.ops.join(', ')}:`);
    out.push(`  ${v.message}`);
  }
  if (r.violations.length > maxShown) out.push(`  ... and ${r.violations.length - maxShown} more (--json lists all)`);
  if (s.budgetExhausted) out.push('  note: the search for indeterminate ops hit its budget; a placement it did not try might explain the history.');
  return out.join('\n');
}
