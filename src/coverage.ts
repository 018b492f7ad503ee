// What the runs exercised: how often each action kind ran, each message type was
// delivered and each protocol phase stepped, so a user sees what was never reached.
import type { Protocol } from './protocol.ts';
import { ACTION_NAMES, DELIVER, type Scheduler } from './scheduler.ts';
import type { World } from './world.ts';

export class Coverage {
  readonly actions: Record<string, number> = Object.fromEntries(ACTION_NAMES.map((a) => [a, 0]));
  readonly messages: Record<string, number> = {};
  readonly phases: Record<string, number> = {};

  count(sch: Scheduler, p: Protocol, _prev: World, w: World): void {
    const info = sch.info;
    this.actions[ACTION_NAMES[info.kind]]++;
    if (info.kind === DELIVER && info.packet !== null) {
      const t = info.packet.down ? 'linkDown' : p.render.msgType(info.packet.msg);
      this.messages[t] = (this.messages[t] ?? 0) + 1;
    }
    if (p.render.phase && info.node >= 0) {
      const s = w.nodes[info.node];
      if (s !== null) {
        const ph = p.render.phase(s);
        this.phases[ph] = (this.phases[ph] ?? 0) + 1;
      }
    }
  }

  merge(o: { actions: Record<string, number>; messages: Record<string, number>; phases: Record<string, number> }): void {
    for (const [k, v] of Object.entries(o.actions)) this.actions[k] = (this.actions[k] ?? 0) + v;
    for (const [k, v] of Object.entries(o.messages)) this.messages[k] = (this.messages[k] ?? 0) + v;
    for (const [k, v] of Object.entries(o.phases)) this.phases[k] = (this.phases[k] ?? 0) + v;
  }

  toJSON() {
    return { actions: this.actions, messages: sortKeys(this.messages), phases: sortKeys(this.phases) };
  }
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
