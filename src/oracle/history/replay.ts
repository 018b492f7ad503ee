// Replays the history through the znode tree model in zxid order and demands that
// every write's outcome and every read's returned state is explained by it.
//
// "Writes are linearizable, in zxid order": every definite write (ok, or a refused
// write, which commits as an error txn with its own zxid) is applied at its zxid and
// its outcome compared with the model's. A read's outcome.zxid is the serving member's
// last applied zxid, so what it returns must equal the model tree at exactly that zxid.
// Both kinds of observation are "checkpoints", sorted by zxid: one pass, no search.
//
// Search is only needed for what the history leaves without a zxid ("hidden" events):
// indeterminate (info) writes, which may or may not have taken effect, possibly later,
// and session expiries, which delete the session's ephemerals at a zxid the history
// does not record. A hidden event can only sit at a zxid no recorded write uses,
// within a window the guarantees allow (after what was committed before it was
// invoked and after its session's earlier ops; before its session's later writes and
// its end). We place one only when an observation needs it: when the replay first
// disagrees with the history, the candidate changes are the hidden events touching the
// same nodes, at zxids the observation names (a stat's czxid/mzxid/pzxid, the read's
// own zxid, an observed unique value's mzxid) or else at the latest free zxid before
// it; they are ranked by how close each brings the model's state to the observation
// (single events, greedy combinations, pairs on one node), then displacements, swaps
// and moves of events already placed. The replay resumes from the earliest changed
// zxid (tree versions share structure, so every checkpoint's state is kept). Choices
// are explored depth-first; an option that breaks an observation already explained is
// not pursued, backtracking reaches over the last 64 decisions, and the whole search
// has a step budget. It is therefore bounded, not complete: the verdict says whether
// the budget ran out.
import { pmapGet, pmapHas, pmapSet } from '../../../models/znode/pmap.ts';
import { lowerBound, SSET_EMPTY } from '../../../models/znode/sset.ts';
import {
  applyTxn,
  emptyTree,
  ephemeralsOf,
  getNode,
  isSessionOwner,
  parentOf,
  sequenceOf,
  type Applied,
  type Stat as ModelStat,
  type Tree,
  type Txn,
  type WatchTrigger,
  type ZNode,
} from '../../../models/znode/tree.ts';
import { hex } from './order.ts';
import type { POp, Prepared } from './prepare.ts';
import type { Guarantee, Stat, Violation } from './types.ts';

/** ctime/mtime the history does not tell us (a create without CREATE2, a hidden write). */
const UNKNOWN_TIME = -1;

interface Checkpoint {
  z: number;
  /** Sort key: 2z for a write, 2z+1 for a read. */
  k: number;
  read: boolean;
  op: POp;
}

/**
 * How far a created name is from the observed one: for sequential names, how many
 * parent cversion steps apart (each hidden create or delete under the parent is one,
 * so the search can add them one at a time); otherwise 1.
 */
function nameDistance(model: string, observed: string): number {
  const a = sequenceOf(model);
  const b = sequenceOf(observed);
  if (a === null || b === null || model.slice(0, -10) !== observed.slice(0, -10)) return 1;
  return Math.abs(a - b);
}

/** What a read saw, as far as naming the guarantee its mismatch breaks needs. */
interface ReadObservation {
  present: boolean;
  stat?: Stat | null;
  /** A listing's names the model does not have. */
  extraChildren?: readonly string[];
}

export interface Hidden {
  hid: number;
  /** An indeterminate write, or the unrecorded expiry (close) of a session. */
  kind: 'op' | 'end';
  op: POp | null;
  session: string;
  /** Exclusive bounds on the zxid it may take effect at. */
  lo: number;
  hi: number;
  /** Paths whose node it may change (a create/delete also changes the parent). */
  touches: ReadonlySet<string>;
  /** Free zxids at which an observation of its unique value places it. */
  hints: number[];
}

interface Mismatch {
  guarantee: Guarantee;
  message: string;
  ops: number[];
}

type Placement = ReadonlyMap<number, number>;
/** A change to a placement: event -> new zxid, or null to drop it. */
type Diff = [number, number | null][];

export interface ReplayOutcome {
  violations: Violation[];
  /** Every trigger of the final replay, in zxid order, for the watch checks. */
  triggers: WatchTrigger[];
  hidden: Hidden[];
  placement: Placement;
  /** Hidden events whose zxid no observation names: unplaced, or placed where any free zxid nearby would do. */
  uncertain: Hidden[];
  searched: boolean;
  budgetExhausted: boolean;
  steps: number;
}

function opDesc(p: POp): string {
  if (p.type === 'close_session') return `op ${p.id} (close_session ${p.session})`;
  return `op ${p.id} (${p.type} ${p.path})`;
}

