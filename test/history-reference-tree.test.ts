// The reference tree's persistent storage (src/oracle/reference/children.ts and
// nodes.ts), which check-history keeps a version of per checkpoint: against a plain
// Map on random edits, every version reads as the Map did at that point (names in
// UTF-16 order, counts, lookups), old versions never change, and the diff of two
// versions names exactly the entries that differ, across chunk splits and removals;
// two versions built along different edits are "the same state" exactly when they
// hold equal records at the same paths and the same sessions (the replay goes on from
// an earlier run's snapshot when it reaches that run's state).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childDelete, childDiff, childGet, childNames, childSet, noChildren, type Children } from '../src/oracle/reference/children.ts';
import { nodesDiff, nodesOfRoot, nodesPut, nodesRemove, nodesSame, type RefNodes } from '../src/oracle/reference/nodes.ts';
import { refEmpty, refPut, refSame, type RefNode } from '../src/oracle/reference/tree.ts';

type Edit = { set: boolean; name: string; v: number };

// Few distinct names, so that edits hit existing entries; enough to need several chunks.
const name = fc.oneof(
  fc.integer({ min: 0, max: 150 }).map((i) => `n${String(i).padStart(3, '0')}`),
  fc.constantFrom('', 'Z', 'a', 'é', '\uffef', '-x', 'n'),
);
const edits = fc.array(fc.record({ set: fc.boolean(), name, v: fc.integer({ min: 0, max: 3 }) }), { maxLength: 400 });

function naiveDiff(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(`${k}:${v}->${b.get(k)}`);
  for (const [k, v] of b) if (!a.has(k)) out.push(`${k}:undefined->${v}`);
  return out.sort();
}

describe('reference tree storage', () => {
  it('children: every version reads as a Map of the same edits, and diffs name exactly what changed', () => {
    fc.assert(
      fc.property(edits, fc.integer({ min: 0, max: 399 }), (es: Edit[], pick) => {
        let c: Children<number> = noChildren();
        const m = new Map<string, number>();
        const versions: { c: Children<number>; m: Map<string, number> }[] = [{ c, m: new Map(m) }];
        for (const e of es) {
          if (e.set) {
            c = childSet(c, e.name, e.v);
            m.set(e.name, e.v);
          } else {
            c = childDelete(c, e.name);
            m.delete(e.name);
          }
          versions.push({ c, m: new Map(m) });
        }
        for (const v of versions) {
          expect(childNames(v.c)).toEqual([...v.m.keys()].sort());
          expect(v.c.size).toBe(v.m.size);
          for (const k of v.m.keys()) expect(childGet(v.c, k)).toBe(v.m.get(k));
          expect(childGet(v.c, 'absent-name')).toBeUndefined();
        }
        const old = versions[pick % versions.length];
        const got: string[] = [];
        childDiff(old.c, c, (k, x, y) => got.push(`${k}:${x}->${y}`));
        expect(got.sort()).toEqual(naiveDiff(old.m, m));
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('nodes: lookups, size and the diff of two versions agree with a path Map; children must go first', () => {
    const rec = (v: number): RefNode => ({ data: String(v), czxid: v, mzxid: v, pzxid: v, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, childCreates: 0, owner: 'persistent' });
    const path = fc.constantFrom('/a', '/b', '/a/x', '/a/y', '/a/x/1', '/b/z', '/c');
    const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
    fc.assert(
      fc.property(fc.array(fc.record({ set: fc.boolean(), path, v: fc.integer({ min: 1, max: 3 }) }), { maxLength: 60 }), (es) => {
        let t: RefNodes = nodesOfRoot(rec(0));
        const m = new Map<string, RefNode>([['/', t.get('/')!]]);
        const first = t;
        const firstMap = new Map(m);
        for (const e of es) {
          if (e.set && m.has(parentOf(e.path))) {
            const n = rec(e.v);
            t = nodesPut(t, e.path, n);
            m.set(e.path, n);
          } else if (!e.set && ![...m.keys()].some((k) => k !== e.path && parentOf(k) === e.path)) {
            t = nodesRemove(t, e.path);
            m.delete(e.path);
          }
        }
        expect(t.size).toBe(m.size);
        expect([...t.keys()].sort()).toEqual([...m.keys()].sort());
        for (const [p, n] of m) expect(t.get(p)).toBe(n);
        const got: string[] = [];
        nodesDiff(first, t, (p, a, b) => got.push(`${p}:${a?.czxid}->${b?.czxid}`));
        const want: string[] = [];
        for (const [p, n] of firstMap) if (m.get(p) !== n) want.push(`${p}:${n.czxid}->${m.get(p)?.czxid}`);
        for (const [p, n] of m) if (!firstMap.has(p)) want.push(`${p}:undefined->${n.czxid}`);
        expect(got.sort()).toEqual(want.sort());
        // The first version is untouched by everything after it.
        expect([...first.entries()]).toEqual([...firstMap.entries()]);
      }),
      { numRuns: 200, seed: 12 },
    );
    const withChild = nodesPut(nodesPut(nodesOfRoot(rec(0)), '/a', rec(1)), '/a/x', rec(2));
    expect(() => nodesRemove(withChild, '/a')).toThrow(/still has children/);
  });

  it('nodes and trees: the same state exactly when records (by value) and sessions agree, whatever edits made them', () => {
    const rec = (v: number): RefNode => ({ data: String(v), czxid: v, mzxid: v, pzxid: v, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, childCreates: 0, owner: 'persistent' });
    const path = fc.constantFrom('/a', '/b', '/a/x', '/a/y', '/b/z');
    const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
    const build = (es: { set: boolean; path: string; v: number }[]) => {
      let t: RefNodes = nodesOfRoot(rec(0));
      const m = new Map<string, number>([['/', 0]]);
      for (const e of es) {
        if (e.set && m.has(parentOf(e.path))) {
          t = nodesPut(t, e.path, rec(e.v));
          m.set(e.path, e.v);
        } else if (!e.set && ![...m.keys()].some((k) => k !== e.path && parentOf(k) === e.path)) {
          t = nodesRemove(t, e.path);
          m.delete(e.path);
        }
      }
      return { t, m };
    };
    const byValue = (x: RefNode, y: RefNode) => JSON.stringify(x) === JSON.stringify(y);
    const edit = fc.record({ set: fc.boolean(), path, v: fc.integer({ min: 1, max: 2 }) });
    let same = 0;
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), fc.array(edit, { maxLength: 12 }), (e1, e2) => {
        const a = build(e1);
        const b = build(e2);
        const want = a.m.size === b.m.size && [...a.m].every(([k, v]) => b.m.get(k) === v);
        if (want) same++;
        expect(nodesSame(a.t, b.t, byValue)).toBe(want);
        expect(refSame({ nodes: a.t, sessions: new Set(['s']) }, { nodes: b.t, sessions: new Set(['s']) })).toBe(want);
      }),
      { numRuns: 400, seed: 13 },
    );
    // Not vacuous: some pairs of different edits reach one state.
    expect(same).toBeGreaterThan(20);
    // Every field of a record, and the live sessions, tell two states apart.
    const t = refPut(refEmpty(), '/a', rec(1));
    expect(refSame(t, refPut(refEmpty(), '/a', rec(1)))).toBe(true);
    for (const k of Object.keys(rec(1)) as (keyof RefNode)[]) {
      const changed = { ...rec(1), [k]: k === 'data' || k === 'owner' ? 'other' : 7 };
      expect(refSame(t, refPut(refEmpty(), '/a', changed))).toBe(false);
    }
    expect(refSame(t, { ...t, sessions: new Set(['s']) })).toBe(false);
  });
});
