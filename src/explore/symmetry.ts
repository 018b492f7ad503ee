// Node renamings for symmetry reduction: which renamings exist for a model's
// groups of interchangeable nodes, and how the engine's own parts of a world
// (node order, packet ends, timer owners, partition) are renamed. What a model
// keeps inside its states and messages is the model's to rename (Symmetry.permute).
import { makePacket, makeTimer, makeWorld, type World } from '../world.ts';

export function isIdentity(perm: readonly number[]): boolean {
  for (let i = 0; i < perm.length; i++) if (perm[i] !== i) return false;
  return true;
}

/** Every permutation of `xs`, as arrays of the same elements. */
export function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [xs.slice()];
  const out: number[][] = [];
  for (let i = 0; i < xs.length; i++) {
    const rest = xs.slice(0, i).concat(xs.slice(i + 1));
    for (const p of permutations(rest)) out.push([xs[i], ...p]);
  }
  return out;
}

/**
 * The node renamings symmetry reduction tries: every combination of a
 * permutation within each group, as perm[old id] = new id, identity first.
 */
export function groupPermutations(n: number, groups: readonly (readonly number[])[]): number[][] {
  let perms: number[][] = [Array.from({ length: n }, (_, i) => i)];
  for (const g of groups) {
    if (g.length < 2) continue;
    const next: number[][] = [];
    for (const base of perms) {
      for (const order of permutations(g)) {
        const p = base.slice();
        for (let k = 0; k < g.length; k++) p[g[k]] = order[k];
        next.push(p);
      }
    }
    perms = next;
  }
  return perms;
}

/**
 * Rename nodes in the parts of a world the engine owns: node and durable order,
 * packet ends, timer owners and the partition. Packet ids and order stay as
 * they are (the fingerprint does not read them). What a model keeps inside its
 * states, messages and ghost is the model's to rewrite (Symmetry.permute).
 */
export function permuteEngineParts<W extends World>(w: W, perm: readonly number[]): W {
  const n = w.nodes.length;
  // Built in order, not by index into a preallocated (holey) array, and timers
  // by makeTimer as the scheduler's are: the worlds the pass permutes share their
  // maps with every other world (see EMPTY in src/scheduler.ts).
  const inverse: number[] = [];
  for (let i = 0; i < n; i++) inverse[perm[i]] = i;
  const nodes: unknown[] = [];
  const durable: unknown[] = [];
  for (let j = 0; j < n; j++) {
    nodes.push(w.nodes[inverse[j]]);
    durable.push(w.durable[inverse[j]]);
  }
  const net = w.net.map((pk) => (perm[pk.from] === pk.from && perm[pk.to] === pk.to ? pk : makePacket(pk.id, perm[pk.from], perm[pk.to], pk.msg, pk.down)));
  const timers = w.timers.map((t) => (perm[t.node] === t.node ? t : makeTimer(perm[t.node], t.name)));
  let partition = 0;
  for (let i = 0; i < n; i++) if ((w.partition >>> i) & 1) partition |= 1 << perm[i];
  return makeWorld(w.step, nodes, durable, w.disk, w.io, net, timers, partition, w.used, w.nextId, w.pending, w.ghost) as W;
}
