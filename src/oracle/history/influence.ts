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

/** A part of the state: E(n), F(n) or S(s), as a number (see parts). */
type Part = number;

interface Edge {
  w: Part;
  deps: Part[];
}

const E = 0;
const F = 1;
const S = 2;

interface Graph {
  /** The node a path's record is kept under ("*parent" for children of sequentially named parents). */
  node: (path: string) => string;
  /** Part `kind` of node or session `key`. */
  part: (kind: number, key: string) => Part;
  /** Per written part, the parts each writing edge depends on. */
  writers: Map<Part, Part[][]>;
  /** Nodes each session may own an ephemeral of. */
  owned: Map<string, Set<string>>;
  /** Each hidden event's edges (by hid), made once. */
  hiddenEdges: Edge[][];
}

const graphs = new WeakMap<Replay, Graph>();

function graph(r: Replay): Graph {
  const g = graphs.get(r);
  if (g) return g;
  const seqParents = new Set<string>();
  for (const p of r.h.ops) if (p.type === 'create' && p.path !== null && isSequentialMode(p.line.args.mode)) seqParents.add(parentOf(p.path + '1') ?? '/');
  const nodes = new Map<string, string>();
  const node = (path: string) => {
    let n = nodes.get(path);
    if (n === undefined) {
      const up = parentOf(path);
      n = up !== null && seqParents.has(up) ? `*${up}` : path;
      nodes.set(path, n);
    }
    return n;
  };
  // Nodes and sessions get small numbers; a part is 3 * number + kind (node strings
  // start with "/" or "*", session ids with "0x": the two never meet).
  const ids = new Map<string, number>();
  const part = (kind: number, key: string) => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return 3 * id + kind;
  };
  const owned = new Map<string, Set<string>>();
  for (const p of r.h.ops) {
    if (p.type !== 'create' || p.session === null || p.path === null || !isEphemeralMode(p.line.args.mode)) continue;
    let xs = owned.get(p.session);
    if (!xs) owned.set(p.session, (xs = new Set()));
    xs.add(createdNode(node, p));
  }
  const gr: Graph = { node, part, writers: new Map(), owned, hiddenEdges: [] };
  const add = (es: Edge[]) => {
    for (const e of es) {
      const xs = gr.writers.get(e.w);
      if (xs) xs.push(e.deps);
      else gr.writers.set(e.w, [e.deps]);
    }
  };
  for (const c of r.cps) if (!c.read) add(opEdges(gr, c.op));
  for (const hd of r.hidden) add((gr.hiddenEdges[hd.hid] = hd.kind === 'end' ? closeEdges(gr, hd.session) : opEdges(gr, hd.op!)));
  graphs.set(r, gr);
  return gr;
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
  const s = g.part(S, session);
  const out: Edge[] = [{ w: s, deps: [] }];
  for (const x of g.owned.get(session) ?? []) {
    const up = g.part(F, parentNode(g.node, x));
    const ex = g.part(E, x);
    out.push({ w: ex, deps: [s, ex] }, { w: g.part(F, x), deps: [s, ex] }, { w: up, deps: [s, ex, up] });
  }
  return out;
}

function opEdges(g: Graph, p: POp): Edge[] {
  if (p.session === null) return [];
  if (p.type === 'close_session') return closeEdges(g, p.session);
  if (p.path === null) return [];
  const s = g.part(S, p.session);
  if (p.type === 'set') {
    const n = g.node(p.path);
    const fn = g.part(F, n);
    return [{ w: fn, deps: [s, g.part(E, n), fn] }];
  }
  const n = p.type === 'create' ? createdNode(g.node, p) : g.node(p.path);
  const up = parentNode(g.node, n);
  const [en, fn, eu, fu] = [g.part(E, n), g.part(F, n), g.part(E, up), g.part(F, up)];
  if (p.type === 'create') {
    const ok = [s, eu, en];
    if (isSequentialMode(p.line.args.mode)) ok.push(fu);
    return [
      { w: en, deps: ok },
      { w: fn, deps: ok },
      { w: fu, deps: [...ok, fu] },
    ];
  }
  if (p.type === 'delete') {
    const ok = [s, eu, en, fn];
    return [
      { w: en, deps: ok },
      { w: fn, deps: ok },
      { w: fu, deps: [...ok, fu] },
    ];
  }
  return [];
}

/**
 * Whether hidden event hd can change what checkpoint c observes (see the header): a
 * predicate over hidden events, for one checkpoint.
 */
export function influencers(r: Replay, c: Checkpoint): (hd: Hidden) => boolean {
  const g = graph(r);
  const reach = new Set<Part>();
  const todo: Part[] = [];
  const need = (k: Part) => {
    if (!reach.has(k)) {
      reach.add(k);
      todo.push(k);
    }
  };
  if (c.read) {
    const n = g.node(c.op.path as string);
    need(g.part(E, n));
    need(g.part(F, n));
  } else for (const e of opEdges(g, c.op)) for (const k of e.deps) need(k);
  while (todo.length > 0) for (const deps of g.writers.get(todo.pop()!) ?? []) for (const k of deps) need(k);
  const memo = new Map<number, boolean>();
  return (hd) => {
    let v = memo.get(hd.hid);
    if (v === undefined) memo.set(hd.hid, (v = g.hiddenEdges[hd.hid].some((e) => reach.has(e.w))));
    return v;
  };
}
