// The scheduler and world, driven deterministically on a toy protocol: every
// fault kind on both network semantics.
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, CLIENT, CRASH, DELIVER, DROP, DUPLICATE, FIRE, HEAL, PARTITION, RESTART, Scheduler } from '../src/scheduler.ts';
import type { World } from '../src/world.ts';
import type { BaseConfig } from '../src/model.ts';
import type { Protocol } from '../src/protocol.ts';
import type { RunInput } from '../src/explore/arbitrary.ts';
import { toyProtocol, type ToyConfig, type ToyState } from './fixtures/toy.ts';

function setup(network: 'datagram' | 'fifo', budget = { crashes: 2, drops: 2, duplicates: 2, partitions: 1 }) {
  const p = toyProtocol(network);
  const cfg: ToyConfig = { mutant: null, nodes: 3, budget };
  const sch = new Scheduler(p, cfg);
  let w: World = sch.initial();
  for (let i = 0; i < sch.n; i++) w = sch.start(w, i);
  return { sch, w };
}

/** Apply the first listed action of `kind` whose arg satisfies `pred`. */
function act(sch: Scheduler, w: World, kind: number, pred: (arg: number) => boolean = () => true): World {
  const n = sch.enumerate(w, true);
  for (let i = 0; i < n; i++) if (sch.kinds[i] === kind && pred(sch.args[i])) return sch.apply(w, i);
  throw new Error(`no enabled ${ACTION_NAMES[kind]}`);
}

function enabled(sch: Scheduler, w: World, faults = true): string[] {
  const n = sch.enumerate(w, faults);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(ACTION_NAMES[sch.kinds[i]]);
  return out;
}

const st = (w: World, i: number) => w.nodes[i] as ToyState;

describe('canonical order', () => {
  it('lists benign actions first, faults last, in the documented order', () => {
    const { sch, w } = setup('datagram');
    const w1 = act(sch, w, CLIENT);
    const kinds = enabled(sch, w1);
    const order: string[] = ACTION_NAMES.slice();
    const ranks = kinds.map((k) => order.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(kinds.slice(0, 3)).toEqual(['deliver', 'deliver', 'deliver']);
    expect(kinds).toContain('crash');
    expect(sch.benign).toBe(kinds.filter((k) => k === 'deliver' || k === 'fire' || k === 'client').length);
  });

  it('choice 0 is the oldest benign action; low bits 7 select the fault region', () => {
    const { sch, w } = setup('datagram');
    const w1 = act(sch, w, CLIENT);
    sch.enumerate(w1, true);
    expect(sch.kinds[sch.pick(0)]).toBe(DELIVER);
    expect(sch.args[sch.pick(0)]).toBe(0);
    expect(sch.kinds[sch.pick(7)]).toBeGreaterThanOrEqual(DROP);
  });
});

describe('datagram network', () => {
  it('delivers in any order', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, DELIVER, (i) => i === 2);
    x = act(sch, x, DELIVER, (i) => i === 0);
    expect(st(x, 1).got.map((g) => g.n)).toEqual([2, 0]);
  });

  it('drops a message', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, DROP, (i) => i === 1);
    expect(x.net.map((p) => p.msg.n)).toEqual([0, 2]);
    expect(x.used.drops).toBe(1);
  });

  it('duplicates a message, and the copy is delivered too', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, DUPLICATE, (i) => i === 0);
    expect(x.net.map((p) => p.msg.n)).toEqual([0, 1, 2, 0]);
    for (let k = 0; k < 4; k++) x = act(sch, x, DELIVER);
    expect(st(x, 1).got.map((g) => g.n)).toEqual([0, 1, 2, 0]);
  });

  it('holds messages across a partition until it heals', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, PARTITION, (cut) => cut === 0b010);
    expect(enabled(sch, x)).not.toContain('deliver');
    x = act(sch, x, HEAL);
    expect(enabled(sch, x).filter((k) => k === 'deliver')).toHaveLength(3);
  });

  it('respects the fault budget', () => {
    const { sch, w } = setup('datagram', { crashes: 0, drops: 1, duplicates: 0, partitions: 0 });
    let x = act(sch, w, CLIENT);
    expect(enabled(sch, x)).not.toContain('crash');
    expect(enabled(sch, x)).not.toContain('duplicate');
    x = act(sch, x, DROP);
    expect(enabled(sch, x)).not.toContain('drop');
  });
});

describe('crash and restart', () => {
  it('a crash keeps only the durable state and disarms the timers; restart recovers it', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, FIRE, (i) => x.timers[i].node === 0);
    expect(st(x, 0).ticks).toBe(1);
    x = act(sch, x, CRASH, (n) => n === 0);
    expect(x.nodes[0]).toBeNull();
    expect(x.durable[0]).toEqual({ sent: 3, restarts: 0 });
    expect(x.timers.some((t) => t.node === 0)).toBe(false);
    expect(enabled(sch, x, false)).toContain('restart');
    x = act(sch, x, RESTART, (n) => n === 0);
    expect(st(x, 0)).toEqual({ sent: 3, got: [], downs: [], restarts: 1, ticks: 0 });
  });

  it('a datagram to a crashed node waits for its restart', () => {
    const { sch, w } = setup('datagram');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, CRASH, (n) => n === 1);
    expect(enabled(sch, x)).not.toContain('deliver');
    x = act(sch, x, RESTART);
    expect(enabled(sch, x).filter((k) => k === 'deliver')).toHaveLength(3);
  });
});

