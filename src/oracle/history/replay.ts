// Replays the history through the reference semantics of the znode tree
// (../reference: the oracle's own specification, not the model's step code) in
// zxid order and demands that every write's outcome and every read's returned
// state is explained by it.
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
// and moves of events already placed. The replay resumes from the snapshot before the
// earliest changed zxid (tree versions share structure; one is kept every SNAP_EVERY
// checkpoints), and once it reaches the state an earlier run had at a snapshot, with
// the same events placed ahead, it goes on from that run's furthest snapshot. Choices
// are explored depth-first; an option that breaks an observation already explained is
// not pursued, and backtracking reaches over the last 64 decisions. Once those guesses
// are used up at the furthest failing observation, an exhaustive pass (joint.ts) tries
// every change of at most two hidden events that could affect it, each added, dropped
// or moved to a zxid the observation names or to the top two free zxids of each of the
// 8 runs of free zxids below it. That, and the whole search's step budget, is the
// bound: the verdict says whether the budget ran out.
//
// The pieces: compare.ts (the fast per-checkpoint comparison), explain.ts (naming the
// guarantee a mismatch breaks), hidden.ts (hidden events and their windows) and
// search.ts and joint.ts (the placement search); this file keeps the checkpoints, the snapshots and
// the replay loop.
import { lowerBound } from '../../../models/znode/sset.ts';
import { parentOf, type Txn, type WatchTrigger } from '../../../models/znode/tree.ts';
// Judged by the oracle's own specification of the tree (../reference), not the model's step code.
import { refApply, refEmpty, refGet, refSame, type RefApplied as Applied, type RefTree as Tree } from '../reference/index.ts';
import { isAclRefusal, OpCheckpoint, readMatches, txnOf, UNKNOWN_TIME, writeMatches, writeTime, type Checkpoint, type Mismatch } from './compare.ts';
import { checkRead, checkWrite } from './explain.ts';
import { buildHidden, hiddenTxn, valid, type Hidden, type Placement } from './hidden.ts';
import type { POp, Prepared } from './prepare.ts';
import { search } from './search.ts';
import type { Violation } from './types.ts';

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

/** A run of the replay: its placement, and the checkpoint it failed at (cps.length: none). */
interface RunRecord {
  readonly P: Placement;
  valid: number;
}

export interface RunFail {
  idx: number;
  mismatch: Mismatch;
}

/** Checkpoints between two kept snapshots. */
const SNAP_EVERY = 64;

