// What must hold of ZooKeeper's data tree and watches, checked after every step
// of the znode protocol (one server, client sessions over FIFO links). The
// invariants read the server's tree and the txns it applied (with the trees
// before and after each), the clients' states, and a ghost that keeps history
// the world forgets: every watch trigger with its zxid, every session closed or
// expired, the last sequential suffix per parent.
import * as fc from 'fast-check';
import { z } from 'zod';
import type { Invariant, Probe, Protocol } from '../src/protocol.ts';
import type { World } from '../src/world.ts';
import { budgetSchema, parseWith } from '../src/config.ts';
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
import {
  childCreates,
  CREATE_MODES,
  FIRED_KINDS,
  forEachNode,
  getNode,
  isSequential,
  isSessionOwner,
  nameOf,
  parentOf,
  sequenceOf,
  treeEquals,
  utf8Length,
  type CreateMode,
  type Tree,
  type WatchTrigger,
} from '../models/znode/tree.ts';

export interface ZnodeGhost {
  /** Every watch trigger the server's txns produced, in zxid order. */
  triggers: readonly WatchTrigger[];
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
  return { triggers: [], closed: [], seqLast: {}, reaped: false, expiredReaped: false, fired: false, seq: false, multiFailed: false, badVersion: false, noChildrenForEphemerals: false, containerSwept: false };
}

