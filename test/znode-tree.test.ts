// Unit tests of the znode tree's semantics: the error each check produces and in
// which order, sequential names, every stat field, multi, sessions, containers
// and watches, each against what ZooKeeper 3.8 does.
import { describe, expect, it } from 'vitest';
import {
  applyTxn,
  emptyTree,
  ephemeralsOf,
  getNode,
  isLive,
  liveSessions,
  NO_OWNER,
  pathProblem,
  paths,
  sequenceOf,
  treeEquals,
  WatchTable,
  ZK_CODES,
  zkCode,
  zkCodeName,
  type Applied,
  type CreateMode,
  type MultiOp,
  type Stat,
  type Tree,
  type Txn,
} from '../models/znode/tree.ts';

const S1 = '0x0000000100000001';
const S2 = '0x0000000200000002';

/** A tree driven txn by txn with a zxid counter, as a leader would. */
class Zk {
  tree: Tree;
  zxid = 0;
  constructor(sessions: string[] = [S1, S2]) {
    this.tree = emptyTree();
    for (const s of sessions) this.apply({ type: 'createSession', session: s });
  }
  apply(txn: Txn): Applied {
    this.zxid++;
    const r = applyTxn(this.tree, txn, { zxid: this.zxid, time: 1000 + this.zxid });
    this.tree = r.tree;
    return r;
  }
  create(path: string, mode: CreateMode = 'PERSISTENT', data: string | null = 'd', session = S1): Applied {
    return this.apply({ type: 'create', path, data, mode, session });
  }
  set(path: string, data: string | null, version = -1, session = S1): Applied {
    return this.apply({ type: 'setData', path, data, version, session });
  }
  del(path: string, version = -1, session = S1): Applied {
    return this.apply({ type: 'delete', path, version, session });
  }
  stat(path: string): Stat {
    const n = getNode(this.tree, path);
    if (n === null) throw new Error(`no ${path}`);
    return n.stat;
  }
}

function code(r: Applied): string {
  return r.result.ok ? 'ok' : r.result.code;
}

describe('a fresh server', () => {
  it('has "/", /zookeeper, its quota and config nodes, with ZooKeeper 3.8 stats', () => {
    const t = emptyTree();
    expect(paths(t)).toEqual(['/', '/zookeeper', '/zookeeper/config', '/zookeeper/quota']);
    const root = getNode(t, '/')!;
    expect(root.children).toEqual(['zookeeper']);
    // DataNode.copyStat: 2 x creates (0) - numChildren (1).
    expect(root.stat).toMatchObject({ czxid: 0, pzxid: 0, cversion: -1, numChildren: 1, dataLength: 0, ephemeralOwner: NO_OWNER });
    expect(getNode(t, '/zookeeper')!.stat.cversion).toBe(-2);
    expect(getNode(t, '/zookeeper/config')!.stat.aversion).toBe(-1);
    expect(liveSessions(t)).toEqual([]);
  });

  it('the first sequential child of / takes suffix 0 (the system nodes were not created by txns)', () => {
    const zk = new Zk();
    expect(zk.create('/q-', 'PERSISTENT_SEQUENTIAL').result).toMatchObject({ ok: true, path: '/q-0000000000' });
  });
});

