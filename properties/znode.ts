// What must hold of ZooKeeper's data tree and watches, checked after every step
// of the znode protocol (one server, client sessions over FIFO links). The
// invariants read the server's tree and the txns it applied (with the trees
// before and after each), the clients' states, and a ghost that keeps history
// the world forgets. The ghost does not take the model's word for what a txn
// did: it replays every applied txn through the reference semantics
// (src/oracle/reference, no code shared with models/znode), so the stat fields,
// sequential names and ephemerals a txn sequence must produce, and the watch
// triggers it must fire (read off the reference tree before and after each op),
// come from outside the code under test. It also keeps every session closed or
// expired, every ephemeral created, and the last sequential suffix per parent.
import * as fc from 'fast-check';
import type { Invariant, Probe, Protocol } from '../src/protocol.ts';
import type { World } from '../src/world.ts';
import { budgetSchema, lazySchema, parseWith } from '../src/config.ts';
import {
  isClient,
  ZNODE_MUTANTS,
  znodeModel,
  type AppliedTxn,
  type ClientState,
  type OpItem,
  type ServerState,
  type SubOp,
  type ZMsg,
  type ZnodeConfig,
  type ZObs,
  type ZOp,
  type ZRequest,
  type ZState,
} from '../models/znode/index.ts';
import { znodeRender } from '../models/znode/render.ts';
import { pmapForEach, pmapGet, pmapHas } from '../models/znode/pmap.ts';
import { isSessionOwned, refApply, refEmpty, refGet, type RefApplied, type RefTree } from '../src/oracle/reference/index.ts';
import {
  CREATE_MODES,
  FIRED_KINDS,
  forEachNode,
  getNode,
  isSequential,
  nameOf,
  parentOf,
  paths,
  sequenceOf,
  treeEquals,
  utf8Length,
  type CreateMode,
  type Stat,
  type Tree,
  type Txn,
  type TxnResult,
  type WatchTrigger,
} from '../models/znode/tree.ts';

/** One applied txn as the reference semantics did it, with the reference tree before it. */
export interface SpecStep {
  readonly before: RefTree;
  readonly r: RefApplied;
}

export interface ZnodeGhost {
  /** The reference tree after every txn the server applied, replayed in zxid order. */
  spec: RefTree;
  /** The server's last step's txns, as the reference did them (aligned with ServerState.applied). */
  specSteps: readonly SpecStep[];
  /** Every watch trigger the reference tree's changes call for, in zxid order. */
  due: readonly WatchTrigger[];
  /** Every session ephemeral the applied txns created: its path, create zxid and owner. */
  ephemerals: readonly { readonly path: string; readonly czxid: number; readonly session: string }[];
  /** Sessions closed or expired. */
  closed: readonly string[];
  /** Last sequential suffix per parent incarnation ("path@czxid": a re-created parent starts again). */
  seqLast: Readonly<Record<string, number>>;
  reaped: boolean;
  expiredReaped: boolean;
  fired: boolean;
  seq: boolean;
  multiFailed: boolean;
  badVersion: boolean;
  noChildrenForEphemerals: boolean;
  containerSwept: boolean;
}

type W = World<ZState, ZMsg, ZnodeGhost>;

function initGhost(): ZnodeGhost {
  return {
    spec: refEmpty(),
    specSteps: [],
    due: [],
    ephemerals: [],
    closed: [],
    seqLast: {},
    reaped: false,
    expiredReaped: false,
    fired: false,
    seq: false,
    multiFailed: false,
    badVersion: false,
    noChildrenForEphemerals: false,
    containerSwept: false,
  };
}

/** The names a txn's sequential creates got, in op order (none when it failed). */
function seqNames(txn: Txn, r: TxnResult): string[] {
  if (!r.ok) return [];
  const made: string[] = [];
  if (txn.type === 'create' && isSequential(txn.mode) && r.path) made.push(r.path);
  if (txn.type === 'multi' && r.results) {
    txn.ops.forEach((op, i) => {
      const res = r.results![i];
      if (op.type === 'create' && isSequential(op.mode) && res.type === 'create') made.push(res.path);
    });
  }
  return made;
}