export class Replay {
  readonly cps: Checkpoint[] = [];
  readonly cpZ: number[] = [];
  readonly hidden: Hidden[] = [];
  private known: KnownZxids | null = null;
  /** zxids of recorded (definite) writes: a hidden event cannot take one of them (built when first searched). */
  get knownZ(): KnownZxids {
    this.known ??= new KnownZxids(this.cps);
    return this.known;
  }
  /**
   * The largest zxid <= z that is not a recorded write's (z itself if it is free of
   * them): the search's downward scans for a free zxid skip a run of known ones in
   * one step, where every zxid of a dense history is a recorded write's.
   */
  unknownAtOrBelow(z: number): number {
    return this.knownZ.freeAtOrBelow(z);
  }
  private okWrites: Map<string, POp[]> | null = null;
  /** The definite successful creates (by created path) and deletes of `path`, in history order (indexed when first asked: only explanations ask). */
  okWritesTo(path: string): readonly POp[] {
    if (!this.okWrites) {
      this.okWrites = new Map();
      for (const q of this.h.ops) {
        if (!q.definite || q.outcome.type !== 'ok') continue;
        const at = q.type === 'create' ? q.outcome.created_path : q.type === 'delete' ? q.path : undefined;
        if (at === undefined || at === null) continue;
        const xs = this.okWrites.get(at);
        if (xs) xs.push(q);
        else this.okWrites.set(at, [q]);
      }
    }
    return this.okWrites.get(path) ?? [];
  }
  /** Definite close_session zxid per session. */
  readonly closedAt = new Map<string, number>();
  readonly endHid = new Map<string, number>();
  /** Zxids an observed unique value pins some hidden write to. */
  readonly reserved = new Set<number>();
  /** Hidden op events per session (each must precede the session's end). */
  readonly sessionHidden = new Map<string, number[]>();
  readonly initial: Tree;
  /** The state before each checkpoint (kept only when there are hidden events to place). */
  readonly snaps: Tree[];
  /** The state before the checkpoint the last run failed at, for the search's scoring. */
  private failBase: { idx: number; tree: Tree } | null = null;
  private snapP: Placement = new Map();
  /**
   * Per segment of SNAP_EVERY checkpoints (k: checkpoints from k*SNAP_EVERY), the run
   * whose replay made its watch triggers and the snapshot after it (a run passing a
   * segment rewrites both; one failing in it, some of its triggers).
   */
  private segOwner: (RunRecord | undefined)[] = [];
  private snapValid = 0;
  private readonly forced = new Set<number>();
  steps = 0;
  budget: number;
  /**
   * The watched paths' triggers per checkpoint (slot i: the hidden events placed
   * before checkpoint i and its own write; the last slot: hidden events after every
   * checkpoint), kept while check() runs. Slots below `slotsValid` hold what a
   * replay under the last run's placement makes there, for the reason its
   * snapshots do: a run resumes only where the placement changed.
   */
  private slots: (WatchTrigger[] | undefined)[] | null = null;
  private slot = 0;
  private slotsValid = 0;
  /** The placement of the last run, when it reached the end. */
  private completeP: Placement | null = null;
  /** Paths some op watched: the only triggers the watch checks read (the rest is not kept). */
  private readonly watched = new Set<string>();
  /** The root, when the run found it existing (its stats are unknown). */
  readonly rootSeeded: string | null;
  private readonly keepSnaps: boolean;

  constructor(
    readonly h: Prepared,
    budget?: number,
  ) {
    const ops = h.ops;
    for (const p of ops) if (p.line.watch_registered && p.path !== null) this.watched.add(p.path);
    for (const p of ops) {
      if (!p.definite || p.session === null) continue;
      if (p.write) {
        this.cps.push(new OpCheckpoint(p));
        if (p.type === 'close_session' && !this.closedAt.has(p.session)) this.closedAt.set(p.session, p.zxid);
      } else if (p.type === 'get' || p.type === 'exists' || p.type === 'children') {
        this.cps.push(new OpCheckpoint(p));
      }
    }
    // zxid, then writes before reads at the same zxid (a read at Z sees txn Z).
    this.cps.sort((a, b) => a.z - b.z || Number(a.read) - Number(b.read) || a.op.tInvoke - b.op.tInvoke);
    for (const c of this.cps) this.cpZ.push(c.z);
    this.budget = budget ?? Math.max(2_000_000, 40 * this.cps.length);

    // Sessions are live from the start: createSession txns are not recorded and change
    // no node, so creating them all up front only lets the model accept their writes.
    let t = refEmpty();
    const sessions = new Set<string>();
    for (const p of ops) if (p.session !== null) sessions.add(p.session);
    for (const s of sessions) t = refApply(t, { type: 'createSession', session: s }, { zxid: 0, time: UNKNOWN_TIME }).tree;
    // "root: every path lives under it; empty at start". If no op creates it, it existed
    // before the run: seed it (and its ancestors) with stats we cannot know.
    const root = h.meta.root;
    const createsRoot = ops.some((p) => p.type === 'create' && p.path === root);
    this.rootSeeded = null;
    if (!createsRoot && root !== '/') {
      const seedSession = '0x7fffffffffffffff';
      t = refApply(t, { type: 'createSession', session: seedSession }, { zxid: 0, time: UNKNOWN_TIME }).tree;
      const parts = root.split('/').filter(Boolean);
      let path = '';
      for (const part of parts) {
        path += '/' + part;
        if (!refGet(t, path)) {
          t = refApply(t, { type: 'create', path, data: null, mode: 'PERSISTENT', session: seedSession }, { zxid: 0, time: UNKNOWN_TIME }).tree;
        }
      }
      this.rootSeeded = root;
    }
    this.initial = t;
    buildHidden(this);
    this.keepSnaps = this.hidden.length > 0;
    // Without hidden events every run starts from the beginning: only the first state is kept.
    this.snaps = this.keepSnaps ? new Array<Tree>(this.cps.length + 1) : [];
    this.txns = this.keepSnaps ? [] : null;
    this.replayed = this.keepSnaps ? new Uint8Array(this.cps.length) : null;
    this.snaps[0] = t;
    for (const hd of this.hidden) for (const z of hd.hints) this.reserved.add(z);
  }