describe('create', () => {
  it('sets the new node stat from the txn and moves the parent pzxid, cversion and numChildren', () => {
    const zk = new Zk();
    const r = zk.create('/a', 'PERSISTENT', 'héllo');
    expect(r.result).toEqual({
      ok: true,
      type: 'create',
      path: '/a',
      stat: { czxid: 3, mzxid: 3, pzxid: 3, ctime: 1003, mtime: 1003, version: 0, cversion: 0, aversion: 0, ephemeralOwner: NO_OWNER, dataLength: 6, numChildren: 0 },
    });
    expect(zk.stat('/')).toMatchObject({ pzxid: 3, cversion: 0, numChildren: 2, mzxid: 0, version: 0 });
    expect(r.triggers).toEqual([
      { type: 'NodeCreated', path: '/a', zxid: 3 },
      { type: 'NodeChildrenChanged', path: '/', zxid: 3 },
    ]);
  });

  it('null data has dataLength 0; data length is UTF-8 bytes', () => {
    const zk = new Zk();
    zk.create('/n', 'PERSISTENT', null);
    expect(getNode(zk.tree, '/n')!.data).toBeNull();
    expect(zk.stat('/n').dataLength).toBe(0);
    zk.create('/u', 'PERSISTENT', 'a€😀');
    expect(zk.stat('/u').dataLength).toBe(1 + 3 + 4);
  });

  it('NODEEXISTS, NONODE for a missing parent, NOCHILDRENFOREPHEMERALS; NODEEXISTS is checked first', () => {
    const zk = new Zk();
    zk.create('/e', 'EPHEMERAL');
    expect(code(zk.create('/e'))).toBe('NODEEXISTS');
    expect(code(zk.create('/x/y'))).toBe('NONODE');
    expect(code(zk.create('/e/c'))).toBe('NOCHILDRENFOREPHEMERALS');
    expect(code(zk.create('/e/c-', 'PERSISTENT_SEQUENTIAL'))).toBe('NOCHILDRENFOREPHEMERALS');
    expect(code(zk.create('/'))).toBe('NODEEXISTS');
  });

  it('ephemerals are owned by the creating session; containers are stored as such but report owner 0', () => {
    const zk = new Zk();
    expect(zk.create('/e', 'EPHEMERAL', 'x', S2).result).toMatchObject({ stat: { ephemeralOwner: S2 } });
    expect(zk.create('/c', 'CONTAINER').result).toMatchObject({ stat: { ephemeralOwner: NO_OWNER } });
    expect(getNode(zk.tree, '/c')!.owner).toBe('0x8000000000000000');
    expect(ephemeralsOf(zk.tree, S2)).toEqual(['/e']);
    // A container may have children.
    expect(code(zk.create('/c/x'))).toBe('ok');
  });

  it('BADARGUMENTS for paths PathUtils refuses, NOAUTH under the read-only config node, SESSIONEXPIRED without a live session', () => {
    const zk = new Zk();
    for (const p of ['', 'a', '/a/', '//a', '/a//b', '/.', '/a/..', '/a/./b', '/a\u0000b', '/a\u0001', '/a\u007f', '/\ud83d\ude00', '/a\ufff0']) {
      expect(pathProblem(p), JSON.stringify(p)).not.toBeNull();
      expect(code(zk.create(p)), JSON.stringify(p)).toBe('BADARGUMENTS');
    }
    for (const p of ['/a.b', '/..x', '/x..', '/é', '/a b']) expect(pathProblem(p), p).toBeNull();
    // A sequential prefix may end with "/": the suffix becomes the whole name.
    zk.create('/q');
    expect(zk.create('/q/', 'PERSISTENT_SEQUENTIAL').result).toMatchObject({ path: '/q/0000000000' });
    expect(code(zk.create('/zookeeper/config/x'))).toBe('NOAUTH');
    expect(code(zk.create('/zookeeper/quota/x'))).toBe('ok');
    expect(code(zk.create('/s', 'PERSISTENT', 'd', '0x00000000000000ff'))).toBe('SESSIONEXPIRED');
  });
});

