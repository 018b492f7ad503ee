// The human-readable event list of a trace: one record per step, built from the
// scheduler's StepInfo. Only made when recording (shrunk traces, replays), never
// in the exploration hot loop.
import type { BaseConfig, Input } from '../model.ts';
import type { Protocol } from '../protocol.ts';
import { ACTION_NAMES, type ActionName, CLIENT, CRASH, DROP, DUPLICATE, PARTITION, type Scheduler } from '../scheduler.ts';
import type { World } from '../world.ts';

export interface TraceSend {
  to: string;
  msg: unknown;
  text: string;
}

export interface TraceEvent {
  step: number;
  phase: 'start' | 'warmup' | 'adversary' | 'suffix';
  /** The choice value read for this step (adversary phase only). */
  choice?: number;
  action: 'start' | ActionName;
  /** The node that stepped or was crashed/restarted. */
  node?: string;
  /** Packet endpoints (deliver, drop, duplicate) or the connection broken (fifo drop). */
  from?: string;
  to?: string;
  /** Delivered, dropped or duplicated message, raw and rendered. */
  msg?: unknown;
  text?: string;
  /** A connection-break notice reached `node` about `from`. */
  linkDown?: boolean;
  timer?: string;
  request?: unknown;
  /** Partition: the two sides. */
  groups?: string[][];
  sends?: TraceSend[];
  timersSet?: string[];
  timersCancelled?: string[];
  observe?: string[];
  /** The stepping node's state after the step (rendered). */
  state?: unknown;
}

export class Recorder<Cfg extends BaseConfig> {
  readonly events: TraceEvent[] = [];
  constructor(
    private readonly p: Protocol<any, any, any, any, any, Cfg>,
    private readonly cfg: Cfg,
    private readonly sch: Scheduler<Cfg>,
  ) {}

  private label(id: number): string {
    return this.p.render.node(id, this.cfg);
  }

  start(w: World, id: number): void {
    const ev: TraceEvent = { step: 0, phase: 'start', action: 'start', node: this.label(id) };
    this.effects(ev, w);
    this.events.push(ev);
  }

  step(w: World, phase: Exclude<TraceEvent['phase'], 'start'>, choice: number | null): void {
    const info = this.sch.info;
    const r = this.p.render;
    const ev: TraceEvent = { step: w.step, phase, action: ACTION_NAMES[info.kind] };
    if (choice !== null) ev.choice = choice;
    const pk = info.packet;
    if (pk !== null) {
      ev.from = this.label(pk.from);
      ev.to = this.label(pk.to);
      if (pk.down) ev.linkDown = true;
      else {
        ev.msg = pk.msg;
        ev.text = r.msg(pk.msg);
      }
    }
    if (info.pair !== null && info.kind === DROP) {
      ev.from = this.label(info.pair[0]);
      ev.to = this.label(info.pair[1]);
    }
    if (info.timer !== null) ev.timer = info.timer.name;
    if (info.kind === PARTITION) {
      const inSide: string[] = [];
      const rest: string[] = [];
      for (let i = 0; i < this.sch.n; i++) ((info.arg >>> i) & 1 ? inSide : rest).push(this.label(i));
      ev.groups = [rest, inSide];
    }
    if (info.kind === CLIENT && info.input !== null) {
      const input = info.input as Extract<Input<unknown, unknown>, { kind: 'client' }>;
      ev.request = input.request;
      ev.text = r.request(input.request);
    }
    if (info.node >= 0 && info.kind !== DUPLICATE) ev.node = this.label(info.node);
    if (info.kind === CRASH) ev.node = this.label(info.arg);
    this.effects(ev, w);
    this.events.push(ev);
  }

  private effects(ev: TraceEvent, w: World): void {
    const info = this.sch.info;
    const fx = info.effects;
    const r = this.p.render;
    if (fx !== null) {
      if (fx.send && fx.send.length > 0) ev.sends = fx.send.map((s) => ({ to: this.label(s.to), msg: s.msg, text: r.msg(s.msg) }));
      if (fx.timers?.set && fx.timers.set.length > 0) ev.timersSet = fx.timers.set.slice();
      if (fx.timers?.cancel && fx.timers.cancel.length > 0) ev.timersCancelled = fx.timers.cancel.slice();
      if (fx.observe && fx.observe.length > 0) ev.observe = fx.observe.map((o) => r.obs(o));
    }
    if (info.node >= 0) {
      const s = w.nodes[info.node];
      if (s !== null) ev.state = r.state ? r.state(s, this.cfg) : s;
    }
  }
}
