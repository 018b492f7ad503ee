// Model-based tests of the znode tree (fast-check commands): random transaction
// sequences go through the persistent tree and through a deliberately naive,
// mutable reference written separately here (Maps and Sets, stats computed on
// demand). After every command both must agree on the result and on the whole
// tree, the tree's invariants must hold, and the tree before the command must be
// unchanged (persistence). The persistent map and sorted set underneath are
// checked against Map and Set the same way.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pmapDelete, pmapEmpty, pmapGet, pmapKeys, pmapSet, type PMap } from '../models/znode/pmap.ts';
import { SSET_EMPTY, ssetAdd, ssetHas, ssetRemove, ssetSize, ssetToArray, type SSet } from '../models/znode/sset.ts';
import {
  applyTxn,
  childCreates,
  emptyTree,
  ephemeralsOf,
  forEachNode,
  getNode,
  isSessionOwner,
  liveSessions,
  nodeCount,
  parentOf,
  paths,
  sequenceOf,
  nameOf,
  utf8Length,
  type CreateMode,
  type MultiOp,
  type Stat,
  type Tree,
  type Txn,
  type TxnResult,
} from '../models/znode/tree.ts';

// ---- the naive reference -------------------------------------------------------

interface RNode {
  data: string | null;
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  aversion: number;
  creates: number;
  owner: string;
  kids: Set<string>;
}

const ZERO = '0x0000000000000000';
const CONTAINER = '0x8000000000000000';
const SPECIAL = ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config'];

interface RResult {
  ok: boolean;
  code?: string;
  path?: string;
  stat?: Stat;
  results?: unknown[];
  deleted?: string[];
}

class Ref {
  nodes = new Map<string, RNode>();
  sessions = new Set<string>();

  constructor() {
    const sys = (kids: string[], aversion = 0): RNode => ({ data: '', czxid: 0, mzxid: 0, pzxid: 0, ctime: 0, mtime: 0, version: 0, aversion, creates: 0, owner: ZERO, kids: new Set(kids) });
    this.nodes.set('/', sys(['zookeeper']));
    this.nodes.set('/zookeeper', sys(['quota', 'config']));
    this.nodes.set('/zookeeper/quota', sys([]));
    this.nodes.set('/zookeeper/config', sys([], -1));
  }

  clone(): Ref {
    const r = new Ref();
    r.nodes = new Map([...this.nodes].map(([p, n]) => [p, { ...n, kids: new Set(n.kids) }]));
    r.sessions = new Set(this.sessions);
    return r;
  }

  stat(path: string): Stat {
    const n = this.nodes.get(path)!;
    const sessionOwned = n.owner !== ZERO && n.owner !== CONTAINER;
    return {
      czxid: n.czxid,
      mzxid: n.mzxid,
      pzxid: n.pzxid,
      ctime: n.ctime,
      mtime: n.mtime,
      version: n.version,
      cversion: 2 * n.creates - n.kids.size,
      aversion: n.aversion,
      ephemeralOwner: sessionOwned ? n.owner : ZERO,
      dataLength: n.data === null ? 0 : Buffer.byteLength(n.data, 'utf8'),
      numChildren: n.kids.size,
    };
  }

  private static parent(path: string): string {
    const i = path.lastIndexOf('/');
    return i === 0 ? '/' : path.slice(0, i);
  }

  private static valid(path: string): boolean {
    // Only the shapes the generator makes: absolute, no empty names, no trailing slash.
    return path.startsWith('/') && (path === '/' || (!path.endsWith('/') && !path.includes('//')));
  }

  private drop(path: string, zxid: number): void {
    const n = this.nodes.get(path)!;
    const parent = this.nodes.get(Ref.parent(path))!;
    parent.kids.delete(path.slice(path.lastIndexOf('/') + 1));
    parent.pzxid = Math.max(parent.pzxid, zxid);
    this.nodes.delete(path);
    void n;
  }