describe('sequential names', () => {
  it("come from the parent's stored cversion, the count of children ever created, in 10 digits", () => {
    const zk = new Zk();
    zk.create('/q');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((zk.create('/q/n-', 'PERSISTENT_SEQUENTIAL').result as { path: string }).path);
    expect(made).toEqual(['/q/n-0000000000', '/q/n-0000000001', '/q/n-0000000002']);
    zk.create('/q/plain');
    zk.del('/q/n-0000000002');
    zk.del('/q/plain');
    // Deletes do not count: 4 creates so far, whatever the reported cversion says.
    expect(zk.stat('/q')).toMatchObject({ cversion: 6, numChildren: 2 });
    expect(zk.create('/q/n-', 'EPHEMERAL_SEQUENTIAL').result).toMatchObject({ path: '/q/n-0000000004', stat: { ephemeralOwner: S1 } });
    expect(sequenceOf('n-0000000004')).toBe(4);
    expect(sequenceOf('plain')).toBeNull();
  });

  it('a failed create does not consume a sequence number', () => {
    const zk = new Zk();
    zk.create('/q');
    zk.create('/q/n-', 'PERSISTENT_SEQUENTIAL');
    expect(code(zk.create('/q/n-', 'PERSISTENT_SEQUENTIAL', 'd', '0x00000000000000ff'))).toBe('SESSIONEXPIRED');
    expect(zk.create('/q/n-', 'PERSISTENT_SEQUENTIAL').result).toMatchObject({ path: '/q/n-0000000001' });
  });

  it('stay correct past the flat-array size of a big parent (thousands of children)', () => {
    const zk = new Zk();
    zk.create('/big');
    for (let i = 0; i < 1500; i++) zk.create('/big/j-', 'PERSISTENT_SEQUENTIAL', null);
    for (let i = 0; i < 1500; i += 3) zk.del(`/big/j-${String(i).padStart(10, '0')}`);
    const n = getNode(zk.tree, '/big')!;
    expect(n.children.length).toBe(1000);
    expect(n.stat).toMatchObject({ numChildren: 1000, cversion: 2000 });
    expect([...n.children].sort()).toEqual(n.children);
    expect(n.children[0]).toBe('j-0000000001');
    expect(zk.create('/big/j-', 'PERSISTENT_SEQUENTIAL').result).toMatchObject({ path: '/big/j-0000001500' });
  });
});

describe('setData', () => {
  it('bumps version and moves mzxid and mtime only; ctime, czxid, pzxid, cversion stay', () => {
    const zk = new Zk();
    zk.create('/a');
    const before = zk.stat('/a');
    const r = zk.set('/a', 'xyz', 0);
    expect(r.result).toMatchObject({ ok: true, stat: { ...before, mzxid: 4, mtime: 1004, version: 1, dataLength: 3 } });
    expect(getNode(zk.tree, '/a')!.data).toBe('xyz');
    expect(r.triggers).toEqual([{ type: 'NodeDataChanged', path: '/a', zxid: 4 }]);
    // The parent is untouched.
    expect(zk.stat('/').pzxid).toBe(3);
  });

  it('BADVERSION on a stale expected version; -1 matches any; NONODE; NOAUTH on /zookeeper/config', () => {
    const zk = new Zk();
    zk.create('/a');
    zk.set('/a', 'x');
    expect(code(zk.set('/a', 'y', 0))).toBe('BADVERSION');
    expect(code(zk.set('/a', 'y', 1))).toBe('ok');
    expect(code(zk.set('/a', 'y', -1))).toBe('ok');
    expect(zk.stat('/a').version).toBe(3);
    expect(code(zk.set('/nope', 'y'))).toBe('NONODE');
    expect(code(zk.set('/zookeeper/config', 'y'))).toBe('NOAUTH');
  });
});

