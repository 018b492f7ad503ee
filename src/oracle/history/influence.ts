// Which hidden events can change what a checkpoint observes, found without replaying:
// joint.ts's exhaustive pass skips the replay of a change whose events cannot (it
// would fail again at or before that checkpoint, so it is never pursued).
//
// The state is split into parts, and each txn (recorded write or hidden event, any
// placement, any time) into edges "this part after it depends on those parts before
// it", read off the reference semantics (../reference/apply.ts):
//   E(n): whether node n exists, and its owner; F(n): the rest of its record, its
//   children included; S(s): whether session s is open.
//   create n under p: E(n), F(n) <- S(s), E(p), E(n), and F(p) for a sequential name;
//     F(p) <- the same and F(p) (cversion, child count and pzxid step).
//   delete n: E(n), F(n) <- S(s), E(p), E(n), F(n) (version, children); F(p) <- those and F(p).
//   setData n: F(n) <- S(s), E(n), F(n).
//   closeSession s: S(s) <- nothing; for each node x the session may own (its
//     ephemeral creates): E(x), F(x) <- S(s), E(x); F(parent) <- S(s), E(x), F(parent).
// The children of a parent some sequential create names are one node "*parent" (their
// names are not known in advance). A checkpoint depends on the parts its outcome reads:
// a read on E(n), F(n); a write on every part its edges read. Closing that set under
// the edges whose written part is in it gives every part whose value can reach the
// observation; an event none of whose edges writes into it leaves the observed parts
// as they were, whatever it is moved to (by induction over the txns in zxid order,
// each of which computes those parts from parts of the set only).
import { parentOf } from '../../../models/znode/tree.ts';
import { isEphemeralMode, isSequentialMode, type Checkpoint } from './compare.ts';
import type { Hidden } from './hidden.ts';
import type { POp } from './prepare.ts';
import type { Replay } from './replay.ts';

interface Edge {
  w: string;
  deps: string[];
}

interface Graph {
  /** The node a path's record is kept under ("*parent" for children of sequentially named parents). */
  node: (path: string) => string;
  /** Per written part, the parts each writing edge depends on. */
  writers: Map<string, string[][]>;
  /** Nodes each session may own an ephemeral of. */
  owned: Map<string, Set<string>>;
}

const graphs = new WeakMap<Replay, Graph>();

function graph(r: Replay): Graph {
  let g = graphs.get(r);
  if (g) return g;
  const seqParents = new Set<string>();
  for (const p of r.h.ops) if (p.type === 'create' && p.path !== null && isSequentialMode(p.line.args.mode)) seqParents.add(parentOf(p.path + '1') ?? '/');
  const node = (path: string) => {
    const up = parentOf(path);
    return up !== null && seqParents.has(up) ? `*${up}` : path;
  };
  const owned = new Map<string, Set<string>>();
  for (const p of r.h.ops) {
    if (p.type !== 'create' || p.session === null || p.path === null || !isEphemeralMode(p.line.args.mode)) continue;
    let xs = owned.get(p.session);
    if (!xs) owned.set(p.session, (xs = new Set()));
    xs.add(createdNode(node, p));
  }
  g = { node, writers: new Map(), owned };
  const add = (es: Edge[]) => {
    for (const e of es) {
      const xs = g!.writers.get(e.w);
      if (xs) xs.push(e.deps);
      else g!.writers.set(e.w, [e.deps]);
    }
  };
  for (const c of r.cps) if (!c.read) add(opEdges(g, c.op));
  for (const hd of r.hidden) add(hiddenEdges(g, hd));
  graphs.set(r, g);
  return g;
}

/** The node a create makes (a sequential one: its parent's "*" node). */
function createdNode(node: (path: string) => string, p: POp): string {
  const path = isSequentialMode(p.line.args.mode) ? `${p.path}1` : (p.path as string);
  return node(path);
}

/** The parent of a node ("*p" stands for children of p). */
function parentNode(node: (path: string) => string, n: string): string {
  const path = n.startsWith('*') ? `${n.slice(1)}/x` : n;
  return node(parentOf(path) ?? '/');
}

function closeEdges(g: Graph, session: string): Edge[] {
  const s = `S${session}`;
  const out: Edge[] = [{ w: s, deps: [] }];
  for (const x of g.owned.get(session) ?? []) {
    const up = parentNode(g.node, x);
    out.push({ w: `E${x}`, deps: [s, `E${x}`] }, { w: `F${x}`, deps: [s, `E${x}`] }, { w: `F${up}`, deps: [s, `E${x}`, `F${up}`] });
  }
  return out;
}

function opEdges(g: Graph, p: POp): Edge[] {
  if (p.session === null) return [];
  if (p.type === 'close_session') return closeEdges(g, p.session);
  if (p.path === null) return [];
  const s = `S${p.session}`;
  if (p.type === 'set') {
    const n = g.node(p.path);
    return [{ w: `F${n}`, deps: [s, `E${n}`, `F${n}`] }];
  }
  const n = p.type === 'create' ? createdNode(g.node, p) : g.node(p.path);
  const up = parentNode(g.node, n);
  if (p.type === 'create') {
    const ok = [s, `E${up}`, `E${n}`];
    if (isSequentialMode(p.line.args.mode)) ok.push(`F${up}`);
    return [
      { w: `E${n}`, deps: ok },
      { w: `F${n}`, deps: ok },
      { w: `F${up}`, deps: [...ok, `F${up}`] },
    ];
  }
  if (p.type === 'delete') {
    const ok = [s, `E${up}`, `E${n}`, `F${n}`];
    return [
      { w: `E${n}`, deps: ok },
      { w: `F${n}`, deps: ok },
      { w: `F${up}`, deps: [...ok, `F${up}`] },
    ];
  }
  return [];
}

function hiddenEdges(g: Graph, hd: Hidden): Edge[] {
  return hd.kind === 'end' ? closeEdges(g, hd.session) : opEdges(g, hd.op!);
}

/**
 * Whether hidden event hd can change what checkpoint c observes (see the header): a
 * predicate over hidden events, for one checkpoint.
 */
export function influencers(r: Replay, c: Checkpoint): (hd: Hidden) => boolean {
  const g = graph(r);
  const reach = new Set<string>();
  const todo: string[] = [];
  const need = (k: string) => {
    if (!reach.has(k)) {
      reach.add(k);
      todo.push(k);
    }
  };
  if (c.read) {
    const n = g.node(c.op.path as string);
    need(`E${n}`);
    need(`F${n}`);
  } else for (const e of opEdges(g, c.op)) for (const k of e.deps) need(k);
  while (todo.length > 0) for (const deps of g.writers.get(todo.pop()!) ?? []) for (const k of deps) need(k);
  const memo = new Map<number, boolean>();
  return (hd) => {
    let v = memo.get(hd.hid);
    if (v === undefined) memo.set(hd.hid, (v = hiddenEdges(g, hd).some((e) => reach.has(e.w))));
    return v;
  };
}