  /** One op, checks in ZooKeeper's order. Returns an error code or the op result. */
  private op(op: MultiOp, session: string, zxid: number, time: number): string | { type: string; path?: string; stat?: Stat } {
    if (!this.sessions.has(session)) return 'SESSIONEXPIRED';
    const seq = op.type === 'create' && op.mode.includes('SEQUENTIAL');
    if (!Ref.valid(seq ? op.path + '1' : op.path)) return 'BADARGUMENTS';
    if (op.type === 'create') {
      const parentPath = Ref.parent(op.path);
      const parent = this.nodes.get(parentPath);
      if (!parent) return 'NONODE';
      if (parentPath === '/zookeeper/config') return 'NOAUTH';
      const path = seq ? op.path + String(parent.creates).padStart(10, '0') : op.path;
      if (this.nodes.has(path)) return 'NODEEXISTS';
      if (parent.owner !== ZERO && parent.owner !== CONTAINER) return 'NOCHILDRENFOREPHEMERALS';
      const owner = op.mode === 'CONTAINER' ? CONTAINER : op.mode.startsWith('EPHEMERAL') ? session : ZERO;
      this.nodes.set(path, { data: op.data, czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: time, mtime: time, version: 0, aversion: 0, creates: 0, owner, kids: new Set() });
      parent.kids.add(path.slice(path.lastIndexOf('/') + 1));
      parent.creates++;
      parent.pzxid = zxid;
      return { type: 'create', path, stat: this.stat(path) };
    }
    if (op.type === 'delete') {
      if (SPECIAL.includes(op.path)) return 'BADARGUMENTS';
      if (!this.nodes.has(Ref.parent(op.path))) return 'NONODE';
      const n = this.nodes.get(op.path);
      if (!n) return 'NONODE';
      if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
      if (n.kids.size > 0) return 'NOTEMPTY';
      this.drop(op.path, zxid);
      return { type: 'delete' };
    }
    const n = this.nodes.get(op.path);
    if (!n) return 'NONODE';
    if (op.type === 'setData') {
      if (op.path === '/zookeeper/config') return 'NOAUTH';
      if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
      n.data = op.data;
      n.version++;
      n.mzxid = zxid;
      n.mtime = time;
      return { type: 'setData', stat: this.stat(op.path) };
    }
    if (op.version !== -1 && op.version !== n.version) return 'BADVERSION';
    return { type: 'check' };
  }

  apply(txn: Txn, zxid: number, time: number): RResult {
    switch (txn.type) {
      case 'createSession':
        this.sessions.add(txn.session);
        return { ok: true };
      case 'closeSession': {
        if (!this.sessions.has(txn.session)) return { ok: true, deleted: [] };
        this.sessions.delete(txn.session);
        const mine = [...this.nodes].filter(([, n]) => n.owner === txn.session).map(([p]) => p).sort();
        for (const p of mine) this.drop(p, zxid);
        return { ok: true, deleted: mine };
      }
      case 'deleteContainer': {
        if (SPECIAL.includes(txn.path)) return { ok: false, code: 'BADARGUMENTS' };
        const n = this.nodes.get(txn.path);
        if (!n) return { ok: false, code: 'NONODE' };
        if (n.kids.size > 0) return { ok: false, code: 'NOTEMPTY' };
        if (n.owner !== ZERO && n.owner !== CONTAINER) return { ok: false, code: 'BADVERSION' };
        this.drop(txn.path, zxid);
        return { ok: true, path: txn.path };
      }
      case 'multi': {
        const saved = this.clone();
        const results: unknown[] = [];
        for (let i = 0; i < txn.ops.length; i++) {
          const r = this.op(txn.ops[i], txn.session, zxid, time);
          if (typeof r === 'string') {
            this.nodes = saved.nodes;
            this.sessions = saved.sessions;
            return { ok: false, code: r, results: txn.ops.map((_, j) => ({ type: 'error', code: j < i ? 'OK' : j === i ? r : 'RUNTIMEINCONSISTENCY' })) };
          }
          results.push(r);
        }
        return { ok: true, results };
      }
      default: {
        const r = this.op(txn, txn.session, zxid, time);
        if (typeof r === 'string') return { ok: false, code: r };
        return { ok: true, path: r.path ?? txn.path, ...(r.stat ? { stat: r.stat } : {}) };
      }
    }
  }
}

// ---- comparing the two --------------------------------------------------------

function normal(r: TxnResult): RResult {
  const out: RResult = { ok: r.ok };
  if (!r.ok) out.code = r.code;
  if (r.ok && r.path !== undefined) out.path = r.path;
  if (r.ok && r.stat !== undefined) out.stat = r.stat;
  if (r.results !== undefined) out.results = r.results.map((x) => ({ ...x }));
  if (r.ok && r.deleted !== undefined) out.deleted = [...r.deleted];
  return out;
}