describe('delete', () => {
  it('moves the parent pzxid to the delete zxid and its reported cversion up by one', () => {
    const zk = new Zk();
    zk.create('/a');
    zk.create('/a/b');
    zk.set('/a', 'x');
    expect(zk.stat('/a')).toMatchObject({ pzxid: 4, cversion: 1, numChildren: 1 });
    const r = zk.del('/a/b');
    expect(r.result).toEqual({ ok: true, type: 'delete', path: '/a/b' });
    expect(zk.stat('/a')).toMatchObject({ pzxid: 6, cversion: 2, numChildren: 0, mzxid: 5, version: 1 });
    expect(r.triggers).toEqual([
      { type: 'NodeDeleted', path: '/a/b', zxid: 6 },
      { type: 'NodeChildrenChanged', path: '/a', zxid: 6 },
    ]);
  });

  it('checks the version before emptiness (BADVERSION beats NOTEMPTY), then NOTEMPTY', () => {
    const zk = new Zk();
    zk.create('/a');
    zk.create('/a/b');
    expect(code(zk.del('/a', 5))).toBe('BADVERSION');
    expect(code(zk.del('/a', 0))).toBe('NOTEMPTY');
    expect(code(zk.del('/a/zz'))).toBe('NONODE');
    expect(code(zk.del('/x/y'))).toBe('NONODE');
  });

  it('refuses the special nodes with BADARGUMENTS', () => {
    const zk = new Zk();
    for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) expect(code(zk.del(p)), p).toBe('BADARGUMENTS');
  });
});

describe('failed writes', () => {
  it('return the very same tree object and fire nothing', () => {
    const zk = new Zk();
    zk.create('/a');
    const t = zk.tree;
    for (const r of [
      zk.create('/a'),
      zk.del('/b'),
      zk.set('/a', 'x', 7),
      zk.apply({
        type: 'multi',
        ops: [
          { type: 'create', path: '/m', data: null, mode: 'PERSISTENT' },
          { type: 'delete', path: '/nope', version: -1 },
        ],
        session: S1,
      }),
    ]) {
      expect(r.tree).toBe(t);
      expect(r.triggers).toEqual([]);
    }
  });

  it('never mutate their input, and neither do successful ones', () => {
    const zk = new Zk();
    zk.create('/a');
    zk.create('/a/e', 'EPHEMERAL');
    const snapshot = JSON.stringify(zk.tree);
    const t = zk.tree;
    applyTxn(t, { type: 'create', path: '/a/b', data: 'x', mode: 'PERSISTENT_SEQUENTIAL', session: S1 }, { zxid: 99, time: 0 });
    applyTxn(t, { type: 'delete', path: '/a/e', version: -1, session: S1 }, { zxid: 99, time: 0 });
    applyTxn(t, { type: 'setData', path: '/a', data: 'y', version: -1, session: S1 }, { zxid: 99, time: 0 });
    applyTxn(t, { type: 'closeSession', session: S1 }, { zxid: 99, time: 0 });
    expect(JSON.stringify(t)).toBe(snapshot);
  });
});