/** The sequential nodes a txn created, with the parent incarnation each went under. */
function seqCreates(a: AppliedTxn): { path: string; parent: string; key: string; n: number }[] {
  const made = seqNames(a.txn, a.result);
  const out: { path: string; parent: string; key: string; n: number }[] = [];
  for (const path of made) {
    const parent = parentOf(path) as string;
    const pn = getNode(a.after, parent) ?? getNode(a.before, parent);
    out.push({ path, parent, key: `${parent}@${pn?.stat.czxid ?? -1}`, n: sequenceOf(nameOf(path)) ?? Number.NaN });
  }
  return out;
}

function codes(a: AppliedTxn): string[] {
  const r = a.result;
  const out: string[] = r.ok ? [] : [r.code];
  for (const x of r.results ?? []) if (x.type === 'error') out.push(x.code);
  return out;
}

function updateGhost(g: ZnodeGhost, node: number, s: ZState | null, obs: readonly ZObs[] | undefined): ZnodeGhost {
  let out = g;
  if (node === 0 && s !== null && s.role === 'server' && s.applied.length > 0) {
    const expired = obs?.some((o) => o.t === 'session' && o.event === 'expired') ?? false;
    let due: WatchTrigger[] | null = null;
    let ephemerals: ZnodeGhost['ephemerals'][number][] | null = null;
    let seqLast: Record<string, number> | null = null;
    let closed: string[] | null = null;
    let spec = g.spec;
    const specSteps: SpecStep[] = [];
    for (const a of s.applied) {
      // The server's clock moves with every txn; ctime and mtime are not compared.
      const r = refApply(spec, a.txn, { zxid: a.zxid, time: a.zxid });
      specSteps.push({ before: spec, r });
      for (const t of r.triggers) {
        (due ??= g.due.slice()).push(t);
        const n = t.type === 'NodeCreated' ? r.tree.nodes.get(t.path) : undefined;
        if (n !== undefined && isSessionOwned(n)) (ephemerals ??= g.ephemerals.slice()).push({ path: t.path, czxid: n.czxid, session: n.owner });
      }
      spec = r.tree;
      if (a.txn.type === 'closeSession') {
        (closed ??= g.closed.slice()).push(a.txn.session);
        if (a.result.ok && (a.result.deleted?.length ?? 0) > 0) out = { ...out, reaped: true, expiredReaped: out.expiredReaped || expired };
      }
      for (const c of seqCreates(a)) {
        (seqLast ??= { ...g.seqLast })[c.key] = c.n;
        if (!out.seq) out = { ...out, seq: true };
      }
      const cs = codes(a);
      if (a.txn.type === 'multi' && !a.result.ok && !out.multiFailed) out = { ...out, multiFailed: true };
      if (cs.includes('BADVERSION') && !out.badVersion) out = { ...out, badVersion: true };
      if (cs.includes('NOCHILDRENFOREPHEMERALS') && !out.noChildrenForEphemerals) out = { ...out, noChildrenForEphemerals: true };
      if (a.txn.type === 'deleteContainer' && a.result.ok && !out.containerSwept) out = { ...out, containerSwept: true };
    }
    out = { ...out, spec, specSteps };
    if (due !== null) out = { ...out, due };
    if (ephemerals !== null) out = { ...out, ephemerals };
    if (seqLast !== null) out = { ...out, seqLast };
    if (closed !== null) out = { ...out, closed };
  }
  if (node > 0 && obs !== undefined && !out.fired && obs.some((o) => o.t === 'event' && o.fired > 0)) out = { ...out, fired: true };
  return out;
}

function server(w: W): ServerState {
  return w.nodes[0] as ServerState;
}

/** The txns the server applied in the step from prev to w (none when the server did not step). */
function appliedNow(w: W, prev: W): readonly AppliedTxn[] {
  const s = server(w);
  return s === prev.nodes[0] ? [] : s.applied;
}

/** The server's txns of this step, each with the reference's doing of it (the ghost replayed them as the server stepped). */
function appliedWithSpec(w: W, prev: W): { a: AppliedTxn; spec: SpecStep }[] {
  const now = appliedNow(w, prev);
  return now.map((a, i) => ({ a, spec: w.ghost.specSteps[i] }));
}

function eachNodeOnce(w: W, prev: W, f: (t: Tree) => string | null): string | null {
  const t = server(w).tree;
  // The tree only changes when the server steps; unchanged trees were checked already.
  if (w.step > 0 && t === server(prev).tree) return null;
  return f(t);
}