  // ---- the replay ----------------------------------------------------------------

  private sortedPlacement(P: Placement): { g: number; hd: Hidden }[] {
    return [...P].map(([hid, g]) => ({ g, hd: this.hidden[hid] })).sort((a, b) => a.g - b.g);
  }

  private apply(t: Tree, txn: Txn, zxid: number, time: number): Applied {
    const a = refApply(t, txn, { zxid, time });
    const slots = this.slots;
    if (slots && a.tree !== t && this.mayFire(txn, a)) for (const tr of a.triggers) if (this.watched.has(tr.path)) (slots[this.slot] ??= []).push(tr);
    return a;
  }

  /**
   * Whether txn's triggers can name a watched path: a trigger names a node the txn
   * created, deleted or wrote, or that node's parent (changes.ts), so a txn whose
   * nodes and parents nobody watched fires nothing the watch checks read, and its
   * triggers are not computed.
   */
  private mayFire(txn: Txn, a: Applied): boolean {
    const w = this.watched;
    const near = (path: string) => w.has(path) || w.has(parentOf(path) ?? '/');
    const res = a.result;
    switch (txn.type) {
      case 'create':
        return res.ok && res.path !== undefined ? near(res.path) : true;
      case 'delete':
      case 'setData':
        return near(txn.path);
      case 'closeSession':
        return res.ok && res.deleted !== undefined ? res.deleted.some(near) : true;
      default:
        return true;
    }
  }

  /**
   * The txn of write checkpoint i, and of hidden event hd: kept once the search
   * replays a checkpoint a second time (most are replayed once: keeping every one
   * would hold 180,000 txns of a large history through the check), and for every
   * hidden event.
   */
  private readonly txns: Txn[] | null;
  private readonly replayed: Uint8Array | null;
  private readonly hiddenTxns: (Txn | null)[] = [];

  private txnAt(i: number): Txn {
    if (this.txns === null || this.replayed === null) return txnOf(this.cps[i].op)!;
    const kept = this.txns[i];
    if (kept !== undefined) return kept;
    const txn = txnOf(this.cps[i].op)!;
    if (this.replayed[i] === 1) this.txns[i] = txn;
    else this.replayed[i] = 1;
    return txn;
  }

  private hiddenTxn(hd: Hidden): Txn | null {
    let txn = this.hiddenTxns[hd.hid];
    if (txn === undefined) this.hiddenTxns[hd.hid] = txn = hiddenTxn(hd);
    return txn;
  }