describe('multi', () => {
  const create = (path: string, mode: CreateMode = 'PERSISTENT'): MultiOp => ({ type: 'create', path, data: 'm', mode });

  it('applies every op at one zxid and reports per-op results', () => {
    const zk = new Zk();
    zk.create('/q');
    const r = zk.apply({
      type: 'multi',
      ops: [
        create('/q/a'),
        create('/q/s-', 'PERSISTENT_SEQUENTIAL'),
        { type: 'setData', path: '/q/a', data: 'z', version: 0 },
        { type: 'check', path: '/q', version: 0 },
        { type: 'delete', path: '/q/a', version: 1 },
      ],
      session: S1,
    });
    expect(r.result.ok).toBe(true);
    const results = (r.result as unknown as { results: any[] }).results;
    expect(results.map((x) => x.type)).toEqual(['create', 'create', 'setData', 'check', 'delete']);
    // The sequential create saw the create before it in the same multi.
    expect(results[1].path).toBe('/q/s-0000000001');
    expect(results[0].stat.czxid).toBe(4);
    expect(results[2].stat).toMatchObject({ czxid: 4, mzxid: 4, version: 1 });
    expect(getNode(zk.tree, '/q')!.children).toEqual(['s-0000000001']);
    expect(zk.stat('/q')).toMatchObject({ pzxid: 4, cversion: 3 });
    expect(r.triggers.map((t) => `${t.type} ${t.path}`)).toEqual([
      'NodeCreated /q/a',
      'NodeChildrenChanged /q',
      'NodeCreated /q/s-0000000001',
      'NodeChildrenChanged /q',
      'NodeDataChanged /q/a',
      'NodeDeleted /q/a',
      'NodeChildrenChanged /q',
    ]);
  });

  it('is all or nothing: OK before the failing op, its error, RUNTIMEINCONSISTENCY after', () => {
    const zk = new Zk();
    zk.create('/q');
    const before = zk.tree;
    const r = zk.apply({ type: 'multi', ops: [create('/q/a'), { type: 'check', path: '/q', version: 3 }, create('/q/b'), create('/q/c')], session: S1 });
    expect(r.result).toEqual({
      ok: false,
      type: 'multi',
      code: 'BADVERSION',
      results: [
        { type: 'error', code: 'OK' },
        { type: 'error', code: 'BADVERSION' },
        { type: 'error', code: 'RUNTIMEINCONSISTENCY' },
        { type: 'error', code: 'RUNTIMEINCONSISTENCY' },
      ],
    });
    expect(r.tree).toBe(before);
    // The failed multi still used its zxid: the next txn gets the one after.
    expect(zk.create('/q/a').result).toMatchObject({ stat: { czxid: zk.zxid } });
  });

  it('an empty multi succeeds and changes nothing', () => {
    const zk = new Zk();
    const t = zk.tree;
    const r = zk.apply({ type: 'multi', ops: [], session: S1 });
    expect(r.result).toEqual({ ok: true, type: 'multi', results: [] });
    expect(r.tree).toBe(t);
  });

  it('the mutant multi-partial keeps what the ops before the failure did', () => {
    const t = new Zk().tree;
    const r = applyTxn(t, { type: 'multi', ops: [create('/a'), create('/a')], session: S1 }, { zxid: 10, time: 0, mutant: 'multi-partial' });
    expect(r.result.ok).toBe(false);
    expect(getNode(r.tree, '/a')).not.toBeNull();
  });
});

describe('sessions', () => {
  it('closeSession deletes the session ephemerals at its zxid, moving each parent', () => {
    const zk = new Zk();
    zk.create('/p');
    zk.create('/p/e1', 'EPHEMERAL');
    zk.create('/p/s-', 'EPHEMERAL_SEQUENTIAL');
    zk.create('/e2', 'EPHEMERAL');
    zk.create('/other', 'EPHEMERAL', 'x', S2);
    expect(ephemeralsOf(zk.tree, S1)).toEqual(['/e2', '/p/e1', '/p/s-0000000001']);
    const r = zk.apply({ type: 'closeSession', session: S1 });
    expect(r.result).toEqual({ ok: true, type: 'closeSession', deleted: ['/e2', '/p/e1', '/p/s-0000000001'] });
    expect(paths(zk.tree).filter((p) => !p.startsWith('/zookeeper'))).toEqual(['/', '/other', '/p']);
    expect(zk.stat('/p')).toMatchObject({ pzxid: zk.zxid, cversion: 4, numChildren: 0 });
    expect(zk.stat('/').pzxid).toBe(zk.zxid);
    expect(r.triggers.filter((t) => t.type === 'NodeDeleted').map((t) => t.path)).toEqual(['/e2', '/p/e1', '/p/s-0000000001']);
    expect(isLive(zk.tree, S1)).toBe(false);
    expect(liveSessions(zk.tree)).toEqual([S2]);
    expect(code(zk.create('/late'))).toBe('SESSIONEXPIRED');
    expect(code(zk.set('/p', 'x'))).toBe('SESSIONEXPIRED');
  });

  it('closing an unknown session is a no-op txn; createSession is idempotent', () => {
    const zk = new Zk();
    const t = zk.tree;
    expect(zk.apply({ type: 'closeSession', session: '0x00000000000000aa' }).result).toEqual({ ok: true, type: 'closeSession', deleted: [] });
    expect(zk.tree).toBe(t);
    expect(zk.apply({ type: 'createSession', session: S1 }).tree).toBe(t);
  });

  it('deleting an ephemeral by hand takes it off its session', () => {
    const zk = new Zk();
    zk.create('/e', 'EPHEMERAL');
    zk.del('/e');
    expect(ephemeralsOf(zk.tree, S1)).toEqual([]);
    expect(zk.apply({ type: 'closeSession', session: S1 }).result).toMatchObject({ deleted: [] });
  });
});