function changedClients(w: W, prev: W, f: (id: number, c: ClientState, before: ClientState | null) => string | null): string | null {
  for (let i = 1; i < w.nodes.length; i++) {
    const c = w.nodes[i];
    if (c === prev.nodes[i] || !isClient(c)) continue;
    const b = prev.nodes[i];
    const m = f(i, c, isClient(b) ? b : null);
    if (m !== null) return m;
  }
  return null;
}

export function znodeInvariants(_cfg: ZnodeConfig): Invariant<W>[] {
  return [
    {
      name: 'ParentExists',
      description: 'every znode but "/" has its parent in the tree',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          let bad: string | null = null;
          forEachNode(t, (p) => {
            const parent = parentOf(p);
            if (bad === null && parent !== null && getNode(t, parent) === null) bad = `${p} exists but its parent ${parent} does not`;
          });
          return bad;
        }),
    },
    {
      name: 'EphemeralNoChildren',
      description: 'a node the applied txns created as a session ephemeral never has children (NOCHILDRENFOREPHEMERALS)',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          const spec = w.ghost.spec;
          let bad: string | null = null;
          forEachNode(t, (p, n) => {
            if (bad !== null || n.children.length === 0) return;
            // The owner as the txn sequence gives it, for the same incarnation of the node.
            const r = spec.nodes.get(p);
            if (r !== undefined && r.czxid === n.stat.czxid && isSessionOwned(r)) bad = `ephemeral ${p} (created by session ${r.owner} at zxid ${r.czxid}) has children [${n.children.join(',')}]`;
          });
          return bad;
        }),
    },
    {
      name: 'EphemeralsVanishWithSession',
      description: 'once a session is closed or expired, no ephemeral the applied txns created for it remains',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          const closed = w.ghost.closed;
          if (closed.length === 0) return null;
          for (const e of w.ghost.ephemerals) {
            if (!closed.includes(e.session)) continue;
            const n = getNode(t, e.path);
            if (n !== null && n.stat.czxid === e.czxid) return `ephemeral ${e.path} (created at zxid ${e.czxid}) outlived its session ${e.session}, which was closed or expired`;
          }
          return null;
        }),
    },
    {
      name: 'SequentialIncreasing',
      description:
        "a sequential node's 10-digit suffix is the number of children its parent had created before it, as the sequence of applied txns gives it, and strictly exceeds every earlier suffix under that parent",
      check(w, prev) {
        const last: Record<string, number> = { ...prev.ghost.seqLast };
        for (const { a, spec } of appliedWithSpec(w, prev)) {
          const want = seqNames(a.txn, spec.r.result);
          const made = seqCreates(a);
          if (made.length !== want.length) return `zxid ${a.zxid}: the txn created [${made.map((c) => c.path).join(',')}], but replaying the applied txns gives [${want.join(',')}]`;
          for (let i = 0; i < made.length; i++) {
            const c = made[i];
            if (!Number.isFinite(c.n)) return `${c.path} has no 10-digit sequence suffix`;
            if (c.path !== want[i]) return `${c.path} at zxid ${a.zxid}: the children ${c.parent} had created before it make that ${want[i]}`;
            const prior = last[c.key];
            if (prior !== undefined && c.n <= prior) return `${c.path} at zxid ${a.zxid}: suffix ${c.n} does not exceed the previous suffix ${prior} under ${c.parent}`;
            last[c.key] = c.n;
          }
        }
        return null;
      },
    },
    {
      name: 'VersionsOnlyGrow',
      description:
        "a node's version, cversion, aversion, mzxid and pzxid never decrease; a data write (as the reference tree's changes show it) bumps version, a child added or removed bumps cversion",
      check(w, prev) {
        for (const { a, spec } of appliedWithSpec(w, prev)) {
          if (a.after === a.before) continue;
          // Which nodes the txn wrote: the reference tree's changes, not the model's stats.
          const written = new Set<string>();
          for (const t of spec.r.triggers) if (t.type === 'NodeDataChanged') written.add(t.path);
          let bad: string | null = null;
          forEachNode(a.after, (p, n) => {
            if (bad !== null) return;
            const b = getNode(a.before, p);
            if (b === null || b.stat.czxid !== n.stat.czxid) return;
            const x = b.stat;
            const y = n.stat;
            const at = `${p} at zxid ${a.zxid}`;
            if (y.version < x.version || y.cversion < x.cversion || y.aversion < x.aversion)
              bad = `${at}: versions went back (version ${x.version}->${y.version}, cversion ${x.cversion}->${y.cversion}, aversion ${x.aversion}->${y.aversion})`;
            else if (y.mzxid < x.mzxid || y.pzxid < x.pzxid) bad = `${at}: zxids went back (mzxid ${x.mzxid}->${y.mzxid}, pzxid ${x.pzxid}->${y.pzxid})`;
            else if (written.has(p) && y.version === x.version) bad = `${at}: setData wrote it but version stayed ${y.version}`;
            else if (b.children !== n.children && (b.children.length !== n.children.length || b.children.some((c, i) => c !== n.children[i])) && y.cversion === x.cversion) {
              bad = `${at}: children changed ([${b.children.join(',')}] -> [${n.children.join(',')}]) but cversion stayed ${y.cversion}`;
            }
          });
          if (bad !== null) return bad;
        }
        return null;
      },
    },
    {
      name: 'ConditionalWrites',
      description: 'a setData or delete with an expected version succeeds only if the node had that version, and BADVERSION only if it did not',
      check(w, prev) {
        for (const { a, spec } of appliedWithSpec(w, prev)) {
          const t = a.txn;
          if ((t.type !== 'setData' && t.type !== 'delete') || t.version === -1) continue;
          // The version the node had by the applied txns, not by the model's stat.
          const n = spec.before.nodes.get(t.path);
          if (a.result.ok && (n === undefined || n.version !== t.version)) return `zxid ${a.zxid}: ${t.type} ${t.path} expecting version ${t.version} succeeded on version ${n?.version}`;
          if (!a.result.ok && a.result.code === 'BADVERSION' && n !== undefined && n.version === t.version)
            return `zxid ${a.zxid}: ${t.type} ${t.path} got BADVERSION although the version was ${t.version}`;
        }
        return null;
      },
    },
    {
      name: 'MultiAtomic',
      description: 'a multi that fails changes nothing',
      check(w, prev) {
        for (const a of appliedNow(w, prev)) {
          if (a.txn.type === 'multi' && !a.result.ok && !treeEquals(a.before, a.after)) return `zxid ${a.zxid}: multi failed with ${a.result.code} but changed the tree`;
        }
        return null;
      },
    },
    {
      name: 'WatchFiresOnce',
      description: 'every notification a client gets consumes a live registration: a watch fires at most once per registration',
      check: (w, prev) => changedClients(w, prev, (id, c, b) => (c.orphans > (b?.orphans ?? 0) ? `c${id} got a notification that matched no live watch registration (a watch fired twice)` : null)),
    },
    {
      name: 'WatchBeforeData',
      description: 'a client receives the watch event before any reply that reflects the change that fired it (the changes as the reference tree before and after each txn shows them)',
      check: (w, prev) =>
        changedClients(w, prev, (id, c, b) => {
          if (b === null || c.replies === b.replies) return null;
          const z = c.replyZxid;
          for (const g of c.regs) {
            for (const t of w.ghost.due) {
              if (t.zxid > g.at && t.zxid <= z && t.path === g.path && FIRED_KINDS[t.type].includes(g.kind)) {
                return `c${id} got a reply at zxid ${z} while its ${g.kind} watch on ${g.path} (set at zxid ${g.at}) still waited for the ${t.type} of zxid ${t.zxid}`;
              }
            }
          }
          return null;
        }),
    },
    // Last: it compares the whole tree with the reference replay, which any tree slip breaks.
    {
      name: 'StatConsistent',
      description:
        "czxid <= mzxid and pzxid; zxids <= the last txn; numChildren and dataLength match the children and the data; every child was created at or before its parent pzxid; and every node's data, children and stat (czxid, mzxid, pzxid, version, cversion, aversion, ephemeralOwner, dataLength, numChildren) are what the sequence of applied txns gives, replayed through the reference semantics",
      check(w, prev) {
        const t = server(w).tree;
        // Unchanged since the last check on both sides: the model's tree and the reference replay.
        if (w.step > 0 && t === server(prev).tree && w.ghost.spec === prev.ghost.spec) return null;
        const zxid = server(w).zxid;
        let bad: string | null = null;
        forEachNode(t, (p, n) => {
          if (bad !== null) return;
          const s = n.stat;
          if (s.czxid > s.mzxid || s.czxid > s.pzxid) bad = `${p}: czxid ${s.czxid} above mzxid ${s.mzxid} or pzxid ${s.pzxid}`;
          else if (s.mzxid > zxid || s.pzxid > zxid) bad = `${p}: mzxid ${s.mzxid} / pzxid ${s.pzxid} beyond the last txn ${zxid}`;
          else if (s.numChildren !== n.children.length) bad = `${p}: numChildren ${s.numChildren} but ${n.children.length} children`;
          else if (s.dataLength !== utf8Length(n.data)) bad = `${p}: dataLength ${s.dataLength} but the data is ${utf8Length(n.data)} bytes`;
          else {
            for (const c of n.children) {
              const child = getNode(t, p === '/' ? `/${c}` : `${p}/${c}`);
              if (child !== null && child.stat.czxid > s.pzxid) {
                bad = `${p}: child ${c} created at zxid ${child.stat.czxid}, after the parent's pzxid ${s.pzxid}`;
                break;
              }
            }
          }
        });
        // Checked last so that a named rule above gets to name a slip it covers first.
        return bad ?? treeVsSpec(t, w.ghost.spec, w.step > 0 ? server(prev).tree : null, w.step > 0 ? prev.ghost.spec : null);
      },
    },
  ];
}

