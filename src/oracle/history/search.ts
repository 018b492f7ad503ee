// The bounded search for placements of hidden events (see replay.ts's header for the
// strategy): which events are relevant to a failing observation, where they could sit,
// how close each option brings the model to the observation, and the depth-first
// exploration with backtracking over the last 64 decisions under a step budget, which
// ends with joint.ts's exhaustive pass at the furthest failing observation.
import { parentOf } from '../../../models/znode/tree.ts';
import { refApply, refEphemerals, refGet, refPut, type RefTree as Tree } from '../reference/index.ts';
import { isAclRefusal, isSequentialMode, nameDistance, sameData, statDiffCount, txnOf, UNKNOWN_TIME, writeTime, type Checkpoint } from './compare.ts';
import { hiddenTxn, validDiff, type Diff, type Hidden, type Placement } from './hidden.ts';
import { influencers } from './influence.ts';
import { jointChanges } from './joint.ts';
import type { Replay, RunFail } from './replay.ts';

/** Free zxids an observation names: where a hidden event it depends on must sit. */
export function observedZ(r: Replay, c: Checkpoint): number[] {
  const out: number[] = [];
  const st = c.op.outcome.stat;
  if (st) for (const z of [st.czxid, st.mzxid, st.pzxid]) if (!r.knownZ.has(z)) out.push(z);
  if (c.read && !r.knownZ.has(c.z)) out.push(c.z);
  return out;
}

function relevant(r: Replay, c: Checkpoint, t: Tree): Hidden[] {
  const p = c.op;
  const paths = new Set<string>();
  if (p.path) {
    paths.add(p.path);
    paths.add(parentOf(p.path) ?? '/');
  }
  const cp = p.outcome.created_path;
  if (cp) paths.add(cp);
  const out: Hidden[] = [];
  for (const hd of r.hidden) {
    let hit = false;
    for (const x of hd.touches) if (paths.has(x)) hit = true;
    if (!hit && hd.kind === 'end') for (const e of refEphemerals(t, hd.session)) if (paths.has(e) || paths.has(parentOf(e) ?? '/')) hit = true;
    if (hit) out.push(hd);
  }
  // Events on the observed path itself first, then the most recently invoked.
  return out.sort((a, b) => Number(b.touches.has(p.path ?? '')) - Number(a.touches.has(p.path ?? '')) || b.lo - a.lo);
}

/** How far the model state is from explaining checkpoint c (0: it does). Guides the search. */
function score(r: Replay, t: Tree, c: Checkpoint): number {
  const p = c.op;
  const o = p.outcome;
  if (!c.read) {
    const res = refApply(t, txnOf(p)!, { zxid: c.z, time: writeTime(p) }).result;
    if (o.type === 'error') return isAclRefusal(o) ? 0 : res.ok ? 2 : res.code === o.error ? 0 : 1;
    if (!res.ok) return 2;
    let n = p.type === 'create' && o.created_path !== undefined && res.path !== o.created_path ? nameDistance(res.path!, o.created_path) : 0;
    if (o.stat && res.stat) n += statDiffCount(res.stat, o.stat);
    return n;
  }
  const node = refGet(t, p.path!);
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
  if (o.stat) n += r.rootSeeded !== null && r.rootSeeded.startsWith(p.path!) ? Number(node.stat.numChildren !== o.stat.numChildren) : statDiffCount(node.stat, o.stat);
  return n;
}

/**
 * Hidden event hd applied, for scoring, to the state just before the failing
 * checkpoint, which is later than the zxid g it would sit at. Two things of that
 * later state must not decide the score: its session may have ended since (the
 * real placement is before the end, so the write is applied as if still live),
 * and a node's mzxid/pzxid must not move back to g (in zxid order they never do).
 */
function applyHidden(r: Replay, t: Tree, hd: Hidden, g: number): Tree {
  const txn = hiddenTxn(hd);
  if (!txn) return t;
  const revive = hd.kind === 'op' && !t.sessions.has(hd.session);
  const base: Tree = revive ? { ...t, sessions: new Set(t.sessions).add(hd.session) } : t;
  let out = refApply(base, txn, { zxid: g, time: UNKNOWN_TIME }).tree;
  if (out === base) return t;
  if (revive) out = { ...out, sessions: t.sessions };
  for (const path of hd.touches) {
    const before = t.nodes.get(path);
    const after = out.nodes.get(path);
    if (!before || !after || after === before) continue;
    const mzxid = Math.max(before.mzxid, after.mzxid);
    const pzxid = Math.max(before.pzxid, after.pzxid);
    if (mzxid !== after.mzxid || pzxid !== after.pzxid) out = refPut(out, path, { ...after, mzxid, pzxid });
  }
  return out;
}

