// The exhaustive pass of the placement search (search.ts). The search's own options
// are ranked guesses: an event is offered when it brings the failing observation
// closer on its own, and pairs only in a few shapes. Two indeterminate writes that
// only explain an observation together, where one alone breaks an earlier one (a
// create and a delete of a sequential node's sibling before an observed name), or
// where neither alone scores closer (a create and a set whose czxid and mzxid a read
// names), fall through those guesses. So once the guesses at the furthest failing
// checkpoint are used up, this pass offers every change of at most JOINT hidden
// events that could affect it, each added, dropped or moved to any position of
// positions(): that is the stated bound of the search (besides its step budget).
//
// Positions, from the guarantees: a hidden event takes effect at a zxid no recorded
// write uses, inside its window (hidden.ts: after what was committed when it was
// invoked and after its session's earlier ops, before its session's later writes and
// its end), and never at an epoch's zxid 0 (each epoch's txn counter starts at 1).
// Between two zxids that a recorded write uses or an observation names, which free
// zxid an event takes changes nothing but its order among the events there, so the
// two highest free zxids of each such run (not counting those other placed events
// hold) stand for all: either order of two events. Offered: the zxids the failing
// observation names, the event's value hints, and those two of each of the RUNS runs
// just below the observation. Events offered: those that could affect the observation
// (jointChanges), or all of them in a history with at most SMALL hidden events. So a
// history with at most SMALL hidden events and RUNS runs below the observation gets
// every placement that changes at most JOINT events of the search's best one.
// Every such change is still judged: search.ts only skips the replay of one that
// influence.ts shows must fail again at or before the checkpoint (it agrees, on the
// events that can reach the checkpoint it failed at, with a change already replayed
// that failed there), since the pass pursues only changes that get further.
import { lowerBound } from '../../../models/znode/sset.ts';
import { parentOf } from '../../../models/znode/tree.ts';
import type { Checkpoint } from './compare.ts';
import { validDiff, type Diff, type Hidden, type Placement } from './hidden.ts';
import type { Replay, RunFail } from './replay.ts';

/** Hidden events changed together at most. */
const JOINT = 2;
/** Runs of free zxids below the failing observation whose top zxids are offered. */
const RUNS = 8;
/** Up to this many hidden events in the history, every one is offered, whatever it touches. */
const SMALL = 8;

const EPOCH = 2 ** 32;

/** Sorted zxids that split the free ones into runs: recorded writes' and observed ones (cached per replay). */
const splitCache = new WeakMap<Replay, number[]>();
function splits(r: Replay, observed: (c: Checkpoint) => number[]): number[] {
  let xs = splitCache.get(r);
  if (!xs) {
    // The recorded writes' zxids are sorted already; the rest are sorted as numbers and merged in.
    const more: number[] = [...r.reserved];
    for (const c of r.cps) for (const z of observed(c)) more.push(z);
    const extra = Float64Array.from(more).sort();
    const known = r.knownZ.sorted;
    xs = [];
    for (let i = 0, j = 0; i < known.length || j < extra.length; ) {
      const z = j >= extra.length || (i < known.length && known[i] <= extra[j]) ? known[i++] : extra[j++];
      if (xs.length === 0 || xs[xs.length - 1] !== z) xs.push(z);
    }
    splitCache.set(r, xs);
  }
  return xs;
}

/** Where hd may take effect to affect checkpoint c (see the header), highest first. */
function positions(r: Replay, hd: Hidden, c: Checkpoint, named: readonly number[], B: number[], usedBy: ReadonlyMap<number, number>): number[] {
  const top = Math.min(c.read ? c.z : c.z - 1, hd.hi - 1);
  const out: number[] = [];
  const add = (g: number) => {
    if (g > hd.lo && g <= top && g % EPOCH !== 0 && !r.knownZ.has(g) && !out.includes(g)) out.push(g);
  };
  for (const z of named) add(z);
  for (const z of hd.hints) add(z);
  // Runs below top, walking down: the free zxids strictly between B[k-1] and edge.
  let edge = top + 1;
  let k = lowerBound(B, edge);
  for (let runs = 0; runs < RUNS && edge - 1 > hd.lo; k--) {
    const floor = k > 0 ? B[k - 1] : -Infinity;
    const n = out.length;
    // The top JOINT zxids no other placed event holds, and those held on the way.
    for (let g = edge - 1, free = 0; g > floor && g > hd.lo && free < JOINT; g--) {
      if (g % EPOCH === 0) continue;
      add(g);
      const o = usedBy.get(g);
      if (o === undefined || o === hd.hid) free++;
    }
    if (out.length > n) runs++;
    if (floor === -Infinity) break;
    add(floor); // a named free zxid is a position of its own
    edge = floor;
  }
  return out;
}

/** The node paths checkpoint c depends on: its path and every ancestor, and a created node's path. */
function pathsOf(c: Checkpoint): Set<string> {
  const out = new Set<string>();
  for (let x: string | null = c.op.path; x !== null; x = parentOf(x)) out.add(x);
  if (c.op.outcome.created_path) out.add(c.op.outcome.created_path);
  return out;
}

/**
 * Every change of at most JOINT hidden events that could affect checkpoint fail.idx:
 * events touching a node it depends on (an ancestor's create or delete included; a
 * session's end touches its ephemerals and their parents), the end of its own
 * session, and any event holding a zxid one of those may take (so that it can make
 * way). Fewest changed events first.
 */
export function jointChanges(r: Replay, fail: RunFail, P: Placement, observed: (c: Checkpoint) => number[]): Diff[] {
  const c = r.cps[fail.idx];
  const paths = pathsOf(c);
  const named = observed(c);
  const B = splits(r, observed);
  const usedBy = new Map<number, number>();
  for (const [hid, g] of P) usedBy.set(g, hid);
  const own = c.op.session === null ? undefined : r.endHid.get(c.op.session);
  const events: Hidden[] = [];
  for (const hd of r.hidden) {
    let hit = hd.hid === own || r.hidden.length <= SMALL;
    for (const x of hd.touches) if (paths.has(x)) hit = true;
    if (hit) events.push(hd);
  }
  const pos = new Map<number, (number | null)[]>();
  const offer = (hd: Hidden) => {
    const xs: (number | null)[] = positions(r, hd, c, named, B, usedBy).filter((g) => P.get(hd.hid) !== g);
    if (P.has(hd.hid)) xs.push(null);
    pos.set(hd.hid, xs);
  };
  for (const hd of events) offer(hd);
  for (const hd of [...events]) {
    for (const g of pos.get(hd.hid)!) {
      const o = g === null ? undefined : usedBy.get(g);
      if (o !== undefined && !pos.has(o)) {
        events.push(r.hidden[o]);
        offer(r.hidden[o]);
      }
    }
  }
  const out: Diff[] = [];
  // Every choice of n distinct events, each at one of its positions (distinct zxids).
  const choose = (n: number, from: number, d: Diff, used: ReadonlySet<number>) => {
    if (d.length === n) {
      if (validDiff(r, P, d, usedBy)) out.push(d);
      return;
    }
    for (let i = from; i < events.length; i++) {
      for (const g of pos.get(events[i].hid)!) {
        if (g !== null && used.has(g)) continue;
        choose(n, i + 1, [...d, [events[i].hid, g]], g === null ? used : new Set(used).add(g));
      }
    }
  };
  for (let n = 1; n <= JOINT; n++) choose(n, 0, [], new Set());
  return out;
}