describe('deleteContainer (ContainerManager)', () => {
  it('deletes an empty container, refuses one with children and a session ephemeral', () => {
    const zk = new Zk();
    zk.create('/c', 'CONTAINER');
    zk.create('/c/x');
    zk.create('/e', 'EPHEMERAL');
    expect(code(zk.apply({ type: 'deleteContainer', path: '/c' }))).toBe('NOTEMPTY');
    expect(code(zk.apply({ type: 'deleteContainer', path: '/e' }))).toBe('BADVERSION');
    zk.del('/c/x');
    const r = zk.apply({ type: 'deleteContainer', path: '/c' });
    expect(r.result).toEqual({ ok: true, type: 'deleteContainer', path: '/c' });
    expect(getNode(zk.tree, '/c')).toBeNull();
    expect(code(zk.apply({ type: 'deleteContainer', path: '/zookeeper' }))).toBe('BADARGUMENTS');
  });
});

describe('watches', () => {
  it('NodeCreated and NodeDataChanged fire data and exist watches; NodeDeleted also child watches; NodeChildrenChanged child watches', () => {
    let w = WatchTable.empty();
    w = WatchTable.register(w, 'exist', '/a', 'x');
    w = WatchTable.register(w, 'data', '/a', 'y');
    w = WatchTable.register(w, 'child', '/a', 'z');
    w = WatchTable.register(w, 'child', '/', 'z');
    const created = WatchTable.fire(w, [{ type: 'NodeCreated', path: '/a', zxid: 5 }]);
    expect(created.events.map((e) => `${e.watcher}:${e.type}:${e.kinds}`)).toEqual(['x:NodeCreated:exist', 'y:NodeCreated:data']);
    // One-shot: the child watch on /a is still there, the data and exist ones are gone.
    expect(WatchTable.entries(created.table)).toEqual([
      { kind: 'child', path: '/', watcher: 'z' },
      { kind: 'child', path: '/a', watcher: 'z' },
    ]);
    const deleted = WatchTable.fire(created.table, [
      { type: 'NodeDeleted', path: '/a', zxid: 6 },
      { type: 'NodeChildrenChanged', path: '/', zxid: 6 },
    ]);
    expect(deleted.events.map((e) => `${e.watcher}:${e.type}:${e.path}`)).toEqual(['z:NodeDeleted:/a', 'z:NodeChildrenChanged:/']);
    expect(WatchTable.entries(deleted.table)).toEqual([]);
    expect(WatchTable.fire(deleted.table, [{ type: 'NodeDataChanged', path: '/a', zxid: 7 }]).events).toEqual([]);
  });

  it('one event per watcher per trigger, even with several of its registrations matching', () => {
    let w = WatchTable.empty();
    for (const k of ['data', 'exist', 'child'] as const) w = WatchTable.register(w, k, '/a', 'x');
    w = WatchTable.register(w, 'data', '/a', 'x');
    const r = WatchTable.fire(w, [{ type: 'NodeDeleted', path: '/a', zxid: 3 }]);
    expect(r.events).toEqual([{ watcher: 'x', type: 'NodeDeleted', path: '/a', zxid: 3, kinds: ['data', 'exist', 'child'] }]);
  });

  it('a closed connection loses its watches; the table is persistent', () => {
    let w = WatchTable.empty();
    w = WatchTable.register(w, 'data', '/a', 'x');
    w = WatchTable.register(w, 'data', '/a', 'y');
    const before = w;
    const after = WatchTable.removeWatcher(w, 'x');
    expect(WatchTable.watchers(after, 'data', '/a')).toEqual(['y']);
    expect(WatchTable.watchers(before, 'data', '/a')).toEqual(['x', 'y']);
  });

  it('the triggers a create/setData/delete sequence produces fire the watches as ZooKeeper does', () => {
    const zk = new Zk();
    let w = WatchTable.empty();
    w = WatchTable.register(w, 'exist', '/a', 'x'); // exists on a missing node
    let r = WatchTable.fire(w, zk.create('/a').triggers);
    expect(r.events.map((e) => e.type)).toEqual(['NodeCreated']);
    w = WatchTable.register(r.table, 'data', '/a', 'x');
    w = WatchTable.register(w, 'child', '/a', 'y');
    r = WatchTable.fire(w, zk.create('/a/b').triggers);
    expect(r.events.map((e) => `${e.watcher} ${e.type}`)).toEqual(['y NodeChildrenChanged']);
    r = WatchTable.fire(r.table, zk.set('/a', 'v').triggers);
    expect(r.events.map((e) => `${e.watcher} ${e.type}`)).toEqual(['x NodeDataChanged']);
  });

  it('the watch mutants: fires twice keeps the registration, never fires notifies nobody', () => {
    const w = WatchTable.register(WatchTable.empty(), 'data', '/a', 'x');
    const tr = [{ type: 'NodeDataChanged' as const, path: '/a', zxid: 1 }];
    const twice = WatchTable.fire(w, tr, 'watch-fires-twice');
    expect(WatchTable.fire(twice.table, tr, 'watch-fires-twice').events).toHaveLength(1);
    const never = WatchTable.fire(w, tr, 'watch-never-fires');
    expect(never.events).toEqual([]);
    expect(WatchTable.entries(never.table)).toEqual([]);
  });
});