describe('FIFO links', () => {
  it('only the head of each link is deliverable', () => {
    const { sch, w } = setup('fifo');
    let x = act(sch, w, CLIENT);
    expect(enabled(sch, x).filter((k) => k === 'deliver')).toHaveLength(1);
    expect(enabled(sch, x)).not.toContain('duplicate');
    for (let k = 0; k < 3; k++) x = act(sch, x, DELIVER);
    expect(st(x, 1).got.map((g) => g.n)).toEqual([0, 1, 2]);
  });

  it('a drop breaks the connection: both directions emptied, both ends told', () => {
    const { sch, w } = setup('fifo');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, DROP, (pair) => pair === 0 * 32 + 1);
    expect(x.net.every((p) => p.down)).toBe(true);
    while (enabled(sch, x, false).includes('deliver')) x = act(sch, x, DELIVER);
    expect(st(x, 0).downs).toEqual([1]);
    expect(st(x, 1).downs).toEqual([0]);
    expect(st(x, 1).got).toEqual([]);
  });

  it('a crash resets every connection of the node and tells its live peers', () => {
    const { sch, w } = setup('fifo');
    let x = act(sch, w, CLIENT);
    x = act(sch, x, CRASH, (n) => n === 0);
    expect(x.net.every((p) => p.down && p.from === 0)).toBe(true);
    while (enabled(sch, x, false).includes('deliver')) x = act(sch, x, DELIVER);
    expect(st(x, 1).downs).toEqual([0]);
    expect(st(x, 2).downs).toEqual([0]);
    expect(st(x, 1).got).toEqual([]);
  });

  it('a partition breaks the links that cross it; sends across it are lost', () => {
    const { sch, w } = setup('fifo');
    let x = act(sch, w, PARTITION, (cut) => cut === 0b010);
    x = act(sch, x, CLIENT);
    expect(x.net.filter((p) => !p.down)).toEqual([]);
    while (enabled(sch, x, false).includes('deliver')) x = act(sch, x, DELIVER);
    expect(st(x, 0).downs).toEqual([1]);
    expect(st(x, 1).downs.sort()).toEqual([0, 2]);
  });
});

describe('immutability', () => {
  it('a step never mutates the world it started from', () => {
    const { sch, w } = setup('fifo');
    const before = JSON.stringify(w);
    let x = act(sch, w, CLIENT);
    x = act(sch, x, DELIVER);
    act(sch, x, CRASH);
    expect(JSON.stringify(w)).toBe(before);
  });
});

/** The first `count` runs check would draw for protocol p with this seed (correct model). */
async function generatedRuns<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, seed: number, count: number): Promise<RunInput<Cfg>[]> {
  const { generateRun, runArb } = await import('../src/explore/arbitrary.ts');
  const arb = runArb(p, null);
  return Array.from({ length: count }, (_, i) => generateRun(arb, seed, i).value);
}

describe('the shared empty arrays', () => {
  it('stay empty after runs with disks and crashes (the world shares one unfrozen empty array: a push into it would show here)', async () => {
    const { zabProtocol } = await import('../properties/zab.ts');
    const { runSchedule } = await import('../src/run.ts');
    const p = zabProtocol();
    let crashed = 0;
    for (const { cfg, choices } of await generatedRuns(p, 5, 60)) {
      const r = runSchedule(p, cfg, choices);
      crashed += r.final?.used.crashes ?? 0;
    }
    expect(crashed).toBeGreaterThan(0);
    const w = new Scheduler(p, p.defaultConfig(null)).initial();
    expect(w.net).toEqual([]);
    expect(w.timers).toEqual([]);
    for (const q of w.io) expect(q).toEqual([]);
  });
});

describe('determinism', () => {
  it('the same (config, choices) replays to the same events, digest and world, byte for byte', async () => {
    const { paxosProtocol } = await import('../properties/paxos.ts');
    const { runSchedule } = await import('../src/run.ts');
    const p = paxosProtocol();
    for (const { cfg, choices } of await generatedRuns(p, 77, 50)) {
      const a = runSchedule(p, cfg, choices, { record: true });
      const b = runSchedule(p, cfg, choices, { record: true });
      const c = runSchedule(p, cfg, choices);
      expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
      expect([a.h1, a.h2]).toEqual([b.h1, b.h2]);
      // Recording does not change the run.
      expect([c.h1, c.h2, c.steps]).toEqual([a.h1, a.h2, a.steps]);
      expect(JSON.stringify(c.final)).toBe(JSON.stringify(a.final));
    }
  });
});
