// Explaining a mismatch: when the replay's fast comparison fails, these name the
// guarantee the observation breaks (a lost write, a read from the future, an ephemeral
// that outlived its session, a wrong sequential name...) and say what the model
// expected versus what was observed, in the message the report prints.
import { isSessionOwner, parentOf, type Stat as ModelStat } from '../../../models/znode/tree.ts';
import { refGet, type RefApplied as Applied, type RefTree as Tree, type RefView as ZNode } from '../reference/index.ts';
import { lowerBound } from '../../../models/znode/sset.ts';
import { isAclRefusal, isEphemeralMode, isSequentialMode, opDesc, sameData, statDiff, type Checkpoint, type Mismatch, type ReadObservation } from './compare.ts';
import type { Placement } from './hidden.ts';
import { ephemeralOutlived } from '../guarantees.ts';
import { hex } from './order.ts';
import type { POp } from './prepare.ts';
import type { Replay } from './replay.ts';
import type { Guarantee, Stat } from './types.ts';

/** Per replay, each session's first definite close_session (indexed when first asked). */
const closers = new WeakMap<Replay, Map<string | null, POp>>();

/** The definite close_session of a session, if it has one (the first, in history order). */
function closerOf(r: Replay, session: string | null): POp | undefined {
  let m = closers.get(r);
  if (!m) {
    m = new Map();
    for (const q of r.h.ops) if (q.type === 'close_session' && q.definite && !m.has(q.session)) m.set(q.session, q);
    closers.set(r, m);
  }
  return m.get(session);
}

function ownerClosedAt(r: Replay, owner: string, P: Placement): number | undefined {
  const c = r.closedAt.get(owner);
  if (c !== undefined) return c;
  const e = r.endHid.get(owner);
  return e === undefined ? undefined : P.get(e);
}
/** The explanation of a write mismatch (`a`: the txn applied at its zxid). */
export function checkWrite(r: Replay, t: Tree, c: Checkpoint, P: Placement, a: Applied): { tree: Tree; mismatch?: Mismatch } {
  const p = c.op;
  const o = p.outcome;
  const res = a.result;
  const at = () => `at zxid ${hex(c.z)}`;
  const mk = (guarantee: Guarantee, message: string): { tree: Tree; mismatch: Mismatch } => ({
    tree: a.tree,
    mismatch: { guarantee, message, ops: [p.id] },
  });
  if (o.type === 'error') {
    // ACLs are not modelled: a refusal for authorisation is an error txn we cannot judge.
    if (isAclRefusal(o)) return { tree: t };
    if (res.ok) {
      const why = explainOk(t, p);
      return mk('linearizable-writes', `${opDesc(p)} ${at()}: the tree model's state after every earlier zxid says it succeeds${why}; observed ${o.error}.`);
    }
    if (res.code !== o.error) {
      return mk('linearizable-writes', `${opDesc(p)} ${at()}: expected ${res.code} against the state after every earlier zxid, observed ${o.error}.`);
    }
    return { tree: a.tree };
  }
  // ok
  if (!res.ok) {
    if (res.code === 'SESSIONEXPIRED') {
      const closed = ownerClosedAt(r, p.session!, P);
      const g = p.type === 'create' && isEphemeralMode(p.line.args.mode) ? 'ephemeral-lifetime' : 'linearizable-writes';
      return mk(g, `${opDesc(p)} ${at()} succeeded, but its session ${p.session} had ended at zxid ${hex(closed ?? NaN)}.`);
    }
    return mk('linearizable-writes', `${opDesc(p)} ${at()}: expected ${res.code} against the state after every earlier zxid, observed ok.`);
  }
  if (p.type === 'create' && o.created_path !== undefined && res.path !== o.created_path) {
    if (isSequentialMode(p.line.args.mode)) {
      const parent = refGet(t, parentOf(p.path!) ?? '/');
      return mk('sequential-names', `${opDesc(p)} ${at()}: the parent's cversion ${parent?.stat.cversion} names the node ${res.path}; observed ${o.created_path}.`);
    }
    return mk('linearizable-writes', `${opDesc(p)} ${at()}: expected created path ${res.path}, observed ${o.created_path}.`);
  }
  if (o.stat && res.stat) {
    const d = statDiff(res.stat, o.stat);
    if (d.length > 0) return mk('linearizable-writes', `${opDesc(p)} ${at()}: returned stat differs from the model (model vs observed): ${d.join(', ')}.`);
  }
  return { tree: a.tree };
}

/** For "expected ok, observed error": what the model's state was. */
function explainOk(t: Tree, p: POp): string {
  const n = p.path ? refGet(t, p.path) : null;
  if (p.type === 'create') return n ? '' : ` (${p.path} absent)`;
  if (!n) return '';
  return ` (${p.path} at version ${n.stat.version}, ${n.children.length} children)`;
}

