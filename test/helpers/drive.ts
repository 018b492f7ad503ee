// Drive a protocol through the real scheduler by naming actions: a step is the
// first enabled action that a predicate accepts; `fair` takes the fair
// suffix's policy for a while (optionally passing over some actions, e.g. a
// restart that must wait). Every step is also recorded as the choice value
// that selects it, so a directed scenario is a replayable run (`choices`).
import { encodeChoice } from '../../src/run.ts';
import { ACTION_NAMES, CLIENT, DELIVER, FIRE, FLUSH, HEAL, RESTART, Scheduler } from '../../src/scheduler.ts';
import type { Protocol } from '../../src/protocol.ts';
import type { World } from '../../src/world.ts';

type ActionName = (typeof ACTION_NAMES)[number];

export interface Picked {
  kind: ActionName;
  node: number;
  arg: number;
  msg: unknown;
  from: number;
  to: number;
}

export interface Drive {
  sch: Scheduler;
  w: World;
  /** The choice values of the steps taken after the warm start. */
  choices: number[];
  /** Apply the first enabled action of `kind` whose details satisfy `pred`; returns the invariants the step broke. */
  act(kind: ActionName, pred?: (x: Picked) => boolean): string[];
  /** Fair steps until `until` holds or nothing is left; `skip` passes over actions. Returns the first violations seen. */
  fair(until?: (w: World) => boolean, max?: number, skip?: (x: Picked) => boolean): string[];
}

const RANK: Record<number, number> = { [HEAL]: 0, [RESTART]: 1, [FLUSH]: 2, [DELIVER]: 3, [CLIENT]: 4, [FIRE]: 5 };

export function drive<Cfg extends { mutant: string | null }>(p: Protocol<any, any, any, any, any, any>, cfg: Cfg, warm = true): Drive {
  const sch = new Scheduler(p, cfg as never);
  let w0 = sch.initial();
  for (let i = 0; i < sch.n; i++) w0 = sch.start(w0, i);
  const invariants = p.invariants(cfg);
  const check = (prev: World, next: World): string[] => {
    const out: string[] = [];
    for (const inv of invariants) {
      const r = inv.check(next, prev);
      if (r !== null) out.push(`${inv.name}: ${r}`);
    }
    return out;
  };
  const picked = (d: Drive, i: number): Picked => {
    const kind = ACTION_NAMES[sch.kinds[i]];
    const arg = sch.args[i];
    const pk = kind === 'deliver' ? d.w.net[arg] : null;
    const node = kind === 'flush' ? arg >> 2 : kind === 'fire' ? d.w.timers[arg].node : arg;
    return { kind, node, arg, msg: pk?.msg, from: pk?.from ?? -1, to: pk?.to ?? -1 };
  };
  const take = (d: Drive, i: number, record: boolean): string[] => {
    if (record) d.choices.push(encodeChoice(sch, i));
    const prev = d.w;
    d.w = sch.apply(d.w, i);
    return check(prev, d.w);
  };
  const d: Drive = {
    sch,
    w: w0,
    choices: [],
    act(kind, pred = () => true) {
      const n = sch.enumerate(d.w, true);
      for (let i = 0; i < n; i++) if (ACTION_NAMES[sch.kinds[i]] === kind && pred(picked(d, i))) return take(d, i, true);
      throw new Error(`no enabled ${kind} matches`);
    },
    fair(until = () => false, max = 2000, skip = () => false) {
      return fairSteps(until, max, skip, true);
    },
  };
  const fairSteps = (until: (w: World) => boolean, max: number, skip: (x: Picked) => boolean, record: boolean, clients = true): string[] => {
    for (let s = 0; s < max && !until(d.w); s++) {
      // The whole listing, so that the recorded choice selects the same action on replay.
      const n = sch.enumerate(d.w, true);
      let best = -1;
      for (let i = 0; i < n; i++) {
        const r = RANK[sch.kinds[i]];
        if (r === undefined || (!clients && sch.kinds[i] === CLIENT) || skip(picked(d, i))) continue;
        if (best < 0 || r < RANK[sch.kinds[best]]) best = i;
      }
      if (best < 0) break;
      const v = take(d, best, record);
      if (v.length > 0) return v;
    }
    return [];
  };
  if (warm) {
    const pred = p.warmUntil?.(cfg);
    if (pred) fairSteps(pred, 5000, () => false, false, false);
  }
  return d;
}
