// Comparing one observation of the history with the reference tree's state: the fast
// checks the replay runs on every checkpoint, and the stat arithmetic the explanation
// and the search share. Pure functions of a model state and one recorded op.
import { sequenceOf, type Stat as ModelStat, type Txn } from '../../../models/znode/tree.ts';
import { refGet, type RefApplied as Applied, type RefTree as Tree } from '../reference/index.ts';
import { hex } from './order.ts';
import type { POp } from './prepare.ts';
import type { Guarantee, Stat } from './types.ts';

/** ctime/mtime the history does not tell us (a create without CREATE2, a hidden write). */
export const UNKNOWN_TIME = -1;

/** One observation in zxid order: a definite write (at its txn zxid) or a read (at its serving member's zxid). */
export interface Checkpoint {
  z: number;
  read: boolean;
  op: POp;
}

/** A definite write or read of the history as a checkpoint: its zxid and kind read off the op (one is held per op). */
export class OpCheckpoint implements Checkpoint {
  constructor(readonly op: POp) {}

  get z(): number {
    return this.op.zxid;
  }

  get read(): boolean {
    return !this.op.write;
  }
}

/**
 * How far a created name is from the observed one: for sequential names, how many
 * parent cversion steps apart (each hidden create or delete under the parent is one,
 * so the search can add them one at a time); otherwise 1.
 */
export function nameDistance(model: string, observed: string): number {
  const a = sequenceOf(model);
  const b = sequenceOf(observed);
  if (a === null || b === null || model.slice(0, -10) !== observed.slice(0, -10)) return 1;
  return Math.abs(a - b);
}

/** What a read saw, as far as naming the guarantee its mismatch breaks needs. */
export interface ReadObservation {
  present: boolean;
  stat?: Stat | null;
  /** A listing's names the model does not have. */
  extraChildren?: readonly string[];
  /** The model's children a listing lacks. */
  missingChildren?: readonly string[];
}

export interface Mismatch {
  guarantee: Guarantee;
  message: string;
  ops: number[];
}

export function opDesc(p: POp): string {
  if (p.type === 'close_session') return `op ${p.id} (close_session ${p.session})`;
  return `op ${p.id} (${p.type} ${p.path})`;
}

export function txnOf(p: POp): Txn | null {
  const s = p.session;
  if (s === null) return null;
  const a = p.line.args;
  switch (p.type) {
    case 'create':
      return { type: 'create', path: p.path as string, data: a.value ?? null, mode: a.mode!, session: s };
    case 'set':
      return { type: 'setData', path: p.path as string, data: a.value ?? null, version: a.version ?? -1, session: s };
    case 'delete':
      return { type: 'delete', path: p.path as string, version: a.version ?? -1, session: s };
    case 'close_session':
      return { type: 'closeSession', session: s };
    default:
      return null;
  }
}

export function writeTime(p: POp): number {
  const st = p.outcome.stat;
  if (!st) return UNKNOWN_TIME;
  return p.type === 'create' ? st.ctime : p.type === 'set' ? st.mtime : UNKNOWN_TIME;
}

export function isSequentialMode(m: string | undefined): boolean {
  return m === 'PERSISTENT_SEQUENTIAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

export function isEphemeralMode(m: string | undefined): boolean {
  return m === 'EPHEMERAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

export function statSame(m: ModelStat, o: Stat): boolean {
  return (
    m.czxid === o.czxid &&
    m.mzxid === o.mzxid &&
    m.pzxid === o.pzxid &&
    m.version === o.version &&
    m.cversion === o.cversion &&
    m.numChildren === o.numChildren &&
    m.dataLength === o.dataLength &&
    m.ephemeralOwner === o.ephemeralOwner &&
    m.aversion === o.aversion &&
    (m.ctime === o.ctime || m.ctime === UNKNOWN_TIME) &&
    (m.mtime === o.mtime || m.mtime === UNKNOWN_TIME)
  );
}

export function statDiffCount(m: ModelStat, o: Stat): number {
  if (statSame(m, o)) return 0;
  let n = 0;
  for (const k of STAT_FIELDS) {
    if (m[k] !== o[k] && !((k === 'ctime' || k === 'mtime') && m[k] === UNKNOWN_TIME)) n++;
  }
  return n;
}

const STAT_FIELDS: readonly (keyof Stat)[] = ['czxid', 'mzxid', 'pzxid', 'version', 'cversion', 'numChildren', 'dataLength', 'ephemeralOwner', 'aversion', 'ctime', 'mtime'];

/** Field-by-field differences ("model vs observed"); a model time of UNKNOWN_TIME matches anything. */
export function statDiff(model: ModelStat, obs: Stat): string[] {
  if (statSame(model, obs)) return [];
  const d: string[] = [];
  for (const k of STAT_FIELDS) {
    const m = model[k];
    const o = obs[k];
    if (m === o || ((k === 'ctime' || k === 'mtime') && m === UNKNOWN_TIME)) continue;
    const show = (v: number | string) => (typeof v === 'number' && k.endsWith('zxid') ? hex(v) : String(v));
    d.push(`${k} ${show(m)} vs ${show(o)}`);
  }
  return d;
}

export function sameData(model: string | null, value: string | null | undefined, b64: string | null | undefined): boolean {
  if (typeof b64 === 'string') return Buffer.from(b64, 'base64').equals(Buffer.from(model ?? '', 'utf8'));
  return (value ?? '') === (model ?? '');
}

/** A write refused for authorisation: ACLs are not modelled, so its error txn is not judged. */
export function isAclRefusal(o: { type: string; error?: string }): boolean {
  return o.type === 'error' && (o.error === 'NOAUTH' || o.error === 'INVALIDACL');
}

/** Fast path: does the write's applied txn give exactly the recorded outcome? */
export function writeMatches(a: Applied, c: Checkpoint): boolean {
  const o = c.op.outcome;
  const res = a.result;
  if (o.type === 'error') return isAclRefusal(o) || (!res.ok && res.code === o.error);
  if (!res.ok) return false;
  if (c.op.type === 'create' && o.created_path !== undefined && res.path !== o.created_path) return false;
  return !(o.stat && res.stat && !statSame(res.stat, o.stat));
}

/** Fast path: does the read return exactly the model's state (rootSeeded: the seeded root, whose stats are unknown)? */
export function readMatches(t: Tree, c: Checkpoint, rootSeeded: string | null): boolean {
  const p = c.op;
  const o = p.outcome;
  const path = p.path!;
  const node = refGet(t, path);
  if (o.type === 'error') return o.error !== 'NONODE' || node === null;
  if (rootSeeded !== null && rootSeeded.startsWith(path)) return false; // the slow path knows the seeded root
  if (p.type === 'exists') return !!o.exists === (node !== null) && (node === null || !o.stat || statSame(node.stat, o.stat));
  if (node === null) return false;
  if (o.stat && !statSame(node.stat, o.stat)) return false;
  if (p.type === 'get') return sameData(node.data, o.value, o.value_b64);
  const obs = o.children ?? [];
  const kids = node.children;
  if (obs.length !== kids.length) return false;
  for (let i = 0; i < obs.length; i++) if (obs[i] !== kids[i]) return false;
  return true;
}