  /** Replay from checkpoint `from` (whose snapshot must be valid for P) to the end or the first mismatch. */
  private runFrom(from: number, P: Placement): RunFail | null {
    const cps = this.cps;
    const placed = this.sortedPlacement(P);
    const gs = placed.map((x) => x.g);
    const cur: RunRecord = { P, valid: from };
    const owner = this.keepSnaps ? this.segOwner : null;
    let t = this.snaps[from];
    // Hidden events after checkpoint from-1 (a hidden event at a read's zxid precedes the read).
    let hp = from === 0 ? 0 : lowerBound(gs, cps[from - 1].z + 1);
    if (this.slots) {
      this.slotsValid = Math.min(this.slotsValid, from);
      this.completeP = null;
    }
    for (let i = from; i < cps.length; i++) {
      const c = cps[i];
      const before = t;
      if (this.slots) this.slots[(this.slot = i)] = undefined;
      while (hp < placed.length && (placed[hp].g < c.z || (c.read && placed[hp].g === c.z))) {
        const { g, hd } = placed[hp++];
        const txn = this.hiddenTxn(hd);
        if (txn) t = this.apply(t, txn, g, UNKNOWN_TIME).tree;
      }
      this.steps++;
      // Fast path: compare without building anything; explain only a mismatch.
      let mismatch: Mismatch | undefined;
      if (c.read) {
        if (!readMatches(t, c, this.rootSeeded)) mismatch = checkRead(this, t, c, P).mismatch;
      } else {
        const p = c.op;
        const o = p.outcome;
        const a = this.apply(t, this.txnAt(i), c.z, writeTime(p));
        if (writeMatches(a, c)) t = isAclRefusal(o) ? t : a.tree;
        else {
          const r = checkWrite(this, t, c, P, a);
          mismatch = r.mismatch;
          t = r.tree;
        }
      }
      if (mismatch && !this.forced.has(i)) {
        cur.valid = i;
        if (owner) owner[Math.floor(i / SNAP_EVERY)] = cur;
        this.snapP = P;
        this.snapValid = this.keepSnaps ? i : 0;
        this.failBase = { idx: i, tree: before };
        if (this.slots) this.slotsValid = i;
        return { idx: i, mismatch };
      }
      // Snapshots are only needed to backtrack over hidden-event placements, and only
      // every SNAP_EVERY checkpoints: a run resumes from the one before where it must,
      // replaying the few checkpoints between (tree versions share structure, but one
      // per checkpoint would still hold every checkpoint's changed paths at once).
      if (owner && (i + 1) % SNAP_EVERY === 0) {
        const b = i + 1;
        const J = b > from ? this.convergedUpTo(b, t, P, c.z) : b;
        for (let k = b / SNAP_EVERY - 1; k < J / SNAP_EVERY; k++) owner[k] = cur;
        if (J > b) {
          t = this.snaps[J];
          i = J - 1;
          hp = lowerBound(gs, cps[J - 1].z + 1);
        } else this.snaps[b] = t;
      }
    }
    if (this.slots) this.slots[(this.slot = cps.length)] = undefined;
    for (; hp < placed.length; hp++) {
      const txn = this.hiddenTxn(placed[hp].hd);
      if (txn) t = this.apply(t, txn, placed[hp].g, UNKNOWN_TIME).tree;
    }
    cur.valid = cps.length;
    if (owner) owner[Math.floor(cps.length / SNAP_EVERY)] = cur;
    this.snapP = P;
    this.snapValid = this.keepSnaps ? cps.length : 0;
    if (this.slots) {
      this.slotsValid = cps.length + 1;
      this.completeP = P;
    }
    return null;
  }

  /**
   * Where a run under P that reached state t at snapshot boundary b (after checkpoint
   * b-1, at zxid z) may go on from: b itself, or a later boundary J when an earlier
   * run R left its own snapshot at b in the same state (records and sessions) and
   * placed the same hidden events from z up to J. Every txn's outcome, watch triggers
   * included, is a function of the state it applies to, so this run would replay
   * exactly what R did up to J: R's snapshots and recorded triggers there stand for
   * its own. Candidates of the search mostly differ in events whose effect a later
   * write overwrites, after which their replays agree with one already made.
   */
  private convergedUpTo(b: number, t: Tree, P: Placement, z: number): number {
    const owner = this.segOwner;
    const R = owner[b / SNAP_EVERY - 1];
    if (R === undefined || R.valid < b + SNAP_EVERY) return b;
    // The zxid of the first hidden event above z that P and R place differently.
    let d = Infinity;
    for (const [hid, g] of P) if (g > z && g < d && R.P.get(hid) !== g) d = g;
    for (const [hid, g] of R.P) if (g > z && g < d && P.get(hid) !== g) d = g;
    // Snapshot J holds the events at or below checkpoint J-1's zxid: J-1 < the first checkpoint at or above d.
    const lim = Math.min(R.valid, d === Infinity ? Infinity : lowerBound(this.cpZ, d));
    let J = b;
    while (J + SNAP_EVERY <= lim && owner[J / SNAP_EVERY] === R) J += SNAP_EVERY;
    return J > b && refSame(this.snaps[b], t) ? J : b;
  }