const STAT_FIELDS: readonly (keyof Stat)[] = ['czxid', 'mzxid', 'pzxid', 'version', 'cversion', 'aversion', 'ephemeralOwner', 'dataLength', 'numChildren'];

/**
 * The paths a step may have changed: a stored node the model replaced, added or
 * removed, or one the reference did. (Both trees share every untouched node with
 * the previous step, which was already compared; the reference touches a parent
 * whenever its children change.)
 */
function touched(t: Tree, spec: RefTree, prevT: Tree, prevSpec: RefTree): Set<string> {
  const out = new Set<string>();
  pmapForEach(t.nodes, (p, n) => {
    if (pmapGet(prevT.nodes, p) !== n) out.add(p);
  });
  pmapForEach(prevT.nodes, (p) => {
    if (!pmapHas(t.nodes, p)) out.add(p);
  });
  for (const [p, n] of spec.nodes) if (prevSpec.nodes.get(p) !== n) out.add(p);
  for (const p of prevSpec.nodes.keys()) if (!spec.nodes.has(p)) out.add(p);
  return out;
}

/** The first way the model's tree differs from the reference replay (ctime and mtime aside), or null; only touched paths after the first step. */
function treeVsSpec(t: Tree, spec: RefTree, prevT: Tree | null, prevSpec: RefTree | null): string | null {
  const ps = prevT === null || prevSpec === null ? new Set([...paths(t), ...spec.nodes.keys()]) : touched(t, spec, prevT, prevSpec);
  for (const p of [...ps].sort()) {
    const n = getNode(t, p);
    const r = refGet(spec, p);
    if (n === null && r === null) continue;
    if (r === null) return `${p} exists, but the applied txns leave no such node`;
    if (n === null) return `${p} is missing, but the applied txns leave it there`;
    if (n.data !== r.data) return `${p} holds ${JSON.stringify(n.data)}, the applied txns give ${JSON.stringify(r.data)}`;
    for (const f of STAT_FIELDS) if (n.stat[f] !== r.stat[f]) return `${p}: ${f} is ${n.stat[f]}, the applied txns give ${r.stat[f]}`;
    if (n.children.length !== r.children.length || n.children.some((c, i) => c !== r.children[i])) return `${p}: children [${n.children.join(',')}], the applied txns give [${r.children.join(',')}]`;
  }
  return null;
}

