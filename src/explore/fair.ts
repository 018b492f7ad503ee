// Which action the fair suffix takes: one that depends only on the world's
// canonical form (fingerprint.ts), so that two worlds the explorer counts as
// one run the same suffix, and the first violation a breadth-first search
// finds in a suffix is at its shortest (issue 12).
//
// Over datagrams the canonical form is the multiset of messages in flight and
// the set of armed timers: send and arm order are not part of it. So the
// suffix delivers the smallest message in the canonical order (receiver,
// sender, then the message's JSON text) and fires the smallest timer (node,
// name), not the oldest. Over FIFO links the explorer's fingerprint keeps the
// order of everything in flight (fingerprint.ts), so Scheduler.fairPick's
// oldest-first choice is already a function of it.
import { CLIENT, DELIVER, FIRE, HEAL, RESTART, type Scheduler } from '../scheduler.ts';
import type { Packet, Timer, World } from '../world.ts';

// A message object is shared by every world it is in flight in: its text is
// computed once. Keyed weakly, so it goes with the last world holding it.
const texts = new WeakMap<object, string>();

/** A message's JSON text (remembered per message object). */
export function msgText(m: unknown): string {
  if (m === null || typeof m !== 'object') return JSON.stringify(m) ?? 'undefined';
  let t = texts.get(m);
  if (t === undefined) {
    t = JSON.stringify(m);
    texts.set(m, t);
  }
  return t;
}

// The suffix compares the texts of packets on one link at every step: a slot
// per packet id, checked against the message object, answers that without
// hashing (the WeakMap lookups were 6% of a Paxos step). The check makes a slot
// safe to share between runs and between the explorer's branches, where one
// id may carry different messages.
const slotMsg: unknown[] = [];
const slotText: string[] = [];

function packetText(pk: Packet<unknown>): string {
  const id = pk.id;
  if (id < 4096) {
    if (slotMsg[id] === pk.msg && id < slotText.length) return slotText[id];
    // Most packets are compared on one step only: no WeakMap round trip.
    const m = pk.msg;
    const t = m === null || typeof m !== 'object' ? msgText(m) : JSON.stringify(m);
    while (slotText.length <= id) {
      slotText.push('');
      slotMsg.push(undefined);
    }
    slotMsg[id] = pk.msg;
    slotText[id] = t;
    return t;
  }
  return msgText(pk.msg);
}

/** Canonical order of packets: receiver, sender, break notices first, then the message text. */
export function comparePackets(a: Packet<unknown>, b: Packet<unknown>): number {
  if (a.to !== b.to) return a.to - b.to;
  if (a.from !== b.from) return a.from - b.from;
  if (a.down !== b.down) return a.down ? -1 : 1;
  if (a.msg === b.msg) return 0;
  const x = packetText(a);
  const y = packetText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareTimers(a: Timer, b: Timer): number {
  if (a.node !== b.node) return a.node - b.node;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Fair-suffix rank of an action kind; lower goes first (99: never in the suffix). */
function rank(k: number): number {
  return k === HEAL ? 0 : k === RESTART ? 1 : k === DELIVER ? 2 : k === CLIENT ? 3 : k === FIRE ? 4 : 99;
}

/**
 * The fair suffix's choice among the actions `sch` listed for w: heal, restart
 * the lowest crashed node, deliver, inject the next client request, fire; -1
 * when quiescent. Which delivery and which timer is canonical over datagrams
 * (see above) and oldest-first over FIFO links.
 */
export function fairChoice(sch: Scheduler, w: World, clients: boolean): number {
  if (sch.fifo) return sch.fairPick(clients);
  let best = -1;
  let bestRank = 99;
  for (let i = 0; i < sch.count; i++) {
    const k = sch.kinds[i];
    if (!clients && k === CLIENT) continue;
    const r = rank(k);
    if (r < bestRank) {
      bestRank = r;
      best = i;
    } else if (r === bestRank && r === 2) {
      if (comparePackets(w.net[sch.args[i]], w.net[sch.args[best]]) < 0) best = i;
    } else if (r === bestRank && r === 4) {
      if (compareTimers(w.timers[sch.args[i]], w.timers[sch.args[best]]) < 0) best = i;
    }
  }
  return best;
}