function dump(t: Tree): string {
  const nodes = paths(t).map((p) => {
    const n = getNode(t, p)!;
    return [p, n.data, n.stat, n.children];
  });
  const sessions = liveSessions(t).map((s) => [s, ephemeralsOf(t, s)]);
  return JSON.stringify({ nodes, sessions });
}

function refDump(r: Ref): string {
  const nodes = [...r.nodes.keys()].sort().map((p) => [p, r.nodes.get(p)!.data, r.stat(p), [...r.nodes.get(p)!.kids].sort()]);
  const sessions = [...r.sessions].sort().map((s) => [s, [...r.nodes].filter(([, n]) => n.owner === s).map(([p]) => p).sort()]);
  return JSON.stringify({ nodes, sessions });
}

/** The tree invariants of properties/znode.ts, restated over one tree and its predecessor. */
function invariantProblems(t: Tree, prev: Tree, txn: Txn, result: TxnResult): string[] {
  const bad: string[] = [];
  const live = new Set(liveSessions(t));
  forEachNode(t, (p, n) => {
    const parent = parentOf(p);
    if (parent !== null && getNode(t, parent) === null) bad.push(`orphan ${p}`);
    if (isSessionOwner(n.owner) && n.children.length > 0) bad.push(`ephemeral ${p} has children`);
    if (isSessionOwner(n.owner) && !live.has(n.owner)) bad.push(`ephemeral ${p} of dead session`);
    const s = n.stat;
    if (s.czxid > s.mzxid || s.czxid > s.pzxid) bad.push(`${p} zxids out of order`);
    if (s.numChildren !== n.children.length || s.dataLength !== utf8Length(n.data)) bad.push(`${p} counts`);
    if (s.cversion + s.numChildren !== 2 * n.creates) bad.push(`${p} cversion`);
    const b = getNode(prev, p);
    if (b !== null && b.stat.czxid === s.czxid) {
      if (s.version < b.stat.version || s.cversion < b.stat.cversion || s.mzxid < b.stat.mzxid || s.pzxid < b.stat.pzxid) bad.push(`${p} went back`);
      if (s.mzxid !== b.stat.mzxid && s.version === b.stat.version) bad.push(`${p} data changed, version did not`);
      if (JSON.stringify(b.children) !== JSON.stringify(n.children) && s.cversion === b.stat.cversion) bad.push(`${p} children changed, cversion did not`);
    }
  });
  if (result.ok && txn.type === 'create' && txn.mode.includes('SEQUENTIAL')) {
    const parent = getNode(prev, parentOf(result.path!)!)!;
    if (sequenceOf(nameOf(result.path!)) !== childCreates(parent.stat)) bad.push(`sequential ${result.path} not from the parent's cversion`);
  }
  return bad;
}

// ---- commands --------------------------------------------------------------------

interface Real {
  tree: Tree;
  zxid: number;
}

class TxnCommand implements fc.Command<Ref, Real> {
  constructor(readonly txn: Txn) {}
  check(): boolean {
    return true;
  }
  run(ref: Ref, real: Real): void {
    const zxid = real.zxid + 1;
    const time = 5000 + zxid;
    const prev = real.tree;
    const prevDump = dump(prev);
    const r = applyTxn(prev, this.txn, { zxid, time });
    const want = ref.apply(this.txn, zxid, time);
    expect(normal(r.result)).toEqual(want);
    expect(dump(r.tree)).toBe(refDump(ref));
    expect(nodeCount(r.tree)).toBe(ref.nodes.size);
    expect(invariantProblems(r.tree, prev, this.txn, r.result)).toEqual([]);
    if (!r.result.ok) expect(r.tree).toBe(prev);
    // Persistence: the tree the txn started from is exactly what it was.
    expect(dump(prev)).toBe(prevDump);
    real.tree = r.tree;
    real.zxid = zxid;
  }
  toString(): string {
    return JSON.stringify(this.txn);
  }
}

const SESSIONS = ['0x0000000100000001', '0x0000000200000002', '0x0000000300000003'];
const PATHS = ['/a', '/a/b', '/a/b/c', '/e', '/e/x', '/c', '/c/x', '/', '/zookeeper', '/zookeeper/config', '/zookeeper/quota/q', '/a/s-0000000000', '/a/s-0000000001', '/s-0000000000'];
const SEQ = ['/a/s-', '/s-', '/e/s-', '/c/s-'];
const MODES: CreateMode[] = ['PERSISTENT', 'EPHEMERAL', 'CONTAINER'];

