// What of a trace event is data and what is rendering. Replay (and with it the
// committed trace corpus) compares the data, so a trace survives a cosmetic
// change: a renderer's new wording, a new node label. Data: the step, phase,
// choice and action; which nodes (by index in the trace's node list); raw
// messages and requests; the link break, the timer, the partition sides; the
// sends (to whom, raw message); the timers set and cancelled; and the node's
// state when the model records it raw. Rendering: every `text`, the
// observations (recorded only as text), a state passed through the model's
// state renderer, and the node labels themselves.
import type { TraceEvent } from './events.ts';

export function eventData(e: TraceEvent, nodes: readonly string[], rawState: boolean): unknown {
  const id = (label: string | undefined) => (label === undefined ? undefined : nodes.indexOf(label));
  return {
    step: e.step,
    phase: e.phase,
    choice: e.choice,
    action: e.action,
    node: id(e.node),
    from: id(e.from),
    to: id(e.to),
    msg: e.msg,
    linkDown: e.linkDown,
    timer: e.timer,
    request: e.request,
    groups: e.groups?.map((side) => side.map(id)),
    sends: e.sends?.map((s) => ({ to: id(s.to), msg: s.msg })),
    timersSet: e.timersSet,
    timersCancelled: e.timersCancelled,
    state: rawState ? e.state : undefined,
  };
}

/** Whether two events carry the same data (see above). */
export function sameEventData(a: TraceEvent, aNodes: readonly string[], b: TraceEvent, bNodes: readonly string[], rawState: boolean): boolean {
  return JSON.stringify(eventData(a, aNodes, rawState)) === JSON.stringify(eventData(b, bNodes, rawState));
}
