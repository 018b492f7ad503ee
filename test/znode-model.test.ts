// Model-based tests of the znode tree (fast-check commands): random transaction
// sequences go through the persistent tree and through the reference semantics
// check-history judges by (src/oracle/reference: a plain Map, every derived
// fact computed by scanning, no code shared with the model). After every command
// both must agree on the result, the watch triggers and the whole tree, the
// tree's invariants must hold, and the tree before the command must be
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
  type Tree,
  type Txn,
  type TxnResult,
  NO_OWNER,
  CONTAINER_OWNER,
} from '../models/znode/tree.ts';
import { ZNODE_MUTANTS } from '../models/znode/mutants.ts';
import { CONTAINER, PERSISTENT, refApply, refEmpty, refEphemerals, refGet, refPaths, type RefTree } from '../src/oracle/reference/index.ts';

// ---- comparing the model with the reference ---------------------------------------

/** The reference's stored owner as the model stores it. */
function modelOwner(owner: string): string {
  return owner === PERSISTENT ? NO_OWNER : owner === CONTAINER ? CONTAINER_OWNER : owner;
}

function dump(t: Tree): string {
  const nodes = paths(t).map((p) => {
    const n = getNode(t, p)!;
    return [p, n.data, n.stat, n.children, n.owner];
  });
  const sessions = liveSessions(t).map((s) => [s, ephemeralsOf(t, s)]);
  return JSON.stringify({ nodes, sessions });
}

function refDump(t: RefTree): string {
  const nodes = refPaths(t).map((p) => {
    const n = refGet(t, p)!;
    return [p, n.data, n.stat, n.children, modelOwner(n.owner)];
  });
  const sessions = [...t.sessions].sort().map((s) => [s, refEphemerals(t, s)]);
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
  /** A named bug variant of the tree (null: ZooKeeper's behaviour). */
  mutant: string | null;
}

interface Spec {
  tree: RefTree;
}

class TxnCommand implements fc.Command<Spec, Real> {
  constructor(readonly txn: Txn) {}
  check(): boolean {
    return true;
  }
  run(spec: Spec, real: Real): void {
    const zxid = real.zxid + 1;
    const time = 5000 + zxid;
    const prev = real.tree;
    const prevDump = dump(prev);
    const r = applyTxn(prev, this.txn, { zxid, time, mutant: real.mutant });
    const want = refApply(spec.tree, this.txn, { zxid, time });
    expect(r.result).toEqual(want.result);
    expect(r.triggers).toEqual(want.triggers);
    expect(dump(r.tree)).toBe(refDump(want.tree));
    expect(nodeCount(r.tree)).toBe(want.tree.nodes.size);
    expect(invariantProblems(r.tree, prev, this.txn, r.result)).toEqual([]);
    if (!r.result.ok) expect(r.tree).toBe(prev);
    // Persistence: the tree the txn started from is exactly what it was.
    expect(dump(prev)).toBe(prevDump);
    real.tree = r.tree;
    real.zxid = zxid;
    spec.tree = want.tree;
  }
  toString(): string {
    return JSON.stringify(this.txn);
  }
}

const SESSIONS = ['0x0000000100000001', '0x0000000200000002', '0x0000000300000003'];
const PATHS = [
  '/a',
  '/a/b',
  '/a/b/c',
  '/e',
  '/e/x',
  '/c',
  '/c/x',
  '/',
  '/zookeeper',
  '/zookeeper/config',
  '/zookeeper/config/x',
  '/zookeeper/quota/q',
  '/a/s-0000000000',
  '/a/s-0000000001',
  '/s-0000000000',
  '/q/0000000000',
];
/** Paths PathUtils refuses: BADARGUMENTS before anything else but the session. */
const BAD_PATHS = ['a', '/a/', '//a', '/a/./b', '/..', '/a\u0000', '/\ud800x', '/a\u007f'];
const SEQ = ['/a/s-', '/s-', '/e/s-', '/c/s-', '/q/', '/'];
const MODES: CreateMode[] = ['PERSISTENT', 'EPHEMERAL', 'CONTAINER', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL'];

const sessionArb = fc.constantFrom(...SESSIONS);
const pathArb = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...PATHS, '/q') }, { weight: 1, arbitrary: fc.constantFrom(...BAD_PATHS) });
const dataArb = fc.oneof(fc.constantFrom('x', '', 'héllo', '😀€', '\ud800'), fc.constant(null));
const versionArb = fc.integer({ min: -1, max: 2 });
const opArb: fc.Arbitrary<MultiOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('create' as const), path: pathArb, data: dataArb, mode: fc.constantFrom(...MODES) }) },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('create' as const), path: fc.constantFrom(...SEQ), data: dataArb, mode: fc.constantFrom<CreateMode>('PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL') }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('delete' as const), path: pathArb, version: versionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('setData' as const), path: pathArb, data: dataArb, version: versionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('check' as const), path: pathArb, version: versionArb }) },
);
const txnArb: fc.Arbitrary<Txn> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(opArb, sessionArb).map(([op, session]) => ({ ...op, session }) as Txn) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('multi' as const), ops: fc.array(opArb, { maxLength: 4 }), session: sessionArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('createSession' as const), session: sessionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('closeSession' as const), session: sessionArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('deleteContainer' as const), path: pathArb }) },
);
const commandsArb = fc.commands([txnArb.map((t) => new TxnCommand(t))], { maxCommands: 80, size: 'max' });

/** Sessions start live more often than not, so writes get past the session check. */
function differential(mutant: string | null): fc.IProperty<[Iterable<fc.Command<Spec, Real>>]> {
  return fc.property(commandsArb, (cmds) => {
    const spec: Spec = { tree: refEmpty() };
    const real: Real = { tree: emptyTree(), zxid: 0, mutant };
    fc.modelRun(() => ({ model: spec, real }), [new TxnCommand({ type: 'createSession', session: SESSIONS[0] }), new TxnCommand({ type: 'createSession', session: SESSIONS[1] }), ...cmds]);
  });
}

describe('differential: the model tree against the reference semantics (src/oracle/reference)', () => {
  it('agrees on every result, every watch trigger and the whole tree, keeps its invariants and never changes an old version', () => {
    fc.assert(differential(null), { numRuns: 400, seed: 7 });
  });

  // A slip in either implementation is a disagreement here: every named bug
  // variant of the tree itself is one.
  const treeMutants = ZNODE_MUTANTS.map((m) => m.name).filter((m) => !['watch-fires-twice', 'data-change-fires-child-watch', 'watch-never-fires', 'reply-before-watch'].includes(m));
  it.each(treeMutants)('tells the tree mutant %s apart from the reference', (mutant) => {
    const out = fc.check(differential(mutant), { numRuns: 400, seed: 7 });
    expect(out.failed).toBe(true);
  });
});

describe('the persistent structures underneath', () => {
  it('PMap behaves as a Map, and old versions stay intact', () => {
    const keyArb = fc.oneof(
      fc.constantFrom('/a', '/a/b', '', 'x'),
      fc.string({ maxLength: 6 }),
      fc.integer({ min: 0, max: 3000 }).map((i) => `/k${i}`),
    );
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
