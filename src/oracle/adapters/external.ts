// Plug another implementation of one role into a protocol: its nodes step
// through a subprocess speaking JSON lines, everything else (the other roles,
// the scheduler, the invariants) stays zoocheck's. The protocol is stateless on
// the implementation's side: each request carries the node's state and each
// answer returns the next one, so the state lives in the world like any model
// state and runs replay and shrink exactly (see README, "Implementation adapters").
//
// Differential mode also steps the model's own reducer on the same input from a
// shadow state and stops the run at the first step where the implementation's
// observable output (sends, timers, observations) differs from the model's.
import { z } from 'zod';
import { StepError, type BaseConfig, type Effects, type Input, type NodeId, type NodeModel } from '../../model.ts';
import type { Protocol } from '../../protocol.ts';
import { InputError } from '../../config.ts';
import { SyncProcess, ImplementationError } from './sync-process.ts';

export interface ImplSpec {
  /** The command line, e.g. ["node", "examples/paxos-acceptor/acceptor.js"]. */
  cmd: string[];
  role: string;
  differential: boolean;
}

const stateAnswer = z.object({ state: z.unknown() });
const stepAnswer = z.object({
  state: z.unknown(),
  send: z.array(z.object({ to: z.number().int().min(0), msg: z.unknown() })).optional(),
  timers: z.object({ set: z.array(z.string()).optional(), cancel: z.array(z.string()).optional() }).optional(),
  observe: z.array(z.unknown()).optional(),
});
const durableAnswer = z.object({ durable: z.unknown() });

/** Split a command string on spaces, honouring simple double quotes. */
export function parseCommand(cmd: string): string[] {
  const out = [...cmd.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  if (out.length === 0) throw new InputError('--impl: empty command');
  return out;
}

const SHADOW = '__model';

export function withImplementation<Cfg extends BaseConfig>(p: Protocol<any, any, any, any, any, Cfg>, spec: ImplSpec): Protocol<any, any, any, any, any, Cfg> {
  const roleOf = p.roleOf;
  if (!roleOf) throw new InputError(`--impl: the ${p.name} model declares no node roles`);
  const known = new Set<string>();
  const cfg0 = p.defaultConfig(null);
  for (let i = 0; i < p.nodeCount(cfg0); i++) known.add(roleOf(i, cfg0));
  if (!known.has(spec.role)) throw new InputError(`--impl-role: ${p.name} has no role "${spec.role}" (roles: ${[...known].join(', ')})`);
  let proc: SyncProcess | null = null;
  const call = <T>(schema: z.ZodType<T>, req: Record<string, unknown>): T => {
    proc ??= new SyncProcess(spec.cmd);
    let answer: unknown;
    try {
      answer = proc.call(req);
    } catch (e) {
      if (e instanceof ImplementationError) throw new StepError('Implementation', e.message);
      throw e;
    }
    const r = schema.safeParse(answer);
    if (!r.success) {
      const issue = r.error.issues[0];
      const err = (answer as { error?: unknown } | null)?.error;
      throw new StepError(
        'Implementation',
        `the implementation's answer to ${req.op} ${typeof err === 'string' ? `was an error: ${err}` : `has a bad field ${issue.path.join('.') || '(root)'}: ${issue.message}`}`,
      );
    }
    return r.data;
  };
  const model = p.model;
  const mine = (id: NodeId, cfg: Cfg) => roleOf(id, cfg) === spec.role;
  const strip = (s: any) => {
    if (!spec.differential || s === null || typeof s !== 'object') return s;
    const { [SHADOW]: _shadow, ...rest } = s;
    return rest;
  };
  const wrapped: NodeModel<any, any, any, any, Cfg> = {
    init(id, cfg) {
      if (!mine(id, cfg)) return model.init(id, cfg);
      const r = call(stateAnswer, { op: 'init', node: id, role: spec.role, config: cfg });
      return spec.differential ? { ...(r.state as object), [SHADOW]: model.init(id, cfg) } : r.state;
    },
    step(s, input: Input<unknown, unknown>, id, cfg) {
      if (!mine(id, cfg)) return model.step(s, input, id, cfg);
      const r = call(stepAnswer, { op: 'step', node: id, role: spec.role, config: cfg, state: strip(s), input });
      const effects: Effects<unknown, unknown> = {};
      if (r.send && r.send.length > 0) effects.send = r.send;
      if (r.timers && ((r.timers.set?.length ?? 0) > 0 || (r.timers.cancel?.length ?? 0) > 0)) effects.timers = r.timers;
      if (r.observe && r.observe.length > 0) effects.observe = r.observe;
      if (!spec.differential) return { state: r.state, effects };
      const m = model.step(s[SHADOW], input, id, cfg);
      const want = observable(m.effects);
      const got = observable(effects);
      if (want !== got) throw new StepError('Differential', `node ${p.render.node(id, cfg)} on ${describeInput(input, p, cfg)}: the model's output is ${want}, the implementation's is ${got}`);
      return { state: { ...(r.state as object), [SHADOW]: m.state }, effects };
    },
    durable(s, id, cfg) {
      if (!mine(id, cfg)) return model.durable(s, id, cfg);
      const d = call(durableAnswer, { op: 'durable', node: id, role: spec.role, config: cfg, state: strip(s) }).durable;
      // The shadow rides along under its own key, so the durable contract's fields stay where invariants read them.
      return spec.differential ? { ...(d as object), [SHADOW]: model.durable(s[SHADOW], id, cfg) } : d;
    },
    recover(d: any, id, cfg) {
      if (!mine(id, cfg)) return model.recover(d, id, cfg);
      const durable = strip(d);
      const r = call(stateAnswer, { op: 'recover', node: id, role: spec.role, config: cfg, durable });
      return spec.differential ? { ...(r.state as object), [SHADOW]: model.recover(d[SHADOW], id, cfg) } : r.state;
    },
  };
  return { ...p, model: wrapped };
}

/** Sends, timers and observations in a canonical JSON form. */
function observable(fx: Effects<unknown, unknown>): string {
  return JSON.stringify({
    send: fx.send ?? [],
    set: [...(fx.timers?.set ?? [])].sort(),
    cancel: [...(fx.timers?.cancel ?? [])].sort(),
    observe: fx.observe ?? [],
  });
}

function describeInput(input: Input<unknown, unknown>, p: Protocol, cfg: BaseConfig): string {
  switch (input.kind) {
    case 'deliver':
      return `${p.render.msg(input.msg)} from ${p.render.node(input.from, cfg)}`;
    case 'timeout':
      return `timeout ${input.timer}`;
    case 'client':
      return `client ${p.render.request(input.request)}`;
    case 'linkDown':
      return `link to ${p.render.node(input.peer, cfg)} down`;
    default:
      return input.kind;
  }
}
