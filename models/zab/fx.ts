// A per-step effects builder: the reducers of one step append to it and it is
// turned into the engine's Effects once. One is made per step, never shared.
import type { Effects, NodeId, Send } from '../../src/model.ts';
import { CH_LOG } from './disk.ts';
import type { ZabMsg, ZabObs, ZabWrite } from './types.ts';

export const T_FLE = 'fle'; // FLE retransmission (§4.1 "Other rules")
export const T_FINALIZE = 'finalize'; // finalizeWait (§4.1 "Termination")
export const T_SYNC = 'sync'; // initLimit: discovery + sync must finish in time
/** Silent ticks of the sync timer before a learner or leader gives up (zoo.cfg initLimit, scaled down). */
export const INIT_LIMIT = 3;
export const T_BOOT = 'boot';
/** Ticks a restarted server spends loading its database before it joins the election. */
export const BOOT_TICKS = 3;

export class Fx {
  send: Send<ZabMsg>[] | undefined = undefined;
  set: string[] | undefined = undefined;
  cancel: string[] | undefined = undefined;
  obs: ZabObs[] | undefined = undefined;
  writes: ZabWrite[] | undefined = undefined;
  discard = false;

  to(to: NodeId, msg: ZabMsg): void {
    (this.send ??= []).push({ to, msg });
  }

  /** Arm a timer; within one step the last of arm/disarm wins. */
  arm(name: string): void {
    if (this.cancel !== undefined) this.cancel = drop(this.cancel, name);
    const set = (this.set ??= []);
    if (!set.includes(name)) set.push(name);
  }

  disarm(name: string): void {
    if (this.set !== undefined) this.set = drop(this.set, name);
    const c = (this.cancel ??= []);
    if (!c.includes(name)) c.push(name);
  }

  /** Queue a disk write (disk.ts); it is durable once the scheduler flushes it. */
  write(w: ZabWrite): void {
    (this.writes ??= []).push(w);
  }

  /** Abandon this server's queued log writes (a log thread shut down without draining). */
  dropLogQueue(): void {
    this.discard = true;
    if (this.writes !== undefined) this.writes = this.writes.filter((w) => w.w !== 'append' && w.w !== 'trunc');
  }

  note(o: ZabObs): void {
    (this.obs ??= []).push(o);
  }

  effects(): Effects<ZabMsg, ZabObs> {
    const fx: Effects<ZabMsg, ZabObs> = {};
    if (this.send !== undefined) fx.send = this.send;
    if (this.set !== undefined || this.cancel !== undefined) fx.timers = { set: this.set, cancel: this.cancel };
    if (this.obs !== undefined) fx.observe = this.obs;
    if (this.writes !== undefined && this.writes.length > 0) fx.write = this.writes;
    if (this.discard) fx.discard = CH_LOG;
    return fx;
  }
}

function drop(xs: string[], name: string): string[] | undefined {
  const out = xs.filter((x) => x !== name);
  return out.length === 0 ? undefined : out;
}