const sessionArb = fc.constantFrom(...SESSIONS);
const dataArb = fc.oneof(fc.constantFrom('x', '', 'héllo', '😀€'), fc.constant(null));
const versionArb = fc.integer({ min: -1, max: 2 });
const opArb: fc.Arbitrary<MultiOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('create' as const), path: fc.constantFrom(...PATHS), data: dataArb, mode: fc.constantFrom(...MODES) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('create' as const), path: fc.constantFrom(...SEQ), data: dataArb, mode: fc.constantFrom<CreateMode>('PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('delete' as const), path: fc.constantFrom(...PATHS), version: versionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('setData' as const), path: fc.constantFrom(...PATHS), data: dataArb, version: versionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('check' as const), path: fc.constantFrom(...PATHS), version: versionArb }) },
);
const txnArb: fc.Arbitrary<Txn> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(opArb, sessionArb).map(([op, session]) => ({ ...op, session }) as Txn) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('multi' as const), ops: fc.array(opArb, { maxLength: 4 }), session: sessionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('createSession' as const), session: sessionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('closeSession' as const), session: sessionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('deleteContainer' as const), path: fc.constantFrom(...PATHS) }) },
);
const commandsArb = fc.commands([txnArb.map((t) => new TxnCommand(t))], { maxCommands: 80, size: 'max' });

describe('model-based: the persistent tree against a naive reference', () => {
  it('agrees on every result and the whole tree, keeps its invariants and never changes an old version', () => {
    fc.assert(
      fc.property(commandsArb, (cmds) => {
        // Sessions start live more often than not, so writes get past the session check.
        const ref = new Ref();
        const real: Real = { tree: emptyTree(), zxid: 0 };
        fc.modelRun(() => ({ model: ref, real }), [new TxnCommand({ type: 'createSession', session: SESSIONS[0] }), new TxnCommand({ type: 'createSession', session: SESSIONS[1] }), ...cmds]);
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('the persistent structures underneath', () => {
  it('PMap behaves as a Map, and old versions stay intact', () => {
    const keyArb = fc.oneof(fc.constantFrom('/a', '/a/b', '', 'x'), fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 3000 }).map((i) => `/k${i}`));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), keyArb, fc.integer()), { maxLength: 400 }), (ops) => {
        let m: PMap<number> = pmapEmpty();
        const ref = new Map<string, number>();
        const versions: [PMap<number>, Map<string, number>][] = [];
        for (const [put, k, v] of ops) {
          if (put) {
            m = pmapSet(m, k, v);
            ref.set(k, v);
          } else {
            m = pmapDelete(m, k);
            ref.delete(k);
          }
          if (versions.length < 20) versions.push([m, new Map(ref)]);
          expect(m.size).toBe(ref.size);
          expect(pmapGet(m, k)).toBe(ref.get(k));
        }
        expect(pmapKeys(m).sort()).toEqual([...ref.keys()].sort());
        for (const [old, snap] of versions) {
          expect(old.size).toBe(snap.size);
          for (const [k, v] of snap) expect(pmapGet(old, k)).toBe(v);
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('PMap survives many keys (deep tries, collapse on delete)', () => {
    let m: PMap<number> = pmapEmpty();
    for (let i = 0; i < 20000; i++) m = pmapSet(m, `/n/${i}`, i);
    for (let i = 0; i < 20000; i += 2) m = pmapDelete(m, `/n/${i}`);
    expect(m.size).toBe(10000);
    for (let i = 0; i < 20000; i++) expect(pmapGet(m, `/n/${i}`)).toBe(i % 2 ? i : undefined);
  });

  it('SSet behaves as a sorted Set across the flat/chunked boundary', () => {
    const keyArb = fc.integer({ min: 0, max: 1500 }).map((i) => `c-${String(i).padStart(5, '0')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), keyArb), { maxLength: 3000 }), (ops) => {
        let s: SSet = SSET_EMPTY;
        const ref = new Set<string>();
        for (const [kind, k] of ops) {
          if (kind > 0) {
            s = ssetAdd(s, k);
            ref.add(k);
          } else {
            s = ssetRemove(s, k);
            ref.delete(k);
          }
          expect(ssetHas(s, k)).toBe(ref.has(k));
        }
        expect(ssetSize(s)).toBe(ref.size);
        expect(ssetToArray(s)).toEqual([...ref].sort());
      }),
      { numRuns: 60, seed: 13 },
    );
  });
});
