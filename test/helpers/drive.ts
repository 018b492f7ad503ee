// Drive a protocol through the real scheduler by naming actions: a step is the
// first enabled action that a predicate accepts; `fair` runs the fair suffix's
// policy for a while. Directed scenarios (a crash between a write and its
// flush, say) read as the list of what happens.
import { ACTION_NAMES, Scheduler } from '../../src/scheduler.ts';
import type { Protocol } from '../../src/protocol.ts';
import type { World } from '../../src/world.ts';

export interface Drive {
  sch: Scheduler;
  w: World;
  /** Apply the first enabled action of `kind` whose packet / node satisfies `pred`; returns the violations of the step. */
  act(kind: (typeof ACTION_NAMES)[number], pred?: (info: { node: number; arg: number; msg: unknown; from: number; to: number }) => boolean): string[];
  /** Fair steps (no faults) until `until` holds or nothing is enabled; returns the first violation seen, if any. */
  fair(until?: (w: World) => boolean, max?: number, clients?: boolean): string[];
}

export function drive<Cfg extends { mutant: string | null }>(p: Protocol<any, any, any, any, any, any>, cfg: Cfg, warm = true): Drive {
  const sch = new Scheduler(p, cfg as never);
  let w = sch.initial();
  for (let i = 0; i < sch.n; i++) w = sch.start(w, i);
  const invariants = p.invariants(cfg);
  const check = (prev: World, next: World): string[] => {
    const out: string[] = [];
    for (const inv of invariants) {
      const r = inv.check(next, prev);
      if (r !== null) out.push(`${inv.name}: ${r}`);
    }
    return out;
  };
  const d: Drive = {
    sch,
    w,
    act(kind, pred = () => true) {
      const k = ACTION_NAMES.indexOf(kind);
      const n = sch.enumerate(d.w, true);
      for (let i = 0; i < n; i++) {
        if (sch.kinds[i] !== k) continue;
        const arg = sch.args[i];
        const pk = kind === 'deliver' ? d.w.net[arg] : null;
        const node = kind === 'flush' ? arg >> 2 : kind === 'fire' ? d.w.timers[arg].node : arg;
        if (!pred({ node, arg, msg: pk?.msg, from: pk?.from ?? -1, to: pk?.to ?? -1 })) continue;
        const prev = d.w;
        d.w = sch.apply(d.w, i);
        return check(prev, d.w);
      }
      throw new Error(`no enabled ${kind} matches`);
    },
    fair(until = () => false, max = 2000, clients = true) {
      for (let s = 0; s < max && !until(d.w); s++) {
        sch.enumerate(d.w, false);
        const i = sch.fairPick(clients);
        if (i < 0) break;
        const prev = d.w;
        d.w = sch.apply(d.w, i);
        const v = check(prev, d.w);
        if (v.length > 0) return v;
      }
      return [];
    },
  };
  if (warm) {
    const pred = p.warmUntil?.(cfg);
    if (pred) d.fair(pred, 5000, false);
  }
  return d;
}
