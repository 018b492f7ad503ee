// A schedule read as actions rather than choices. A choice is an index into
// the enabled list, so deleting one shifts the meaning of every later choice;
// an action names what happened (deliver this message from this sender to
// this receiver, fire this timer, crash this node), so the shrinker can delete
// an action and keep the rest meaning what they meant. An action whose message
// or timer no longer exists once an earlier one is gone was a consequence of
// it and goes with it (issue 12).
import type { BaseConfig } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { runSchedule, type RunResult } from '../run.ts';
import { CRASH, DELIVER, DROP, DUPLICATE, FIRE, HEAL, PARTITION, RESTART, type Scheduler } from '../scheduler.ts';
import type { World } from '../world.ts';
import { msgText } from './fair.ts';

/** What one prefix step did, by meaning: its kind and a key naming its object. `fair` stands for whatever the fair suffix would take. */
export interface Action {
  kind: number | 'fair';
  key: string;
}

/** The key of listed action i in world w: what it acts on, without packet ids or list positions. */
export function actionKey(sch: Scheduler, w: World, i: number): string {
  const kind = sch.kinds[i];
  const arg = sch.args[i];
  switch (kind) {
    case DELIVER:
    case DUPLICATE:
    case DROP: {
      if (kind === DROP && sch.fifo) return String(arg);
      const pk = w.net[arg];
      return `${pk.from}>${pk.to}${pk.down ? '!' : ':' + msgText(pk.msg)}`;
    }
    case FIRE:
      return `${w.timers[arg].node}:${w.timers[arg].name}`;
    default:
      return String(arg);
  }
}

/** Whether an action kind is a fault (what a benign replacement may stand in for). */
export function isFault(kind: number | 'fair'): boolean {
  return kind === DROP || kind === DUPLICATE || kind === PARTITION || kind === CRASH || kind === HEAL || kind === RESTART;
}

/** The actions a run's prefix took, one per choice it read. */
export function actionsOf<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, cfg: Cfg, choices: readonly number[], only?: readonly string[]): Action[] {
  const out: Action[] = [];
  const copy: number[] = [];
  let k = 0;
  runSchedule(p, cfg, copy, {
    only,
    noSuffix: true,
    depth: choices.length,
    chooser: (sch, w) => {
      const i = sch.pick(choices[k++]);
      out.push({ kind: sch.kinds[i], key: actionKey(sch, w, i) });
      return i;
    },
  });
  return out;
}

/**
 * Run the actions as a schedule: each one takes the first enabled action of
 * its kind and key; one that is not enabled any more is left out, with
 * nothing else changed. Gives the run and the choices that replay it.
 */
export function runActions<Cfg extends BaseConfig>(
  p: Protocol<any, any, any, any, any, Cfg>,
  cfg: Cfg,
  actions: readonly Action[],
  only?: readonly string[],
): { result: RunResult; choices: number[]; taken: Action[] } {
  const choices: number[] = [];
  const taken: Action[] = [];
  let k = 0;
  const result = runSchedule(p, cfg, choices, {
    only,
    depth: actions.length,
    chooser: (sch, w) => {
      for (; k < actions.length; k++) {
        const a = actions[k];
        if (a.kind === 'fair') {
          // The oldest benign action: what choice 0 picks.
          if (sch.benign === 0) continue;
          k++;
          taken.push({ kind: sch.kinds[0], key: actionKey(sch, w, 0) });
          return 0;
        }
        for (let i = 0; i < sch.count; i++) {
          if (sch.kinds[i] === a.kind && actionKey(sch, w, i) === a.key) {
            k++;
            taken.push(a);
            return i;
          }
        }
      }
      return -1;
    },
  });
  return { result, choices, taken };
}