const probes: Probe<W>[] = [
  { name: 'ephemeral deleted with its session', hit: (w) => w.ghost.reaped },
  { name: 'ephemeral deleted by session expiry', hit: (w) => w.ghost.expiredReaped },
  { name: 'watch fired', hit: (w) => w.ghost.fired },
  { name: 'sequential node created', hit: (w) => w.ghost.seq },
  { name: 'multi failed atomically', hit: (w) => w.ghost.multiFailed },
  { name: 'BADVERSION returned', hit: (w) => w.ghost.badVersion },
  { name: 'NOCHILDRENFOREPHEMERALS returned', hit: (w) => w.ghost.noChildrenForEphemerals },
  { name: 'empty container swept', hit: (w) => w.ghost.containerSwept },
];

// The namespace the workload plays in: mostly nodes right under "/", so that
// operations collide instead of failing NONODE, plus one level of children.
export const PATHS = ['/a', '/b', '/e', '/a/x', '/b/x'];
export const SEQ_PREFIXES = ['/s-', '/a/s-', '/e/s-'];
export const SEQ_NAMES = ['/s-0000000000', '/s-0000000001', '/s-0000000002', '/a/s-0000000000', '/a/s-0000000001'];
const SEQ_MODES: CreateMode[] = ['PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL'];

