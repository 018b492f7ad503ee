// The CLI's door to the protocol registry: protocols by name for the commands
// (each model's module loaded when named, properties/load.ts), and what a
// check worker thread loads to build its protocol (src/explore/worker.ts
// imports this module by the URL in its task), with the external
// implementation plugged in when --impl is given. Kept in the CLI layer so the
// engine imports no model. Nothing here loads zod: a check that reads no
// configuration never needs it (start-up, `npm run bench`).
import type { ProtocolSource } from '../explore/pool.ts';
import { InputError } from '../input-error.ts';
import type { ImplSpec } from '../oracle/adapters/external.ts';
import type { Protocol } from '../protocol.ts';
import { loadProtocol } from '../../properties/load.ts';
import { PROTOCOL_NAMES } from '../../properties/names.ts';

export async function requireProtocol(name: string): Promise<Protocol> {
  const p = await loadProtocol(name);
  if (p === null) throw new InputError(`unknown model "${name}" (known: ${PROTOCOL_NAMES.join(', ')})`);
  return p;
}

interface WorkerProtocolArg {
  model: string;
  impl?: ImplSpec;
}

export async function workerProtocol(arg: unknown): Promise<Protocol> {
  const a = arg as WorkerProtocolArg;
  const base = await loadProtocol(a.model);
  if (base === null) throw new Error(`unknown model ${a.model}`);
  if (!a.impl) return base;
  // The adapter (and zod, which it parses answers with) only when an implementation plays.
  const { withImplementation } = await import('../oracle/adapters/external.ts');
  return withImplementation(base, a.impl);
}

/** The source a parallel check of `model` hands its workers. */
export function protocolSource(model: string, impl?: ImplSpec): ProtocolSource {
  const arg: WorkerProtocolArg = { model, impl };
  return { module: import.meta.url, arg };
}