export function checkRead(r: Replay, t: Tree, c: Checkpoint, P: Placement): { tree: Tree; mismatch?: Mismatch } {
  const p = c.op;
  const o = p.outcome;
  const path = p.path!;
  const node = refGet(t, path);
  let observed: ReadObservation = { present: false };
  let problem: string | null = null;
  if (o.type === 'error') {
    if (o.error !== 'NONODE') return { tree: t }; // NOAUTH etc.: nothing to compare
    if (node) problem = `expected ${path} present (version ${node.stat.version}), observed NONODE`;
  } else if (p.type === 'exists') {
    observed = { present: !!o.exists, stat: o.stat };
    if (!!o.exists !== !!node) problem = node ? `expected ${path} present, observed exists:false` : `expected ${path} absent, observed exists:true`;
    else if (node && o.stat) {
      const d = diffFor(r, path, node.stat, o.stat);
      if (d.length) problem = `stat differs (model vs observed): ${d.join(', ')}`;
    }
  } else {
    observed = { present: true, stat: o.stat };
    if (!node) problem = `expected ${path} absent (NONODE), observed it present`;
    else if (p.type === 'get') {
      if (!sameData(node.data, o.value, o.value_b64)) problem = `expected data ${JSON.stringify(node.data)}, observed ${JSON.stringify(o.value ?? o.value_b64)}`;
      else if (o.stat) {
        const d = diffFor(r, path, node.stat, o.stat);
        if (d.length) problem = `stat differs (model vs observed): ${d.join(', ')}`;
      }
    } else {
      const obs = o.children ?? [];
      const sortedObs = [...obs].sort();
      const same = sortedObs.length === node.children.length && sortedObs.every((x, i) => x === node.children[i]);
      if (!same) {
        const missing = node.children.filter((x) => !sortedObs.includes(x));
        const extra = sortedObs.filter((x) => !node.children.includes(x));
        problem = `children differ: ${missing.length ? `missing ${missing.join(',')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unexpected ${extra.join(',')}` : ''}`;
        observed = { ...observed, extraChildren: extra, missingChildren: missing };
      } else if (o.stat) {
        const d = diffFor(r, path, node.stat, o.stat);
        if (d.length) problem = `stat differs (model vs observed): ${d.join(', ')}`;
      }
    }
  }
  if (problem === null) return { tree: t };
  return { tree: t, mismatch: classifyRead(r, t, c, node, observed, problem, P) };
}

function diffFor(r: Replay, path: string, model: ModelStat, obs: Stat): string[] {
  if (r.rootSeeded !== null && r.rootSeeded.startsWith(path)) {
    return model.numChildren === obs.numChildren ? [] : [`numChildren ${model.numChildren} vs ${obs.numChildren}`];
  }
  return statDiff(model, obs);
}

/**
 * Name the guarantee a read mismatch breaks: state newer than the read's zxid is a
 * read from the future; an ephemeral seen after its owner's end outlived its session;
 * state missing an acknowledged write at or below the read's zxid is a lost write.
 */
function classifyRead(r: Replay, t: Tree, c: Checkpoint, node: ZNode | null, obs: ReadObservation, problem: string, P: Placement): Mismatch {
  const p = c.op;
  const R = c.z;
  const head = `${opDesc(p)} served at zxid ${hex(R)} must return the tree as of exactly that zxid: ${problem}.`;
  const st = obs.stat ?? null;
  if (st && (st.czxid > R || st.mzxid > R || st.pzxid > R)) {
    return { guarantee: 'read-consistency', ops: [p.id], message: `${head} The observed stat carries a zxid after ${hex(R)} (a read from the future).` };
  }
  // Several committed writes missing at once is one finding, named for what it is.
  const run = lostRun(r, c, obs, P);
  if (run) {
    const shown = run.writes
      .slice(0, 4)
      .map((w) => `${w.desc} at ${hex(w.z)}`)
      .join(', ');
    const server = p.outcome.server ?? p.line.server ?? 'unknown';
    return {
      guarantee: 'linearizable-writes',
      ops: [p.id, ...run.writes.flatMap((w) => (w.op ? [w.op.id] : [])).slice(0, 4)],
      message:
        `${head} Member ${server} lacks the effect of ${run.writes.length} committed write(s) at or below ${hex(R)} (${shown}${run.writes.length > 4 ? ', ...' : ''}): ` +
        `a member lost a run of committed writes (zxid ${run.from === run.to ? hex(run.from) : `${hex(run.from)}..${hex(run.to)}`}), as in ZOOKEEPER-4712 and ZOOKEEPER-4785.`,
    };
  }
  if (obs.present && !node && st && isSessionOwner(st.ephemeralOwner)) {
    const closed = ownerClosedAt(r, st.ephemeralOwner, P);
    if (closed !== undefined && ephemeralOutlived(closed, R)) {
      const closer = closerOf(r, st.ephemeralOwner);
      return {
        guarantee: 'ephemeral-lifetime',
        ops: closer ? [p.id, closer.id] : [p.id],
        message: `${head} The node is an ephemeral of session ${st.ephemeralOwner}, which ended at zxid ${hex(closed)}.`,
      };
    }
  }
  // A listing that still names an ephemeral whose owner had ended by R.
  for (const name of obs.extraChildren ?? []) {
    const child = `${p.path === '/' ? '' : p.path}/${name}`;
    // The last create of that name at or below R is the node the listing names.
    const made = lastCreate(r, child, R);
    if (made && !isEphemeralMode(made.line.args.mode)) continue;
    const closed = made?.session ? ownerClosedAt(r, made.session, P) : undefined;
    if (made && closed !== undefined && made.zxid < closed && ephemeralOutlived(closed, R)) {
      const closer = closerOf(r, made.session);
      return {
        guarantee: 'ephemeral-lifetime',
        ops: closer ? [p.id, made.id, closer.id] : [p.id, made.id],
        message: `${head} ${child} is an ephemeral of session ${made.session} (${opDesc(made)}), which ended at zxid ${hex(closed)}.`,
      };
    }
  }
  const lost = lostWrite(r, t, c, node, obs);
  if (lost) {
    const server = p.outcome.server ?? p.line.server ?? 'unknown';
    return {
      guarantee: 'linearizable-writes',
      ops: [p.id, lost.id],
      message: `${head} The acknowledged ${opDesc(lost)} at zxid ${hex(lost.zxid)} <= ${hex(R)} is missing on member ${server} (a lost write).`,
    };
  }
  return { guarantee: 'read-consistency', ops: [p.id], message: head };
}

interface LostWrite {
  z: number;
  op: POp | null;
  desc: string;
}

/** The last definite ok create of `path` at or below zxid R. */
function lastCreate(r: Replay, path: string, R: number): POp | null {
  let made: POp | null = null;
  for (const q of r.okWritesTo(path)) if (q.type === 'create' && q.zxid <= R && (!made || q.zxid > made.zxid)) made = q;
  return made;
}

/**
 * A listing whose every difference from the model is a committed write at or below
 * its zxid that the serving member does not show: the creates of the children it
 * lacks, and the deletes (or owner's session ends) of the children it still names.
 * Two or more names wrong that way (one session end takes all its ephemerals): the
 * member lost a run of committed writes, not one node's life. Null when any
 * difference has another explanation (or none the history records).
 */
function lostRun(r: Replay, c: Checkpoint, obs: ReadObservation, P: Placement): { from: number; to: number; writes: LostWrite[] } | null {
  const p = c.op;
  const R = c.z;
  const extra = obs.extraChildren ?? [];
  const missing = obs.missingChildren ?? [];
  if (p.type !== 'children' || extra.length + missing.length < 2) return null;
  const dir = p.path === '/' ? '' : p.path!;
  const writes: LostWrite[] = [];
  for (const name of missing) {
    const made = lastCreate(r, `${dir}/${name}`, R);
    if (!made) return null;
    writes.push({ z: made.zxid, op: made, desc: `op ${made.id} (create ${dir}/${name})` });
  }
  for (const name of extra) {
    const child = `${dir}/${name}`;
    const made = lastCreate(r, child, R);
    if (!made) return null;
    // The first removal after that create: a delete of the node, or its owner's end.
    let gone: LostWrite | null = null;
    for (const q of r.okWritesTo(child)) {
      if (q.type === 'delete' && q.zxid > made.zxid && q.zxid <= R && (!gone || q.zxid < gone.z)) {
        gone = { z: q.zxid, op: q, desc: `op ${q.id} (delete ${child})` };
      }
    }
    if (isEphemeralMode(made.line.args.mode) && made.session) {
      const closed = ownerClosedAt(r, made.session, P);
      if (closed !== undefined && closed > made.zxid && closed <= R && (!gone || closed < gone.z)) {
        const closer = closerOf(r, made.session);
        gone = { z: closed, op: closer ?? null, desc: `${closer ? `op ${closer.id} ` : ''}(end of session ${made.session}, owner of ${child})` };
      }
    }
    if (!gone) return null;
    writes.push(gone);
  }
  const byZ = new Map(writes.map((w) => [w.z, w]));
  const uniq = [...byZ.values()].sort((a, b) => a.z - b.z);
  return { from: uniq[0].z, to: uniq[uniq.length - 1].z, writes: uniq };
}

/** The acknowledged write (at or below the read's zxid) the observation lacks, if that is what happened. */
function lostWrite(r: Replay, t: Tree, c: Checkpoint, node: ZNode | null, obs: ReadObservation): POp | null {
  if (!node) return null;
  const st = obs.stat ?? null;
  let z: number | null = null;
  if (!obs.present) z = node.stat.czxid;
  else if (st && st.mzxid < node.stat.mzxid) z = node.stat.mzxid;
  else if (st && st.pzxid < node.stat.pzxid) z = node.stat.pzxid;
  if (z === null) return null;
  const k = lowerBound(r.cpZ, z);
  const w = r.cps[k];
  return w && w.z === z && !w.read && w.op.outcome.type === 'ok' ? w.op : null;
}