const versionArb = fc.constantFrom(-1, -1, 0, 1);
const hot = (...extra: string[]) => fc.constantFrom('/a', '/a', '/b', '/b', '/e', '/a/x', '/b/x', ...extra);
const plainCreates: SubOp[] = [
  { t: 'create', path: '/a', mode: 'PERSISTENT' },
  { t: 'create', path: '/a', mode: 'PERSISTENT' },
  { t: 'create', path: '/a', mode: 'EPHEMERAL' },
  { t: 'create', path: '/b', mode: 'CONTAINER' },
  { t: 'create', path: '/b', mode: 'PERSISTENT' },
  { t: 'create', path: '/e', mode: 'EPHEMERAL' },
  { t: 'create', path: '/a/x', mode: 'PERSISTENT' },
  { t: 'create', path: '/a/x', mode: 'EPHEMERAL' },
  { t: 'create', path: '/b/x', mode: 'EPHEMERAL' },
];
const createArb: fc.Arbitrary<SubOp> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...plainCreates) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), path: fc.constantFrom('/s-', ...SEQ_PREFIXES), mode: fc.constantFrom(...SEQ_MODES) }) },
);
const deleteArb: fc.Arbitrary<SubOp> = fc.record({ t: fc.constant('delete' as const), path: hot(...SEQ_NAMES), version: versionArb });
const setArb: fc.Arbitrary<SubOp> = fc.record({ t: fc.constant('set' as const), path: hot(), version: versionArb });
const checkArb: fc.Arbitrary<SubOp> = fc.record({ t: fc.constant('check' as const), path: hot(), version: versionArb });
const readArb: fc.Arbitrary<ZOp> = fc
  .record({ t: fc.constantFrom('get' as const, 'exists' as const, 'children' as const), path: hot('/'), watch: fc.boolean() })
  .map((r) => ({ ...r, watch: r.watch || r.t !== 'get' }));