describe('error codes', () => {
  it('use KeeperException.Code numbers', () => {
    expect(zkCode('NONODE')).toBe(-101);
    expect(zkCode('NODEEXISTS')).toBe(-110);
    expect(zkCode('BADVERSION')).toBe(-103);
    expect(zkCode('NOTEMPTY')).toBe(-111);
    expect(zkCode('NOCHILDRENFOREPHEMERALS')).toBe(-108);
    expect(zkCode('BADARGUMENTS')).toBe(-8);
    expect(zkCode('SESSIONEXPIRED')).toBe(-112);
    expect(zkCode('RUNTIMEINCONSISTENCY')).toBe(-2);
    expect(zkCodeName(-118)).toBe('SESSIONMOVED');
    expect(zkCodeName(12345)).toBeNull();
    expect(new Set(Object.values(ZK_CODES)).size).toBe(Object.keys(ZK_CODES).length);
  });
});

describe('treeEquals', () => {
  it('compares content, not identity', () => {
    const a = new Zk();
    const b = new Zk();
    a.create('/x');
    b.create('/x');
    expect(treeEquals(a.tree, b.tree)).toBe(true);
    b.set('/x', 'other');
    expect(treeEquals(a.tree, b.tree)).toBe(false);
  });
});

describe('session ids with the high bit set (servers with myid >= 128)', () => {
  it('still own their ephemerals', () => {
    const big = '0x8100001bc3000000';
    const zk = new Zk([big]);
    expect(zk.create('/e', 'EPHEMERAL', 'x', big).result).toMatchObject({ ok: true, stat: { ephemeralOwner: big } });
    expect(code(zk.create('/e/c', 'PERSISTENT', 'x', big))).toBe('NOCHILDRENFOREPHEMERALS');
    expect(zk.apply({ type: 'closeSession', session: big }).result).toMatchObject({ deleted: ['/e'] });
  });
});