function txnOf(p: POp): Txn | null {
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

function writeTime(p: POp): number {
  const st = p.outcome.stat;
  if (!st) return UNKNOWN_TIME;
  return p.type === 'create' ? st.ctime : p.type === 'set' ? st.mtime : UNKNOWN_TIME;
}

function isSequentialMode(m: string | undefined): boolean {
  return m === 'PERSISTENT_SEQUENTIAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

function isEphemeralMode(m: string | undefined): boolean {
  return m === 'EPHEMERAL' || m === 'EPHEMERAL_SEQUENTIAL';
}

function statSame(m: ModelStat, o: Stat): boolean {
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

function statDiffCount(m: ModelStat, o: Stat): number {
  if (statSame(m, o)) return 0;
  let n = 0;
  for (const k of STAT_FIELDS) {
    if (m[k] !== o[k] && !((k === 'ctime' || k === 'mtime') && m[k] === UNKNOWN_TIME)) n++;
  }
  return n;
}

const STAT_FIELDS: readonly (keyof Stat)[] = ['czxid', 'mzxid', 'pzxid', 'version', 'cversion', 'numChildren', 'dataLength', 'ephemeralOwner', 'aversion', 'ctime', 'mtime'];

/** Field-by-field differences ("model vs observed"); a model time of UNKNOWN_TIME matches anything. */
function statDiff(model: ModelStat, obs: Stat): string[] {
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

function sameData(model: string | null, value: string | null | undefined, b64: string | null | undefined): boolean {
  if (typeof b64 === 'string') return Buffer.from(b64, 'base64').equals(Buffer.from(model ?? '', 'utf8'));
  return (value ?? '') === (model ?? '');
}


interface RunFail {
  idx: number;
  mismatch: Mismatch;
}

export class Replay {
  readonly cps: Checkpoint[] = [];
  readonly cpZ: number[] = [];
  readonly hidden: Hidden[] = [];
  private known: Set<number> | null = null;
  /** zxids of recorded (definite) writes: a hidden event cannot take one of them (built when first searched). */
  get knownZ(): ReadonlySet<number> {
    if (!this.known) {
      this.known = new Set<number>();
      for (const c of this.cps) if (!c.read) this.known.add(c.z);
    }
    return this.known;
  }
  /** Definite close_session zxid per session. */
  readonly closedAt = new Map<string, number>();
  readonly endHid = new Map<string, number>();
  /** Zxids an observed unique value pins some hidden write to. */
  readonly reserved = new Set<number>();
  /** Hidden op events per session (each must precede the session's end). */
  readonly sessionHidden = new Map<string, number[]>();
  readonly initial: Tree;
  private readonly snaps: Tree[];
  private snapP: Placement = new Map();
  private snapValid = 0;
  private readonly forced = new Set<number>();
  steps = 0;
  budget: number;
  private record: WatchTrigger[] | null = null;
  private readonly rootSeeded: string | null;
  private readonly keepSnaps: boolean;

  constructor(
    private readonly h: Prepared,
    budget?: number,
  ) {
    const ops = h.ops;
    for (const p of ops) {
      if (!p.definite || p.session === null) continue;
      if (p.write) {
        this.cps.push({ z: p.zxid, k: 2 * p.zxid, read: false, op: p });
        if (p.type === 'close_session' && !this.closedAt.has(p.session)) this.closedAt.set(p.session, p.zxid);
      } else if (p.type === 'get' || p.type === 'exists' || p.type === 'children') {
        this.cps.push({ z: p.zxid, k: 2 * p.zxid + 1, read: true, op: p });
      }
    }
    // zxid, then writes before reads at the same zxid (a read at Z sees txn Z).
    this.cps.sort((a, b) => a.k - b.k || a.op.tInvoke - b.op.tInvoke);
    for (const c of this.cps) this.cpZ.push(c.z);
    this.budget = budget ?? Math.max(2_000_000, 40 * this.cps.length);

    // Sessions are live from the start: createSession txns are not recorded and change
    // no node, so creating them all up front only lets the model accept their writes.
    let t = emptyTree();
    const sessions = new Set<string>();
    for (const p of ops) if (p.session !== null) sessions.add(p.session);
    for (const s of sessions) t = applyTxn(t, { type: 'createSession', session: s }, { zxid: 0, time: UNKNOWN_TIME }).tree;
    // "root: every path lives under it; empty at start". If no op creates it, it existed
    // before the run: seed it (and its ancestors) with stats we cannot know.
    const root = h.meta.root;
    const createsRoot = ops.some((p) => p.type === 'create' && p.path === root);
    this.rootSeeded = null;
    if (!createsRoot && root !== '/') {
      const seedSession = '0x7fffffffffffffff';
      t = applyTxn(t, { type: 'createSession', session: seedSession }, { zxid: 0, time: UNKNOWN_TIME }).tree;
      const parts = root.split('/').filter(Boolean);
      let path = '';
      for (const part of parts) {
        path += '/' + part;
        if (!getNode(t, path)) {
          t = applyTxn(t, { type: 'create', path, data: null, mode: 'PERSISTENT', session: seedSession }, { zxid: 0, time: UNKNOWN_TIME }).tree;
        }
      }
      this.rootSeeded = root;
    }
    this.initial = t;
    this.snaps = new Array<Tree>(this.cps.length + 1);
    this.snaps[0] = t;
    this.buildHidden();
    this.keepSnaps = this.hidden.length > 0;
    for (const hd of this.hidden) for (const z of hd.hints) this.reserved.add(z);
  }

  // ---- hidden events -------------------------------------------------------------

  private buildHidden(): void {
    const ops = this.h.ops;
    // Nothing is hidden when every write is definite and every session with ephemerals closed.
    let any = false;
    const ephemeralOwners = new Set<string>();
    for (const p of ops) {
      if (p.session === null) continue;
      if (!p.definite && p.write) any = true;
      else if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) ephemeralOwners.add(p.session);
    }
    for (const s of ephemeralOwners) if (!this.closedAt.has(s)) any = true;
    if (!any) return;
    // Real time: a hidden op takes effect after it was invoked, so after every zxid
    // some client had already received.
    const done = ops.filter((p) => p.definite).sort((a, b) => a.tComplete - b.tComplete);
    const doneT = done.map((p) => p.tComplete);
    const prefMax: number[] = [];
    let m = -1;
    for (const p of done) prefMax.push((m = Math.max(m, p.zxid)));
    const committedBefore = (t: number) => {
      const k = lowerBound(doneT, t);
      return k === 0 ? -1 : prefMax[k - 1];
    };
    const bySession = new Map<string, POp[]>();
    for (const p of ops) {
      if (p.session === null) continue;
      let xs = bySession.get(p.session);
      if (!xs) bySession.set(p.session, (xs = []));
      xs.push(p);
    }
    // Unique written values identify the write an observation saw (history-format:
    // "a write's value is unique").
    const infoByValue = new Map<string, POp>();
    for (const p of ops) {
      if (p.definite || p.session === null) continue;
      if ((p.type === 'set' || p.type === 'create') && typeof p.line.args.value === 'string') infoByValue.set(p.line.args.value, p);
    }
    const hints = new Map<number, number[]>();
    if (infoByValue.size > 0) {
      for (const p of ops) {
        if (!p.definite || p.type !== 'get' || p.outcome.type !== 'ok') continue;
        const v = p.outcome.value;
        const st = p.outcome.stat;
        if (typeof v !== 'string' || !st) continue;
        const w = infoByValue.get(v);
        if (!w) continue;
        const pathOk = w.type === 'set' ? p.path === w.path : isSequentialMode(w.line.args.mode) ? p.path!.startsWith(w.path!) : p.path === w.path;
        if (!pathOk) continue;
        const z = w.type === 'set' ? st.mzxid : st.czxid;
        let xs = hints.get(w.id);
        if (!xs) hints.set(w.id, (xs = []));
        if (!xs.includes(z)) xs.push(z);
      }
    }
    for (const [s, xs] of bySession) {
      let lastZ = -1;
      const ephPaths = new Set<string>();
      for (let i = 0; i < xs.length; i++) {
        const p = xs[i];
        if (p.definite) {
          lastZ = Math.max(lastZ, p.zxid);
          if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) {
            const cp = p.outcome.created_path ?? p.path!;
            ephPaths.add(cp);
            ephPaths.add(parentOf(cp) ?? '/');
          }
          continue;
        }
        if (!p.write) continue;
        if (p.type === 'close_session') continue; // an indeterminate close is the session's end event
        // FIFO: before the session's later writes take effect.
        let hi = this.closedAt.get(s) ?? Infinity;
        for (let j = i + 1; j < xs.length; j++) {
          const q = xs[j];
          if (q.definite && q.write) {
            hi = Math.min(hi, q.zxid);
            break;
          }
        }
        const lo = Math.max(lastZ, committedBefore(p.tInvoke));
        const path = p.path!;
        const parent = parentOf(path) ?? '/';
        const touches = new Set<string>();
        if (p.type === 'set') touches.add(path);
        else {
          if (!(p.type === 'create' && isSequentialMode(p.line.args.mode))) touches.add(path);
          touches.add(parent);
        }
        if (p.type === 'create' && isEphemeralMode(p.line.args.mode)) for (const x of touches) ephPaths.add(x);
        if (hi <= lo + 1) continue; // no zxid left for it: it did not take effect
        let hs = this.sessionHidden.get(s);
        if (!hs) this.sessionHidden.set(s, (hs = []));
        hs.push(this.hidden.length);
        this.hidden.push({ hid: this.hidden.length, kind: 'op', op: p, session: s, lo, hi, touches, hints: hints.get(p.id) ?? [] });
      }
      // An expiry happens after the session last heard from the ensemble; a session with
      // a definite close cannot also expire. Without ephemerals it changes no node.
      if (!this.closedAt.has(s) && ephPaths.size > 0) {
        this.endHid.set(s, this.hidden.length);
        this.hidden.push({ hid: this.hidden.length, kind: 'end', op: null, session: s, lo: lastZ, hi: Infinity, touches: ephPaths, hints: [] });
      }
    }
  }

  private hiddenTxn(hd: Hidden): Txn | null {
    return hd.kind === 'end' ? { type: 'closeSession', session: hd.session } : txnOf(hd.op!);
  }

  /** The guarantees' constraints on a set of placements (each checked lazily on use). */
  private valid(P: Placement): boolean {
    const used = new Set<number>();
    for (const [hid, g] of P) {
      const hd = this.hidden[hid];
      if (!(g > hd.lo && g < hd.hi) || this.knownZ.has(g) || used.has(g)) return false;
      used.add(g);
      if (hd.kind === 'op') {
        // A session's requests take effect before its end.
        const e = this.endHid.get(hd.session);
        const ge = e === undefined ? undefined : P.get(e);
        if (ge !== undefined && g > ge) return false;
      }
    }
    return true;
  }

  /** valid(P changed by d), checking only the constraints the changed events take part in. */
  private validDiff(P: Placement, d: Diff, usedBy: ReadonlyMap<number, number>): boolean {
    const changed = new Map(d);
    const at = (hid: number) => (changed.has(hid) ? changed.get(hid) : P.get(hid));
    const mine = new Set<number>();
    for (const [hid, g] of d) {
      if (g === null) continue;
      const hd = this.hidden[hid];
      if (!(g > hd.lo && g < hd.hi) || this.knownZ.has(g) || mine.has(g)) return false;
      const other = usedBy.get(g);
      if (other !== undefined && other !== hid && !changed.has(other)) return false;
      mine.add(g);
      // A session's requests take effect before its end.
      if (hd.kind === 'op') {
        const e = this.endHid.get(hd.session);
        const ge = e === undefined ? undefined : at(e);
        if (ge !== undefined && ge !== null && g > ge) return false;
      } else {
        for (const o of this.sessionHidden.get(hd.session) ?? []) {
          const go = at(o);
          if (go !== undefined && go !== null && go > g) return false;
        }
      }
    }
    return true;
  }

  // ---- the replay ----------------------------------------------------------------

  private sortedPlacement(P: Placement): { g: number; hd: Hidden }[] {
    return [...P].map(([hid, g]) => ({ g, hd: this.hidden[hid] })).sort((a, b) => a.g - b.g);
  }

  private apply(t: Tree, txn: Txn, zxid: number, time: number): Applied {
    const a = applyTxn(t, txn, { zxid, time });
    if (this.record) for (const tr of a.triggers) this.record.push(tr);
    return a;
  }

  /** Replay from checkpoint `from` (whose snapshot must be valid for P) to the end or the first mismatch. */
  private runFrom(from: number, P: Placement): RunFail | null {
    const cps = this.cps;
    const placed = this.sortedPlacement(P);
    let t = this.snaps[from];
    // Hidden events after checkpoint from-1 (a hidden event at a read's zxid precedes the read).
    let hp = from === 0 ? 0 : lowerBound(placed.map((x) => x.g), cps[from - 1].z + 1);
    for (let i = from; i < cps.length; i++) {
      const c = cps[i];
      while (hp < placed.length && (placed[hp].g < c.z || (c.read && placed[hp].g === c.z))) {
        const { g, hd } = placed[hp++];
        const txn = this.hiddenTxn(hd);
        if (txn) t = this.apply(t, txn, g, UNKNOWN_TIME).tree;
      }
      this.steps++;
      // Fast path: compare without building anything; explain only a mismatch.
      let mismatch: Mismatch | undefined;
      if (c.read) {
        if (!this.readMatches(t, c)) mismatch = this.checkRead(t, c, P).mismatch;
      } else {
        const p = c.op;
        const o = p.outcome;
        const a = this.apply(t, txnOf(p)!, c.z, writeTime(p));
        if (this.writeMatches(a, c)) t = o.type === 'error' && (o.error === 'NOAUTH' || o.error === 'INVALIDACL') ? t : a.tree;
        else {
          const r = this.checkWrite(t, c, P, a);
          mismatch = r.mismatch;
          t = r.tree;
        }
      }
      if (mismatch && !this.forced.has(i)) {
        this.snapP = P;
        this.snapValid = this.keepSnaps ? i : 0;
        return { idx: i, mismatch };
      }
      // Snapshots are only needed to backtrack over hidden-event placements.
      if (this.keepSnaps) this.snaps[i + 1] = t;
    }
    for (; hp < placed.length; hp++) {
      const txn = this.hiddenTxn(placed[hp].hd);
      if (txn) t = this.apply(t, txn, placed[hp].g, UNKNOWN_TIME).tree;
    }
    this.snapP = P;
    this.snapValid = this.keepSnaps ? cps.length : 0;
    return null;
  }

  /** Replay under P, reusing snapshots up to the first zxid where P differs from the last run's. */
  run(P: Placement): RunFail | null {
    let diff = Infinity;
    for (const [hid, g] of P) if (this.snapP.get(hid) !== g) diff = Math.min(diff, g, this.snapP.get(hid) ?? Infinity);
    for (const [hid, g] of this.snapP) if (!P.has(hid)) diff = Math.min(diff, g);
    const from = Math.min(lowerBound(this.cpZ, diff), this.snapValid);
    return this.runFrom(from, P);
  }

  // ---- comparing observations with the model ---------------------------------------

  /** The definite close_session of a session, if it has one. */
  private closerOf(session: string | null): POp | undefined {
    return this.h.ops.find((q) => q.type === 'close_session' && q.session === session && q.definite);
  }

  private ownerClosedAt(owner: string, P: Placement): number | undefined {
    const c = this.closedAt.get(owner);
    if (c !== undefined) return c;
    const e = this.endHid.get(owner);
    return e === undefined ? undefined : P.get(e);
  }

  private writeMatches(a: Applied, c: Checkpoint): boolean {
    const o = c.op.outcome;
    const res = a.result;
    if (o.type === 'error') return o.error === 'NOAUTH' || o.error === 'INVALIDACL' || (!res.ok && res.code === o.error);
    if (!res.ok) return false;
    if (c.op.type === 'create' && o.created_path !== undefined && res.path !== o.created_path) return false;
    return !(o.stat && res.stat && !statSame(res.stat, o.stat));
  }

  private readMatches(t: Tree, c: Checkpoint): boolean {
    const p = c.op;
    const o = p.outcome;
    const path = p.path!;
    const node = getNode(t, path);
    if (o.type === 'error') return o.error !== 'NONODE' || node === null;
    if (this.rootSeeded !== null && this.rootSeeded.startsWith(path)) return false; // the slow path knows the seeded root
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

  /** The explanation of a write mismatch (`a`: the txn applied at its zxid). */
  private checkWrite(t: Tree, c: Checkpoint, P: Placement, a: Applied): { tree: Tree; mismatch?: Mismatch } {
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
      if (o.error === 'NOAUTH' || o.error === 'INVALIDACL') return { tree: t };
      if (res.ok) {
        const why = this.explainOk(t, p);
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
        const closed = this.ownerClosedAt(p.session!, P);
        const g = p.type === 'create' && isEphemeralMode(p.line.args.mode) ? 'ephemeral-lifetime' : 'linearizable-writes';
        return mk(g, `${opDesc(p)} ${at()} succeeded, but its session ${p.session} had ended at zxid ${hex(closed ?? NaN)}.`);
      }
      return mk('linearizable-writes', `${opDesc(p)} ${at()}: expected ${res.code} against the state after every earlier zxid, observed ok.`);
    }
    if (p.type === 'create' && o.created_path !== undefined && res.path !== o.created_path) {
      if (isSequentialMode(p.line.args.mode)) {
        const parent = getNode(t, parentOf(p.path!) ?? '/');
        return mk(
          'sequential-names',
          `${opDesc(p)} ${at()}: the parent's cversion ${parent?.stat.cversion} names the node ${res.path}; observed ${o.created_path}.`,
        );
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
  private explainOk(t: Tree, p: POp): string {
    const n = p.path ? getNode(t, p.path) : null;
    if (p.type === 'create') return n ? '' : ` (${p.path} absent)`;
    if (!n) return '';
    return ` (${p.path} at version ${n.stat.version}, ${n.children.length} children)`;
  }

  private checkRead(t: Tree, c: Checkpoint, P: Placement): { tree: Tree; mismatch?: Mismatch } {
    const p = c.op;
    const o = p.outcome;
    const path = p.path!;
    const node = getNode(t, path);
    let observed: ReadObservation = { present: false };
    let problem: string | null = null;
    if (o.type === 'error') {
      if (o.error !== 'NONODE') return { tree: t }; // NOAUTH etc.: nothing to compare
      if (node) problem = `expected ${path} present (version ${node.stat.version}), observed NONODE`;
    } else if (p.type === 'exists') {
      observed = { present: !!o.exists, stat: o.stat };
      if (!!o.exists !== !!node) problem = node ? `expected ${path} present, observed exists:false` : `expected ${path} absent, observed exists:true`;
      else if (node && o.stat) {
        const d = this.diffFor(path, node.stat, o.stat);
        if (d.length) problem = `stat differs (model vs observed): ${d.join(', ')}`;
      }
    } else {
      observed = { present: true, stat: o.stat };
      if (!node) problem = `expected ${path} absent (NONODE), observed it present`;
      else if (p.type === 'get') {
        if (!sameData(node.data, o.value, o.value_b64)) problem = `expected data ${JSON.stringify(node.data)}, observed ${JSON.stringify(o.value ?? o.value_b64)}`;
        else if (o.stat) {
          const d = this.diffFor(path, node.stat, o.stat);
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
          observed = { ...observed, extraChildren: extra };
        } else if (o.stat) {
          const d = this.diffFor(path, node.stat, o.stat);
          if (d.length) problem = `stat differs (model vs observed): ${d.join(', ')}`;
        }
      }
    }
    if (problem === null) return { tree: t };
    return { tree: t, mismatch: this.classifyRead(t, c, node, observed, problem, P) };
  }

  private diffFor(path: string, model: ModelStat, obs: Stat): string[] {
    if (this.rootSeeded !== null && this.rootSeeded.startsWith(path)) {
      return model.numChildren === obs.numChildren ? [] : [`numChildren ${model.numChildren} vs ${obs.numChildren}`];
    }
    return statDiff(model, obs);
  }

  /**
   * Name the guarantee a read mismatch breaks: state newer than the read's zxid is a
   * read from the future; an ephemeral seen after its owner's end outlived its session;
   * state missing an acknowledged write at or below the read's zxid is a lost write.
   */
  private classifyRead(t: Tree, c: Checkpoint, node: ZNode | null, obs: ReadObservation, problem: string, P: Placement): Mismatch {
    const p = c.op;
    const R = c.z;
    const head = `${opDesc(p)} served at zxid ${hex(R)} must return the tree as of exactly that zxid: ${problem}.`;
    const st = obs.stat ?? null;
    if (st && (st.czxid > R || st.mzxid > R || st.pzxid > R)) {
      return { guarantee: 'read-consistency', ops: [p.id], message: `${head} The observed stat carries a zxid after ${hex(R)} (a read from the future).` };
    }
    if (obs.present && !node && st && isSessionOwner(st.ephemeralOwner)) {
      const closed = this.ownerClosedAt(st.ephemeralOwner, P);
      if (closed !== undefined && closed <= R) {
        const closer = this.closerOf(st.ephemeralOwner);
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
      let made: POp | null = null;
      for (const q of this.h.ops) {
        if (q.type === 'create' && q.definite && q.outcome.type === 'ok' && q.outcome.created_path === child && q.zxid <= R && (!made || q.zxid > made.zxid)) made = q;
      }
      if (made && !isEphemeralMode(made.line.args.mode)) continue;
      const closed = made?.session ? this.ownerClosedAt(made.session, P) : undefined;
      if (made && closed !== undefined && made.zxid < closed && closed <= R) {
        const closer = this.closerOf(made.session);
        return {
          guarantee: 'ephemeral-lifetime',
          ops: closer ? [p.id, made.id, closer.id] : [p.id, made.id],
          message: `${head} ${child} is an ephemeral of session ${made.session} (${opDesc(made)}), which ended at zxid ${hex(closed)}.`,
        };
      }
    }
    const lost = this.lostWrite(t, c, node, obs);
    if (lost) {
      return {
        guarantee: 'linearizable-writes',
        ops: [p.id, lost.id],
        message: `${head} The acknowledged ${opDesc(lost)} at zxid ${hex(lost.zxid)} <= ${hex(R)} is missing (a lost write).`,
      };
    }
    return { guarantee: 'read-consistency', ops: [p.id], message: head };
  }

  /** The acknowledged write (at or below the read's zxid) the observation lacks, if that is what happened. */
  private lostWrite(t: Tree, c: Checkpoint, node: ZNode | null, obs: ReadObservation): POp | null {
    if (!node) return null;
    const st = obs.stat ?? null;
    let z: number | null = null;
    if (!obs.present) z = node.stat.czxid;
    else if (st && st.mzxid < node.stat.mzxid) z = node.stat.mzxid;
    else if (st && st.pzxid < node.stat.pzxid) z = node.stat.pzxid;
    if (z === null) return null;
    const k = lowerBound(this.cpZ, z);
    const w = this.cps[k];
    return w && w.z === z && !w.read && w.op.outcome.type === 'ok' ? w.op : null;
  }

  // ---- search ---------------------------------------------------------------------

  /** Free zxids an observation names: where a hidden event it depends on must sit. */
  private observedZ(c: Checkpoint): number[] {
    const out: number[] = [];
    const st = c.op.outcome.stat;
    if (st) for (const z of [st.czxid, st.mzxid, st.pzxid]) if (!this.knownZ.has(z)) out.push(z);
    if (c.read && !this.knownZ.has(c.z)) out.push(c.z);
    return out;
  }

  private relevant(c: Checkpoint, t: Tree): Hidden[] {
    const p = c.op;
    const paths = new Set<string>();
    if (p.path) {
      paths.add(p.path);
      paths.add(parentOf(p.path) ?? '/');
    }
    const cp = p.outcome.created_path;
    if (cp) paths.add(cp);
    const out: Hidden[] = [];
    for (const hd of this.hidden) {
      let hit = false;
      for (const x of hd.touches) if (paths.has(x)) hit = true;
      if (!hit && hd.kind === 'end') for (const e of ephemeralsOf(t, hd.session)) if (paths.has(e) || paths.has(parentOf(e) ?? '/')) hit = true;
      if (hit) out.push(hd);
    }
    // Events on the observed path itself first, then the most recently invoked.
    return out.sort((a, b) => Number(b.touches.has(p.path ?? '')) - Number(a.touches.has(p.path ?? '')) || b.lo - a.lo);
  }

  /** How far the model state is from explaining checkpoint c (0: it does). Guides the search. */
  private score(t: Tree, c: Checkpoint): number {
    const p = c.op;
    const o = p.outcome;
    if (!c.read) {
      const r = applyTxn(t, txnOf(p)!, { zxid: c.z, time: writeTime(p) }).result;
      if (o.type === 'error') return o.error === 'NOAUTH' || o.error === 'INVALIDACL' ? 0 : r.ok ? 2 : r.code === o.error ? 0 : 1;
      if (!r.ok) return 2;
      let n = p.type === 'create' && o.created_path !== undefined && r.path !== o.created_path ? nameDistance(r.path!, o.created_path) : 0;
      if (o.stat && r.stat) n += statDiffCount(r.stat, o.stat);
      return n;
    }
    const node = getNode(t, p.path!);
    if (o.type === 'error') return o.error === 'NONODE' && node ? 2 : 0;
    if (p.type === 'exists') {
      if (!!o.exists !== !!node) return 2;
      return node && o.stat ? statDiffCount(node.stat, o.stat) : 0;
    }
    if (!node) return 2 + (o.children?.length ?? 0);
    let n = 0;
    if (p.type === 'get' && !sameData(node.data, o.value, o.value_b64)) n++;
    if (p.type === 'children') {
      const obs = new Set(o.children ?? []);
      for (const x of node.children) if (!obs.delete(x)) n++;
      n += obs.size;
    }
    if (o.stat) n += this.rootSeeded !== null && this.rootSeeded.startsWith(p.path!) ? Number(node.stat.numChildren !== o.stat.numChildren) : statDiffCount(node.stat, o.stat);
    return n;
  }

  /**
   * Hidden event hd applied, for scoring, to the state just before the failing
   * checkpoint, which is later than the zxid g it would sit at. Two things of that
   * later state must not decide the score: its session may have ended since (the
   * real placement is before the end, so the write is applied as if still live),
   * and a node's mzxid/pzxid must not move back to g (in zxid order they never do).
   */
  private applyHidden(t: Tree, hd: Hidden, g: number): Tree {
    const txn = this.hiddenTxn(hd);
    if (!txn) return t;
    const revive = hd.kind === 'op' && !pmapHas(t.sessions, hd.session);
    const base: Tree = revive ? { ...t, sessions: pmapSet(t.sessions, hd.session, SSET_EMPTY) } : t;
    let out = applyTxn(base, txn, { zxid: g, time: UNKNOWN_TIME }).tree;
    if (out === base) return t;
    if (revive) out = { ...out, sessions: t.sessions };
    let nodes = out.nodes;
    for (const path of hd.touches) {
      const before = pmapGet(t.nodes, path);
      const after = pmapGet(nodes, path);
      if (!before || !after || after === before) continue;
      const mz = Math.max(before.stat.mzxid, after.stat.mzxid);
      const pz = Math.max(before.stat.pzxid, after.stat.pzxid);
      if (mz !== after.stat.mzxid || pz !== after.stat.pzxid) nodes = pmapSet(nodes, path, { ...after, stat: { ...after.stat, mzxid: mz, pzxid: pz } });
    }
    return nodes === out.nodes ? out : { ...out, nodes };
  }

  /**
   * Where hidden event hd could sit to affect checkpoint c: zxids c names, value hints,
   * the latest free zxid, and the latest free one below each named or taken zxid (so
   * that another event can be the last to touch a node, as its pzxid/mzxid demands).
   */
  private candidates(hd: Hidden, c: Checkpoint, obsZ: readonly number[], taken: ReadonlySet<number>): number[] {
    const upper = c.read ? c.z : c.z - 1;
    const top = Math.min(upper, hd.hi - 1);
    if (top <= hd.lo) return [];
    const out: number[] = [];
    // A zxid another event's observed value pins it to is reserved for that event,
    // unless this observation names it itself.
    const free = (z: number) =>
      !taken.has(z) && !this.knownZ.has(z) && (!this.reserved.has(z) || hd.hints.includes(z) || obsZ.includes(z));
    const add = (z: number) => {
      if (z > hd.lo && z <= top && free(z) && !out.includes(z)) out.push(z);
    };
    const below = (z: number) => {
      for (let g = Math.min(z, top + 1) - 1, n = 0; g > hd.lo && n < 100_000; g--, n++) {
        if (free(g)) return add(g);
      }
    };
    for (const z of obsZ) add(z);
    for (const z of hd.hints) add(z);
    below(top + 1);
    for (const z of obsZ) below(z);
    // Below every zxid the observed stat names (recorded ones too): an event that must
    // not be the node's last change sits before it.
    const st = c.op.outcome.stat;
    if (st) for (const z of [st.czxid, st.mzxid, st.pzxid]) below(z);
    for (const z of taken) if (z <= top + 1) below(z);
    return out;
  }

  /** The state before checkpoint c with extra hidden events applied in zxid order. */
  private withEvents(t0: Tree, evs: readonly { hd: Hidden; g: number }[]): Tree {
    let t = t0;
    for (const e of [...evs].sort((a, b) => a.g - b.g)) t = this.applyHidden(t, e.hd, e.g);
    return t;
  }

  /**
   * Ways to change P so that the failing checkpoint may be explained, most promising
   * first: hidden events (at candidate zxids) chosen greedily by how much closer they
   * bring the model to the observation, then each single improving event, then moving
   * or dropping an already placed event that touches the same paths.
   */
  private options(fail: RunFail, P: Placement): Diff[] {
    const c = this.cps[fail.idx];
    const t0 = this.snaps[fail.idx];
    const obsZ = this.observedZ(c);
    const out: Diff[] = [];
    const seen = new Set<string>();
    const usedBy = new Map<number, number>();
    for (const [hid, g] of P) usedBy.set(g, hid);
    // Q is P changed at a few events; only those changes need validating.
    const push = (Q: Map<number, number | null>) => {
      const d: Diff = [...Q].filter(([hid, g]) => (g === null ? P.has(hid) : P.get(hid) !== g));
      if (d.length === 0) return;
      const k = d.map(([h, g]) => `${h}@${g}`).sort().join(',');
      if (!seen.has(k) && this.validDiff(P, d, usedBy)) {
        seen.add(k);
        out.push(d);
      }
    };
    const rel = this.relevant(c, t0);
    const takenP = new Set(P.values());
    const base = this.score(t0, c);
    // Single events, evaluated on the state just before the checkpoint.
    const singles: { hd: Hidden; g: number; s: number }[] = [];
    for (const hd of rel) {
      if (P.has(hd.hid)) continue;
      for (const g of this.candidates(hd, c, obsZ, takenP)) {
        const s = this.score(this.applyHidden(t0, hd, g), c);
        if (s < base) singles.push({ hd, g, s });
      }
    }
    singles.sort((a, b) => a.s - b.s);
    const composites: { Q: Map<number, number | null>; s: number }[] = [];
    // Greedy composition: several unplaced events may be needed at once (e.g. the
    // expiries of every session whose ephemerals a read no longer sees).
    if (singles.length > 0 && singles[0].s > 0) {
      // Seeded by each of the best few single events (ties are common: which expiry
      // came last is only told by the pzxid once all are in place).
      const seeds = singles.slice(0, 6);
      // Only events that help on their own are combined.
      const useful = [...new Set(singles.map((x) => x.hd))];
      for (const seed of seeds) {
        const Q = new Map<number, number | null>([[seed.hd.hid, seed.g]]);
        const taken = new Set(takenP).add(seed.g);
        const chosen: { hd: Hidden; g: number }[] = [seed];
        let cur = seed.s;
        for (let k = 0; k < 8 && cur > 0; k++) {
          let best: { hd: Hidden; g: number; s: number } | null = null;
          for (const hd of useful) {
            if (Q.has(hd.hid) || P.has(hd.hid)) continue;
            for (const g of this.candidates(hd, c, obsZ, taken)) {
              const s = this.score(this.withEvents(t0, [...chosen, { hd, g }]), c);
              if (s < cur && (!best || s < best.s)) best = { hd, g, s };
            }
          }
          if (!best) break;
          Q.set(best.hd.hid, best.g);
          taken.add(best.g);
          chosen.push(best);
          cur = best.s;
        }
        if (chosen.length > 1) composites.push({ Q, s: cur });
      }
      composites.sort((a, b) => a.s - b.s);
      for (const x of composites) push(x.Q);
    }
    for (const x of singles) push(new Map([[x.hd.hid, x.g]]));
    // Pairs where neither helps alone (a delete and a re-create of the same node).
    if (singles.length === 0 || singles[0].s > 0) {
      const own = rel.filter((hd) => !P.has(hd.hid) && c.op.path !== null && hd.touches.has(c.op.path));
      // Only events on a common node pair up (a create and the delete or expiry that
      // removes it again; the parent alone does not count when listing its children).
      const cpath = c.op.path ?? '';
      const skip = new Set([parentOf(cpath) ?? '/']);
      if (c.op.type === 'children') skip.add(cpath);
      const share = (a: Hidden, b: Hidden) => {
        for (const x of a.touches) if (!skip.has(x) && b.touches.has(x)) return true;
        return false;
      };
      const cands = own.map((hd) => this.candidates(hd, c, obsZ, takenP));
      const pairs: { Q: Map<number, number | null>; s: number }[] = [];
      let budget = 20_000;
      for (let i = 0; i < own.length && budget > 0; i++) {
        if (cands[i].length === 0) continue;
        for (const g1 of cands[i]) {
          for (let j = 0; j < own.length && budget > 0; j++) {
            if (j === i || cands[j].length === 0 || !share(own[i], own[j])) continue;
            for (const g2 of this.candidates(own[j], c, obsZ, new Set(takenP).add(g1))) {
              budget--;
              const s = this.score(this.withEvents(t0, [{ hd: own[i], g: g1 }, { hd: own[j], g: g2 }]), c);
              if (s < base) pairs.push({ Q: new Map([[own[i].hid, g1], [own[j].hid, g2]]), s });
            }
          }
        }
      }
      pairs.sort((a, b) => a.s - b.s);
      for (const x of pairs.slice(0, 16)) push(x.Q);
      // The state just before the checkpoint cannot show an effect that a later recorded
      // txn overwrote (a delete and re-create before the last recorded change): such
      // pairs are tried unscored, a few, last.
      let unscored = 24;
      for (let i = 0; i < own.length && unscored > 0; i++) {
        for (let j = 0; j < own.length && unscored > 0; j++) {
          if (j === i || !share(own[i], own[j])) continue;
          const g1 = cands[i].at(-1);
          const g2 = cands[j].find((g) => g !== g1);
          if (g1 === undefined || g2 === undefined) continue;
          push(new Map([[own[i].hid, g1], [own[j].hid, g2]]));
          unscored--;
        }
      }
    }
    // Displacing: a slot the event needs is held by a placed event, which moves to the
    // nearest free zxid below (lazy placement crowds the zxids just below observations).
    const upper = c.read ? c.z : c.z - 1;
    for (const hd of rel) {
      if (P.has(hd.hid)) continue;
      const top = Math.min(upper, hd.hi - 1);
      const held = [...P].filter(([o, z]) => o !== hd.hid && z > hd.lo && z <= top).sort((a, b) => b[1] - a[1]);
      for (const [o, z] of held.slice(0, 3)) {
        const od = this.hidden[o];
        const others = new Set(takenP);
        others.delete(z);
        const alt = this.candidates(od, { ...c, z: z, read: false }, [], new Set(others).add(z));
        for (const g of alt.slice(0, 2)) push(new Map([[hd.hid, z], [o, g]]));
      }
    }
    // Swapping: a zxid the observation names is held by another placed event (two
    // unrecorded changes in adjacent free zxids, placed in the wrong order).
    for (const hd of rel) {
      const mine = P.get(hd.hid);
      if (mine === undefined) continue;
      for (const z of obsZ) {
        const o = usedBy.get(z);
        if (o === undefined || o === hd.hid || z <= hd.lo || z >= hd.hi) continue;
        push(new Map([[hd.hid, z], [o, mine]]));
      }
    }
    // Moving or dropping what is already placed (effects a snapshot cannot undo cheaply).
    for (const hd of rel) {
      if (!P.has(hd.hid)) continue;
      const others = new Set(takenP);
      others.delete(P.get(hd.hid)!);
      for (const g of this.candidates(hd, c, obsZ, others)) {
        if (P.get(hd.hid) !== g) push(new Map([[hd.hid, g]]));
      }
      push(new Map([[hd.hid, null]]));
    }
    return out;
  }

  /**
   * Find placements explaining every checkpoint, depth-first from P0: `fail` null and
   * the placement on success, else the furthest failure reached and its placement.
   */
  private search(P0: Placement, visited: Set<string>): { fail: RunFail | null; P: Placement; searched: boolean } {
    let res = this.run(P0);
    if (!res) return { fail: null, P: P0, searched: false };
    let best = { fail: res, P: P0 };
    visited.add(sig(P0));
    if (this.hidden.length === 0) return { ...best, searched: false };
    interface Frame {
      base: Placement;
      opts: Diff[];
      next: number;
      idx: number;
    }
    const frames: Frame[] = [{ base: P0, opts: this.options(res, P0), next: 0, idx: res.idx }];
    while (frames.length > 0) {
      if (this.steps > this.budget) return { ...best, searched: true };
      const F = frames[frames.length - 1];
      if (F.next >= F.opts.length) {
        frames.pop();
        continue;
      }
      const P = new Map(F.base);
      for (const [hid, g] of F.opts[F.next++]) {
        if (g === null) P.delete(hid);
        else P.set(hid, g);
      }
      const k = sig(P);
      if (visited.has(k)) continue;
      visited.add(k);
      res = this.run(P);
      if (!res) return { fail: null, P, searched: true };
      if (res.idx > best.fail.idx) best = { fail: res, P };
      // Only options that got at least as far are pursued further: one that breaks an
      // earlier, already explained observation is abandoned (this keeps the search
      // near-linear; it is why the search is bounded rather than complete).
      // Composition at the same observation is bounded: a few events per checkpoint.
      let same = 0;
      for (const f of frames) if (f.idx === res.idx) same++;
      if (res.idx >= F.idx && same < 4) {
        frames.push({ base: P, opts: this.options(res, P), next: 0, idx: res.idx });
        // Backtracking reaches over the last 64 decisions; older ones are kept as made.
        if (frames.length > 64) frames.shift();
      }
    }
    return { ...best, searched: true };
  }

  /** Check everything; report up to `maxViolations` mismatches (later ones often cascade). */
  check(maxViolations = 20): ReplayOutcome {
    const violations: Violation[] = [];
    // Start from the placements observed values pin down.
    let P: Map<number, number> = new Map();
    for (const hd of this.hidden) {
      for (const g of hd.hints) {
        const Q = new Map(P);
        Q.set(hd.hid, g);
        if (this.valid(Q)) {
          P = Q;
          break;
        }
      }
    }
    let searched = false;
    let budgetExhausted = false;
    // The first run records what fires watches; if nothing else runs, that is the final replay.
    this.record = [];
    const before = this.steps;
    for (;;) {
      const r = this.search(P, new Set<string>());
      searched ||= r.searched;
      P = new Map(r.P);
      if (!r.fail) break;
      if (this.steps > this.budget) budgetExhausted = true;
      violations.push({ ...r.fail.mismatch });
      this.forced.add(r.fail.idx);
      if (violations.length >= maxViolations || budgetExhausted) break;
    }
    let triggers = this.record;
    if (searched || violations.length > 0 || this.steps - before !== this.cps.length) {
      // The final replay under the chosen placements.
      this.record = [];
      this.snapValid = 0;
      this.runFrom(0, P);
      triggers = this.record;
    }
    this.record = null;
    const named = new Set<number>();
    if (this.hidden.length > 0) for (const c of this.cps) for (const z of this.observedZ(c)) named.add(z);
    const uncertain = this.hidden.filter((hd) => {
      const g = P.get(hd.hid);
      return g === undefined || !named.has(g);
    });
    return { violations, triggers, hidden: this.hidden, placement: P, uncertain, searched, budgetExhausted, steps: this.steps };
  }
}

function sig(P: Placement): string {
  return [...P]
    .sort((a, b) => a[0] - b[0])
    .map(([h, g]) => `${h}@${g}`)
    .join(',');
}