/** The sequential nodes a txn created, with the parent incarnation each went under. */
function seqCreates(a: AppliedTxn): { path: string; parent: string; key: string; n: number }[] {
  const r = a.result;
  if (!r.ok) return [];
  const made: string[] = [];
  if (a.txn.type === 'create' && isSequential(a.txn.mode) && r.path) made.push(r.path);
  if (a.txn.type === 'multi' && r.results) {
    a.txn.ops.forEach((op, i) => {
      const res = r.results![i];
      if (op.type === 'create' && isSequential(op.mode) && res.type === 'create') made.push(res.path);
    });
  }
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
    let triggers: WatchTrigger[] | null = null;
    let seqLast: Record<string, number> | null = null;
    let closed: string[] | null = null;
    for (const a of s.applied) {
      for (const t of a.triggers) (triggers ??= g.triggers.slice()).push(t);
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
    if (triggers !== null) out = { ...out, triggers };
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
      description: 'an ephemeral node never has children (NOCHILDRENFOREPHEMERALS)',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          let bad: string | null = null;
          forEachNode(t, (p, n) => {
            if (bad === null && isSessionOwner(n.owner) && n.children.length > 0) bad = `ephemeral ${p} (session ${n.owner}) has children [${n.children.join(',')}]`;
          });
          return bad;
        }),
    },
    {
      name: 'EphemeralsVanishWithSession',
      description: 'once a session is closed or expired, no node it owned remains',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          const closed = w.ghost.closed;
          if (closed.length === 0) return null;
          let bad: string | null = null;
          forEachNode(t, (p, n) => {
            if (bad === null && isSessionOwner(n.owner) && closed.includes(n.owner)) bad = `ephemeral ${p} outlived its session ${n.owner}, which was closed or expired`;
          });
          return bad;
        }),
    },
    {
      name: 'SequentialIncreasing',
      description: "a sequential node's 10-digit suffix is its parent's cversion at the create (children ever created there) and strictly exceeds every earlier suffix under that parent",
      check(w, prev) {
        const last: Record<string, number> = { ...prev.ghost.seqLast };
        for (const a of appliedNow(w, prev)) {
          for (const c of seqCreates(a)) {
            if (!Number.isFinite(c.n)) return `${c.path} has no 10-digit sequence suffix`;
            const before = getNode(a.before, c.parent);
            if (before !== null) {
              const expected = childCreates(before.stat);
              // In a multi, earlier creates of the same txn count too: the suffix is at least the count before it.
              if (a.txn.type === 'create' ? c.n !== expected : c.n < expected) {
                return `${c.path} at zxid ${a.zxid}: suffix ${c.n}, but ${c.parent} had cversion ${before.stat.cversion} with ${before.stat.numChildren} children, i.e. ${expected} children created`;
              }
            }
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
      description: "a node's version, cversion, aversion, mzxid and pzxid never decrease; a data change bumps version, a child added or removed bumps cversion",
      check(w, prev) {
        for (const a of appliedNow(w, prev)) {
          if (a.after === a.before) continue;
          let bad: string | null = null;
          forEachNode(a.after, (p, n) => {
            if (bad !== null) return;
            const b = getNode(a.before, p);
            if (b === null || b.stat.czxid !== n.stat.czxid) return;
            const x = b.stat;
            const y = n.stat;
            const at = `${p} at zxid ${a.zxid}`;
            if (y.version < x.version || y.cversion < x.cversion || y.aversion < x.aversion) bad = `${at}: versions went back (version ${x.version}->${y.version}, cversion ${x.cversion}->${y.cversion}, aversion ${x.aversion}->${y.aversion})`;
            else if (y.mzxid < x.mzxid || y.pzxid < x.pzxid) bad = `${at}: zxids went back (mzxid ${x.mzxid}->${y.mzxid}, pzxid ${x.pzxid}->${y.pzxid})`;
            else if (y.mzxid !== x.mzxid && y.version === x.version) bad = `${at}: data changed (mzxid ${x.mzxid}->${y.mzxid}) but version stayed ${y.version}`;
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
      name: 'StatConsistent',
      description: 'czxid <= mzxid and pzxid; zxids <= the last txn; numChildren and dataLength match the children and the data; cversion + numChildren = 2 x creates; every child was created at or before its parent pzxid',
      check: (w, prev) =>
        eachNodeOnce(w, prev, (t) => {
          const zxid = server(w).zxid;
          let bad: string | null = null;
          forEachNode(t, (p, n) => {
            if (bad !== null) return;
            const s = n.stat;
            if (s.czxid > s.mzxid || s.czxid > s.pzxid) bad = `${p}: czxid ${s.czxid} above mzxid ${s.mzxid} or pzxid ${s.pzxid}`;
            else if (s.mzxid > zxid || s.pzxid > zxid) bad = `${p}: mzxid ${s.mzxid} / pzxid ${s.pzxid} beyond the last txn ${zxid}`;
            else if (s.numChildren !== n.children.length) bad = `${p}: numChildren ${s.numChildren} but ${n.children.length} children`;
            else if (s.dataLength !== utf8Length(n.data)) bad = `${p}: dataLength ${s.dataLength} but the data is ${utf8Length(n.data)} bytes`;
            else if (s.cversion + s.numChildren !== 2 * n.creates || n.creates < 0) bad = `${p}: cversion ${s.cversion} with ${s.numChildren} children does not match ${n.creates} creates`;
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
          return bad;
        }),
    },
    {
      name: 'ConditionalWrites',
      description: 'a setData or delete with an expected version succeeds only if the node had that version, and BADVERSION only if it did not',
      check(w, prev) {
        for (const a of appliedNow(w, prev)) {
          const t = a.txn;
          if ((t.type !== 'setData' && t.type !== 'delete') || t.version === -1) continue;
          const n = getNode(a.before, t.path);
          if (a.result.ok && (n === null || n.stat.version !== t.version)) return `zxid ${a.zxid}: ${t.type} ${t.path} expecting version ${t.version} succeeded on version ${n?.stat.version}`;
          if (!a.result.ok && a.result.code === 'BADVERSION' && n !== null && n.stat.version === t.version) return `zxid ${a.zxid}: ${t.type} ${t.path} got BADVERSION although the version was ${t.version}`;
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
      description: 'a client receives the watch event before any reply that reflects the change that fired it',
      check: (w, prev) =>
        changedClients(w, prev, (id, c, b) => {
          if (b === null || c.replies === b.replies) return null;
          const z = c.replyZxid;
          for (const g of c.regs) {
            for (const t of w.ghost.triggers) {
              if (t.zxid > g.at && t.zxid <= z && t.path === g.path && FIRED_KINDS[t.type].includes(g.kind)) {
                return `c${id} got a reply at zxid ${z} while its ${g.kind} watch on ${g.path} (set at zxid ${g.at}) still waited for the ${t.type} of zxid ${t.zxid}`;
              }
            }
          }
          return null;
        }),
    },
  ];
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
const configSchema = z
  .object({
    mutant: z.string().nullable(),
    clients: z.number().int().min(1).max(8),
    ops: z.array(z.object({ client: z.number().int().min(1), op: opSchema })).max(24),
    expire: z.array(z.number().int().min(1)),
    sweep: z.boolean(),
    budget: budgetSchema,
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
      op(2, { t: 'multi', ops: [{ t: 'create', path: '/a/x', mode: 'PERSISTENT' }, { t: 'check', path: '/a', version: 0 }] }),
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
