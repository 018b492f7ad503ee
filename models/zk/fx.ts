// Per-step effects builder for the ensemble: the ZAB reducer's own effects are
// folded in first, then what the server or client adds. One per step.
import type { Effects, NodeId, Send } from '../../src/model.ts';
import type { ZkMsg, ZkObs } from './types.ts';

export const T_EXPIRE = 'expire'; // the leader's session expiry tick (SessionTrackerImpl's ExpiryQueue)
export const T_APPLY = 'apply'; // a server's CommitProcessor applying what ZAB delivered (asynchronous, as in ZooKeeper)
export const T_RETRY = 'retry';
export const T_READ = 'read'; // a client's read timeout while a request is outstanding // a client's connect timeout / back-off before the next server

export class ZkFx {
  send: Send<ZkMsg>[] | undefined = undefined;
  set: string[] | undefined = undefined;
  cancel: string[] | undefined = undefined;
  obs: ZkObs[] | undefined = undefined;

  to(to: NodeId, msg: ZkMsg): void {
    (this.send ??= []).push({ to, msg });
  }

  arm(name: string): void {
    if (this.cancel !== undefined) this.cancel = this.cancel.filter((x) => x !== name);
    const set = (this.set ??= []);
    if (!set.includes(name)) set.push(name);
  }

  disarm(name: string): void {
    if (this.set !== undefined) this.set = this.set.filter((x) => x !== name);
    const c = (this.cancel ??= []);
    if (!c.includes(name)) c.push(name);
  }

  note(o: ZkObs): void {
    (this.obs ??= []).push(o);
  }

  /** Take over a ZAB step's effects (they come first: ZAB ran first). */
  /** ZAB's disk writes and log-queue drop, passed on to the world as they are. */
  write: unknown[] | undefined = undefined;
  discard: number | undefined = undefined;

  absorb(fx: Effects<ZkMsg, ZkObs>): void {
    // ZAB builds fresh arrays every step, so they can be adopted as they are.
    if (fx.send !== undefined) {
      if (this.send === undefined) this.send = fx.send as Send<ZkMsg>[];
      else for (const s of fx.send) this.send.push(s);
    }
    if (fx.timers !== undefined) {
      if (fx.timers.cancel !== undefined) for (const t of fx.timers.cancel) this.disarm(t);
      if (fx.timers.set !== undefined) for (const t of fx.timers.set) this.arm(t);
    }
    if (fx.observe !== undefined) {
      if (this.obs === undefined) this.obs = fx.observe as ZkObs[];
      else for (const o of fx.observe) this.obs.push(o);
    }
    if (fx.write !== undefined) {
      if (this.write === undefined) this.write = fx.write;
      else for (const w of fx.write) this.write.push(w);
    }
    if (fx.discard !== undefined) this.discard = fx.discard;
  }

  effects(): Effects<ZkMsg, ZkObs> {
    const fx: Effects<ZkMsg, ZkObs> = {};
    if (this.send !== undefined) fx.send = this.send;
    if ((this.set !== undefined && this.set.length > 0) || (this.cancel !== undefined && this.cancel.length > 0)) fx.timers = { set: this.set, cancel: this.cancel };
    if (this.obs !== undefined) fx.observe = this.obs;
    if (this.write !== undefined) fx.write = this.write;
    if (this.discard !== undefined) fx.discard = this.discard;
    return fx;
  }
}