export const opArb: fc.Arbitrary<ZOp> = fc.oneof(
  { weight: 5, arbitrary: createArb },
  { weight: 2, arbitrary: deleteArb },
  { weight: 3, arbitrary: setArb },
  { weight: 5, arbitrary: readArb },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('multi' as const), ops: fc.array(fc.oneof(createArb, deleteArb, setArb, checkArb), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sync' as const }) },
);

function configArb(mutant: string | null): fc.Arbitrary<ZnodeConfig> {
  return fc
    .record({
      clients: fc.constantFrom(2, 1, 3),
      ops: fc.array(fc.record({ client: fc.integer({ min: 1, max: 3 }), op: opArb }), { minLength: 3, maxLength: 14, size: 'max' }),
      expire: fc.subarray([1, 2, 3]),
      sweep: fc.boolean(),
      budget: fc.record({
        crashes: fc.integer({ min: 0, max: 1 }),
        drops: fc.integer({ min: 0, max: 1 }),
        duplicates: fc.constant(0),
        partitions: fc.constant(0),
      }),
    })
    .map((c) => ({
      mutant,
      clients: c.clients,
      ops: c.ops.map((o): OpItem => ({ client: ((o.client - 1) % c.clients) + 1, op: o.op })),
      expire: c.expire.filter((x) => x <= c.clients),
      sweep: c.sweep,
      budget: c.budget,
    }));
}

const configSchema = lazySchema((z) => {
  const pathSchema = z.string().min(1);
  const versionSchema = z.number().int().min(-1);
  const modeSchema = z.enum(CREATE_MODES as [CreateMode, ...CreateMode[]]);
  const subOpSchema = z.discriminatedUnion('t', [
    z.object({ t: z.literal('create'), path: pathSchema, mode: modeSchema }),
    z.object({ t: z.literal('delete'), path: pathSchema, version: versionSchema }),
    z.object({ t: z.literal('set'), path: pathSchema, version: versionSchema }),
    z.object({ t: z.literal('check'), path: pathSchema, version: versionSchema }),
  ]);
  const opSchema = z.union([
    subOpSchema,
    z.object({ t: z.enum(['get', 'exists', 'children']), path: pathSchema, watch: z.boolean() }),
    z.object({ t: z.literal('multi'), ops: z.array(subOpSchema) }),
    z.object({ t: z.literal('sync') }),
    z.object({ t: z.literal('close') }),
  ]);
  return z
    .object({
      mutant: z.string().nullable(),
      clients: z.number().int().min(1).max(8),
      ops: z.array(z.object({ client: z.number().int().min(1), op: opSchema })).max(24),
      expire: z.array(z.number().int().min(1)),
      sweep: z.boolean(),
      budget: budgetSchema(),
    })
    .superRefine((c, ctx) => {
      c.ops.forEach((o, i) => {
        if (o.client > c.clients) ctx.addIssue({ code: 'custom', path: ['ops', i, 'client'], message: `client ${o.client} is not one of 1..${c.clients}` });
      });
      c.expire.forEach((x, i) => {
        if (x > c.clients) ctx.addIssue({ code: 'custom', path: ['expire', i], message: `client ${x} is not one of 1..${c.clients}` });
      });
      const items = c.ops.length + c.expire.length;
      if (items > 30) ctx.addIssue({ code: 'custom', path: ['ops'], message: `at most 30 workload items (ops + expire), got ${items}` });
    });
});

function workload(cfg: ZnodeConfig): { node: number; request: ZRequest }[] {
  const items: { node: number; request: ZRequest }[] = cfg.ops.map((o) => ({ node: o.client, request: { t: 'next' } }));
  for (const client of cfg.expire) items.push({ node: 0, request: { t: 'expire', client } });
  return items;
}

function defaultConfig(mutant: string | null): ZnodeConfig {
  const op = (client: number, o: ZOp): OpItem => ({ client, op: o });
  return {
    mutant,
    clients: 2,
    ops: [
      op(1, { t: 'create', path: '/a', mode: 'PERSISTENT' }),
      op(2, { t: 'exists', path: '/e', watch: true }),
      op(1, { t: 'create', path: '/e', mode: 'EPHEMERAL' }),
      op(2, { t: 'children', path: '/a', watch: true }),
      op(1, { t: 'create', path: '/a/s-', mode: 'EPHEMERAL_SEQUENTIAL' }),
      op(2, { t: 'set', path: '/a', version: 0 }),
      op(2, {
        t: 'multi',
        ops: [
          { t: 'create', path: '/a/x', mode: 'PERSISTENT' },
          { t: 'check', path: '/a', version: 0 },
        ],
      }),
      op(1, { t: 'close' }),
    ],
    expire: [2],
    sweep: false,
    budget: { crashes: 1, drops: 1, duplicates: 0, partitions: 0 },
  };
}

export function znodeProtocol(): Protocol<ZState, ZMsg, ZRequest, ZObs, ZnodeGhost, ZnodeConfig> {
  return {
    name: 'znode',
    summary: 'the ZooKeeper 3.8 data tree: one server, client sessions over FIFO links; node types, versions, stats, multi, sessions and watches',
    network: 'fifo',
    model: znodeModel,
    nodeCount: (cfg) => cfg.clients + 1,
    workload,
    // The server's tree is what is under test; client processes may crash (their sessions linger until expired).
    crashable: (id) => id !== 0,
    mutants: ZNODE_MUTANTS,
    ghost: { init: initGhost, update: (g, node, s, obs) => updateGhost(g, node, s, obs) },
    invariants: znodeInvariants,
    liveness: [],
    probes,
    configArb,
    defaultConfig,
    parseConfig: (raw) => parseWith(configSchema, raw) as ZnodeConfig,
    maxChoices: 80,
    suffixBound: () => 400,
    defaultRuns: 2000,
    render: znodeRender,
  };
}
