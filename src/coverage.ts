// What the runs exercised: how often each action kind ran, each message type was
// delivered and each protocol phase stepped, so a user sees what was never reached.
import type { Protocol } from './protocol.ts';
import { ACTION_NAMES, DELIVER, type Scheduler } from './scheduler.ts';
import type { World } from './world.ts';

type Counts = Record<string, number>;

// Counted on every step of every run: action kinds in a typed array, message
// types and phases in Maps (string keys in a plain object were 6-8% of a Paxos
// check). toJSON gives the plain records the reports read.
export class Coverage {
  private readonly kinds = new Float64Array(ACTION_NAMES.length);
  private readonly messages = new Map<string, number>();
  private readonly phases = new Map<string, number>();

  count(sch: Scheduler, p: Protocol, _prev: World, w: World): void {
    const info = sch.info;
    this.kinds[info.kind]++;
    if (info.kind === DELIVER && info.packet !== null) {
      const t = info.packet.down ? 'linkDown' : p.render.msgType(info.packet.msg);
      this.messages.set(t, (this.messages.get(t) ?? 0) + 1);
    }
    if (p.render.phase && info.node >= 0) {
      const s = w.nodes[info.node];
      if (s !== null) {
        const ph = p.render.phase(s);
        this.phases.set(ph, (this.phases.get(ph) ?? 0) + 1);
      }
    }
  }

  merge(o: { actions: Counts; messages: Counts; phases: Counts }): void {
    for (const [k, v] of Object.entries(o.actions)) {
      const i = (ACTION_NAMES as readonly string[]).indexOf(k);
      if (i < 0) throw new Error(`coverage: unknown action kind ${k}`);
      this.kinds[i] += v;
    }
    for (const [k, v] of Object.entries(o.messages)) this.messages.set(k, (this.messages.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(o.phases)) this.phases.set(k, (this.phases.get(k) ?? 0) + v);
  }

  toJSON(): { actions: Counts; messages: Counts; phases: Counts } {
    const actions: Counts = {};
    ACTION_NAMES.forEach((a, i) => {
      actions[a] = this.kinds[i];
    });
    return { actions, messages: sorted(this.messages), phases: sorted(this.phases) };
  }
}

function sorted(m: Map<string, number>): Counts {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