  /** Replay under P, reusing snapshots up to the first zxid where P differs from the last run's. */
  run(P: Placement): RunFail | null {
    let diff = Infinity;
    for (const [hid, g] of P) if (this.snapP.get(hid) !== g) diff = Math.min(diff, g, this.snapP.get(hid) ?? Infinity);
    for (const [hid, g] of this.snapP) if (!P.has(hid)) diff = Math.min(diff, g);
    const from = Math.min(lowerBound(this.cpZ, diff), this.snapValid);
    return this.runFrom(from - (from % SNAP_EVERY), P);
  }

  /** The state just before checkpoint `idx`, where the last run failed (hidden events placed before it not applied). */
  stateBefore(idx: number): Tree {
    if (this.failBase === null || this.failBase.idx !== idx) throw new Error(`no state kept before checkpoint ${idx}`);
    return this.failBase.tree;
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
        if (valid(this, Q)) {
          P = Q;
          break;
        }
      }
    }
    let searched = false;
    let budgetExhausted = false;
    // Every run records what fires watches, per checkpoint; when the last one reached
    // the end under the chosen placement, that is the final replay.
    this.slots = new Array(this.cps.length + 1);
    this.segOwner = [];
    this.slotsValid = 0;
    for (;;) {
      const r = search(this, P, new Set<string>());
      searched ||= r.searched;
      P = new Map(r.P);
      if (!r.fail) break;
      if (this.steps > this.budget) budgetExhausted = true;
      violations.push({ ...r.fail.mismatch });
      this.forced.add(r.fail.idx);
      if (violations.length >= maxViolations || budgetExhausted) break;
    }
    // Up to where the final replay went (all of it unless it stopped at a mismatch).
    let upto = this.cps.length;
    if (this.completeP === null || !samePlacement(this.completeP, P)) {
      // The final replay under the chosen placements.
      this.snapValid = 0;
      upto = this.runFrom(0, P)?.idx ?? upto;
    }
    const triggers: WatchTrigger[] = [];
    for (let i = 0; i <= upto; i++) for (const tr of this.slots[i] ?? []) triggers.push(tr);
    this.slots = null;
    // The placed zxids some observation names (observedZ: a stat's zxids, a read's own;
    // a placed zxid is never a recorded write's).
    const placedAt = new Set(P.values());
    const named = new Set<number>();
    if (placedAt.size > 0) {
      const note = (z: number) => {
        if (placedAt.has(z)) named.add(z);
      };
      for (const c of this.cps) {
        const st = c.op.outcome.stat;
        if (st) {
          note(st.czxid);
          note(st.mzxid);
          note(st.pzxid);
        }
        if (c.read) note(c.z);
      }
    }
    const uncertain = this.hidden.filter((hd) => {
      const g = P.get(hd.hid);
      return g === undefined || !named.has(g);
    });
    return { violations, triggers, hidden: this.hidden, placement: P, uncertain, searched, budgetExhausted, steps: this.steps };
  }
}

function samePlacement(a: Placement, b: Placement): boolean {
  if (a.size !== b.size) return false;
  for (const [hid, g] of a) if (b.get(hid) !== g) return false;
  return true;
}

/**
 * The zxids of recorded writes, ascending (read off the checkpoints, which are in
 * zxid order): a binary search answers whether one is taken, and for each the first
 * of the run of consecutive taken zxids it ends lets a downward scan skip the run.
 */
export class KnownZxids {
  readonly sorted: number[] = [];
  private readonly runFrom: number[] = [];

  constructor(cps: readonly Checkpoint[]) {
    const zs = this.sorted;
    for (const c of cps) if (!c.read && (zs.length === 0 || zs[zs.length - 1] !== c.z)) zs.push(c.z);
    for (let i = 0; i < zs.length; i++) this.runFrom.push(i > 0 && zs[i - 1] === zs[i] - 1 ? this.runFrom[i - 1] : i);
  }

  has(z: number): boolean {
    const i = lowerBound(this.sorted, z);
    return i < this.sorted.length && this.sorted[i] === z;
  }

  /** The largest zxid <= z that is not taken. */
  freeAtOrBelow(z: number): number {
    const zs = this.sorted;
    const i = lowerBound(zs, z);
    return i < zs.length && zs[i] === z ? zs[this.runFrom[i]] - 1 : z;
  }
}
