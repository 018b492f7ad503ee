// The CLI's door to the protocol registry (properties/index.ts): protocols by
// name for the commands, and what a check worker thread loads to build its
// protocol (src/explore/worker.ts imports this module by the URL in its task),
// with the external implementation plugged in when --impl is given. Kept in
// the CLI layer so the engine imports no model.
import type { ProtocolSource } from '../explore/pool.ts';
import { InputError } from '../input-error.ts';
import { withImplementation, type ImplSpec } from '../oracle/adapters/external.ts';
import type { Protocol } from '../protocol.ts';
import { getProtocol, protocolNames } from '../../properties/index.ts';

export function requireProtocol(name: string): Protocol {
  const p = getProtocol(name);
  if (p === null) throw new InputError(`unknown model "${name}" (known: ${protocolNames().join(', ')})`);
  return p;
}

interface WorkerProtocolArg {
  model: string;
  impl?: ImplSpec;
}

export function workerProtocol(arg: unknown): Protocol {
  const a = arg as WorkerProtocolArg;
  const base = getProtocol(a.model);
  if (base === null) throw new Error(`unknown model ${a.model}`);
  return a.impl ? withImplementation(base, a.impl) : base;
}

/** A trace's protocol by name, with the external implementation it records plugged in (replayTrace). */
export function protocolForTrace(name: string, impl?: ImplSpec): Protocol | null {
  const base = getProtocol(name);
  return base !== null && impl ? withImplementation(base, impl) : base;
}

/** The source a parallel check of `model` hands its workers. */
export function protocolSource(model: string, impl?: ImplSpec): ProtocolSource {
  const arg: WorkerProtocolArg = { model, impl };
  return { module: import.meta.url, arg };
}