/**
 * Where hidden event hd could sit to affect checkpoint c: zxids c names, value hints,
 * the latest free zxid, and the latest free one below each named or taken zxid (so
 * that another event can be the last to touch a node, as its pzxid/mzxid demands).
 */
function candidates(r: Replay, hd: Hidden, c: Checkpoint, obsZ: readonly number[], taken: ReadonlySet<number>): number[] {
  const upper = c.read ? c.z : c.z - 1;
  const top = Math.min(upper, hd.hi - 1);
  if (top <= hd.lo) return [];
  const out: number[] = [];
  // A zxid another event's observed value pins it to is reserved for that event,
  // unless this observation names it itself.
  const free = (z: number) => !taken.has(z) && !r.knownZ.has(z) && (!r.reserved.has(z) || hd.hints.includes(z) || obsZ.includes(z));
  const add = (z: number) => {
    if (z > hd.lo && z <= top && free(z) && !out.includes(z)) out.push(z);
  };
  const below = (z: number) => {
    const g = scanDown(r, Math.min(z, top + 1) - 1, hd.lo, free);
    if (g !== undefined) add(g);
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

/** The nearest zxid below z that hidden event hd may take (free, in its window), if any. */
function freeBelow(r: Replay, hd: Hidden, z: number, taken: ReadonlySet<number>): number | undefined {
  return scanDown(r, Math.min(z, hd.hi) - 1, hd.lo, (g) => !taken.has(g) && !r.knownZ.has(g) && (!r.reserved.has(g) || hd.hints.includes(g)));
}

/**
 * The first zxid g from `start` down (above `floor`, at most 100,000 below start)
 * with ok(g), where ok holds of no recorded write's zxid: those are skipped a run
 * at a time.
 */
function scanDown(r: Replay, start: number, floor: number, ok: (g: number) => boolean): number | undefined {
  if (!Number.isFinite(start)) return start > floor && ok(start) ? start : undefined;
  const last = start - 99_999;
  for (let g = r.unknownAtOrBelow(start); g > floor && g >= last; g = r.unknownAtOrBelow(g - 1)) if (ok(g)) return g;
  return undefined;
}

/** The state before checkpoint c with extra hidden events applied in zxid order. */
function withEvents(r: Replay, t0: Tree, evs: readonly { hd: Hidden; g: number }[]): Tree {
  let t = t0;
  for (const e of [...evs].sort((a, b) => a.g - b.g)) t = applyHidden(r, t, e.hd, e.g);
  return t;
}

/**
 * Ways to change P so that the failing checkpoint may be explained, most promising
 * first: hidden events (at candidate zxids) chosen greedily by how much closer they
 * bring the model to the observation, then each single improving event, then moving
 * or dropping an already placed event that touches the same paths. Made as the search
 * asks for them, a kind at a time (most failures are explained by the first few): the
 * state they are scored on is the one before the checkpoint when the run failed.
 */
function options(r: Replay, fail: RunFail, P: Placement): Iterator<Diff> {
  return optionsAt(r, r.cps[fail.idx], r.stateBefore(fail.idx), P);
}

function* optionsAt(r: Replay, c: Checkpoint, t0: Tree, P: Placement): Generator<Diff> {
  const obsZ = observedZ(r, c);
  const seen = new Set<string>();
  const usedBy = new Map<number, number>();
  for (const [hid, g] of P) usedBy.set(g, hid);
  // Q is P changed at a few events; only those changes need validating.
  // The change Q makes, unless it is empty, already offered or breaks a constraint.
  const take = (Q: Map<number, number | null>): Diff | null => {
    const d: Diff = [...Q].filter(([hid, g]) => (g === null ? P.has(hid) : P.get(hid) !== g));
    if (d.length === 0) return null;
    const k = diffSig(d);
    if (seen.has(k) || !validDiff(r, P, d, usedBy)) return null;
    seen.add(k);
    return d;
  };
  const rel = relevant(r, c, t0);
  const takenP = new Set(P.values());
  const base = score(r, t0, c);
  // Single events, evaluated on the state just before the checkpoint.
  const singles: { hd: Hidden; g: number; s: number }[] = [];
  for (const hd of rel) {
    if (P.has(hd.hid)) continue;
    for (const g of candidates(r, hd, c, obsZ, takenP)) {
      const s = score(r, applyHidden(r, t0, hd, g), c);
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
          for (const g of candidates(r, hd, c, obsZ, taken)) {
            const s = score(r, withEvents(r, t0, [...chosen, { hd, g }]), c);
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
    for (const x of composites) {
      const d = take(x.Q);
      if (d) yield d;
    }
  }
  for (const x of singles) {
    const d = take(new Map([[x.hd.hid, x.g]]));
    if (d) yield d;
  }
  // Pairs where neither helps alone (a delete and a re-create of the same node).
  if (singles.length === 0 || singles[0].s > 0) {
    const cpath = c.op.path ?? '';
    const cparent = parentOf(cpath) ?? '/';
    // Events on the observed node, and creates of its parent: a node whose create
    // and whose parent's create are both indeterminate needs the two together.
    const createsParent = (hd: Hidden) => hd.op !== null && hd.op.type === 'create' && hd.op.path === cparent;
    const own = rel.filter((hd) => !P.has(hd.hid) && c.op.path !== null && (hd.touches.has(c.op.path) || createsParent(hd)));
    // Only events on a common node pair up (a create and the delete or expiry that
    // removes it again; the parent alone does not count when listing its children),
    // or a node's create with a create under it (the child's needs the parent's).
    const skip = new Set([cparent]);
    if (c.op.type === 'children') skip.add(cpath);
    const nests = (a: Hidden, b: Hidden) => a.op?.type === 'create' && b.op?.type === 'create' && !isSequentialMode(a.op.line.args.mode) && parentOf(b.op.path ?? '') === a.op.path;
    const share = (a: Hidden, b: Hidden) => {
      if (nests(a, b) || nests(b, a)) return true;
      for (const x of a.touches) if (!skip.has(x) && b.touches.has(x)) return true;
      return false;
    };
    const cands = own.map((hd) => candidates(r, hd, c, obsZ, takenP));
    const pairs: { Q: Map<number, number | null>; s: number }[] = [];
    let budget = 20_000;
    for (let i = 0; i < own.length && budget > 0; i++) {
      if (cands[i].length === 0) continue;
      for (const g1 of cands[i]) {
        for (let j = 0; j < own.length && budget > 0; j++) {
          if (j === i || cands[j].length === 0 || !share(own[i], own[j])) continue;
          for (const g2 of candidates(r, own[j], c, obsZ, new Set(takenP).add(g1))) {
            budget--;
            const s = score(
              r,
              withEvents(r, t0, [
                { hd: own[i], g: g1 },
                { hd: own[j], g: g2 },
              ]),
              c,
            );
            if (s < base)
              pairs.push({
                Q: new Map([
                  [own[i].hid, g1],
                  [own[j].hid, g2],
                ]),
                s,
              });
          }
        }
      }
    }
    pairs.sort((a, b) => a.s - b.s);
    for (const x of pairs.slice(0, 16)) {
      const d = take(x.Q);
      if (d) yield d;
    }
    // The state just before the checkpoint cannot show an effect that a later recorded
    // txn overwrote (a delete and re-create before the last recorded change): such
    // pairs are tried unscored, a few, last.
    let unscored = 24;
    for (let i = 0; i < own.length && unscored > 0; i++) {
      for (let j = 0; j < own.length && unscored > 0; j++) {
        if (j === i || !share(own[i], own[j])) continue;
        const g1 = cands[i].at(-1);
        if (g1 === undefined) continue;
        // The other event at another candidate, and at the nearest free zxid below
        // g1 (when the candidates offer only the latest free zxid, the two must
        // still sit in adjacent slots, j first).
        const g2s = [cands[j].find((g) => g !== g1), freeBelow(r, own[j], g1, takenP)];
        for (const g2 of new Set(g2s)) {
          if (g2 === undefined || unscored <= 0) continue;
          const d = take(
            new Map([
              [own[i].hid, g1],
              [own[j].hid, g2],
            ]),
          );
          if (d) yield d;
          unscored--;
        }
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
      const od = r.hidden[o];
      const others = new Set(takenP);
      others.delete(z);
      const alt = candidates(r, od, { ...c, z: z, read: false }, [], new Set(others).add(z));
      for (const g of alt.slice(0, 2)) {
        const d = take(
          new Map([
            [hd.hid, z],
            [o, g],
          ]),
        );
        if (d) yield d;
      }
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
      const d = take(
        new Map([
          [hd.hid, z],
          [o, mine],
        ]),
      );
      if (d) yield d;
    }
  }
  // Moving or dropping what is already placed (effects a snapshot cannot undo cheaply).
  for (const hd of rel) {
    if (!P.has(hd.hid)) continue;
    const others = new Set(takenP);
    others.delete(P.get(hd.hid)!);
    for (const g of candidates(r, hd, c, obsZ, others)) {
      if (P.get(hd.hid) === g) continue;
      const d = take(new Map([[hd.hid, g]]));
      if (d) yield d;
    }
    const dropped = take(new Map([[hd.hid, null]]));
    if (dropped) yield dropped;
    // Exchanging: another indeterminate write in its place, at its zxid (an earlier
    // observation needed some write there, not necessarily this one: two sequential
    // creates' counts are equally explained by either of two lost creates).
    const g = P.get(hd.hid)!;
    for (const od of rel) {
      if (od.kind === 'op' && od !== hd && !P.has(od.hid)) {
        const d = take(
          new Map([
            [hd.hid, null],
            [od.hid, g],
          ]),
        );
        if (d) yield d;
      }
    }
  }
}

/**
 * Find placements explaining every checkpoint, depth-first from P0: `fail` null and
 * the placement on success, else the furthest failure reached and its placement.
 */
export function search(r: Replay, P0: Placement, visited: Set<string>): { fail: RunFail | null; P: Placement; searched: boolean } {
  let res = r.run(P0);
  if (!res) return { fail: null, P: P0, searched: false };
  let best = { fail: res, P: P0 };
  visited.add(sig(P0));
  if (r.hidden.length === 0) return { ...best, searched: false };
  const joint = new Set<number>();
  interface Frame {
    base: Placement;
    /** The changes still to try, in order. */
    opts: Iterator<Diff>;
    idx: number;
    /** The exhaustive pass's frame: only an option that gets further is pursued. */
    joint: boolean;
    /**
     * In the exhaustive pass's frame, per checkpoint some option failed at (idx: the
     * base did): the hidden events that can change what it observes (influence.ts),
     * and the changes of those (diffSig) under which it failed.
     */
    fails?: Map<number, { affects: (hd: Hidden) => boolean; sigs: Set<string> }>;
  }
  const frames: Frame[] = [{ base: P0, opts: options(r, res, P0), idx: res.idx, joint: false }];
  for (;;) {
    while (frames.length > 0) {
      if (r.steps > r.budget) return { ...best, searched: true };
      const F = frames[frames.length - 1];
      const next = F.opts.next();
      if (next.done) {
        frames.pop();
        continue;
      }
      const P = new Map(F.base);
      const d = next.value;
      for (const [hid, g] of d) {
        if (g === null) P.delete(hid);
        else P.set(hid, g);
      }
      const k = sig(P);
      if (visited.has(k)) continue;
      visited.add(k);
      // What a checkpoint observes depends only on the changes of events that can reach
      // it (influence.ts): a change that agrees on those with one that failed there
      // fails again at or before it, and that is at or before idx, so the exhaustive
      // pass would not pursue it: it is not replayed.
      if (F.fails && knownToFail(r, F.fails, d)) continue;
      res = r.run(P);
      if (F.fails && res && res.idx <= F.idx) {
        let at = F.fails.get(res.idx);
        if (!at) F.fails.set(res.idx, (at = { affects: influencers(r, r.cps[res.idx]), sigs: new Set() }));
        at.sigs.add(reachingSig(r, at.affects, d));
      }
      if (!res) return { fail: null, P, searched: true };
      if (res.idx > best.fail.idx) best = { fail: res, P };
      // Only options that got at least as far are pursued further: one that breaks an
      // earlier, already explained observation is abandoned (this keeps the search
      // near-linear; it is why the guesses are bounded rather than complete).
      // Composition at the same observation is bounded: a few events per checkpoint.
      let same = 0;
      for (const f of frames) if (f.idx === res.idx) same++;
      if (F.joint ? res.idx > F.idx : res.idx >= F.idx && same < 4) {
        frames.push({ base: P, opts: options(r, res, P), idx: res.idx, joint: false });
        // Backtracking reaches over the last 64 decisions; older ones are kept as made.
        if (frames.length > 64) frames.shift();
      }
    }
    // The guesses are used up: every change of a few events at the furthest failing
    // checkpoint (joint.ts), once per checkpoint reached.
    if (joint.has(best.fail.idx)) return { ...best, searched: true };
    joint.add(best.fail.idx);
    const opts = jointChanges(r, best.fail, best.P, (c) => observedZ(r, c));
    frames.push({
      base: best.P,
      opts: opts[Symbol.iterator](),
      idx: best.fail.idx,
      joint: true,
      fails: new Map([[best.fail.idx, { affects: influencers(r, r.cps[best.fail.idx]), sigs: new Set(['']) }]]),
    });
  }
}

/** The part of change d made of events that `affects` admits, as a signature. */
function reachingSig(r: Replay, affects: (hd: Hidden) => boolean, d: Diff): string {
  return diffSig(d.filter(([hid]) => affects(r.hidden[hid])));
}

/** Whether change d agrees, on the events that reach some checkpoint, with a change that failed there. */
function knownToFail(r: Replay, fails: ReadonlyMap<number, { affects: (hd: Hidden) => boolean; sigs: ReadonlySet<string> }>, d: Diff): boolean {
  for (const at of fails.values()) if (at.sigs.has(reachingSig(r, at.affects, d))) return true;
  return false;
}

function diffSig(d: Diff): string {
  return d
    .map(([h, g]) => `${h}@${g}`)
    .sort()
    .join(',');
}

function sig(P: Placement): string {
  return [...P]
    .sort((a, b) => a[0] - b[0])
    .map(([h, g]) => `${h}@${g}`)
    .join(',');
}
