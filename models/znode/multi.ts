// multi: all ops under one zxid, all or nothing. PrepRequestProcessor runs the
// ops in order against the pending changes of the earlier ones (so a create then
// a sequential create under the same parent see each other); at the first
// failure the whole multi becomes an error txn whose per-op results are OK for
// the ops before, the error for the failing op and RUNTIMEINCONSISTENCY after
// (DataTree.processTxn's multi case), and nothing is applied.
import type { ZkCode, ZkError } from './errors.ts';
import { applyOp } from './ops.ts';
import { znodeVariant } from './mutants.ts';
import type { SessionId } from './stat.ts';
import type { Applied, MultiOp, OpResult, Tree, TxnCtx, WatchTrigger } from './types.ts';

export function applyMulti(t: Tree, ops: readonly MultiOp[], session: SessionId, ctx: TxnCtx): Applied {
  let w = t;
  const results: OpResult[] = [];
  const triggers: WatchTrigger[] = [];
  for (let i = 0; i < ops.length; i++) {
    const r = applyOp(w, ops[i], session, ctx, triggers);
    if (typeof r === 'string') {
      const code: ZkError = r;
      const all: OpResult[] = ops.map((_, j): OpResult => ({ type: 'error', code: (j < i ? 'OK' : j === i ? code : 'RUNTIMEINCONSISTENCY') as ZkCode }));
      // Only a mutant (`multi-partial`) keeps what the ops before the failure did.
      if (!znodeVariant(ctx.mutant).multiAtomic) return { tree: w, result: { ok: false, type: 'multi', code, results: all }, triggers };
      return { tree: t, result: { ok: false, type: 'multi', code, results: all }, triggers: [] };
    }
    w = r.tree;
    results.push(r.res);
  }
  return { tree: w, result: { ok: true, type: 'multi', results }, triggers };
}
