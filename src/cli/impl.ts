// Plugging an external implementation into a protocol for trace replay: the
// trace records the command and the role it played (src/oracle/adapters).
import { withImplementation, type ImplSpec } from '../oracle/adapters/external.ts';
import type { Protocol } from '../protocol.ts';

/** replayTrace's resolver from a registry: the trace's protocol, with the external implementation it records plugged in. */
export function traceResolver(get: (name: string) => Protocol | null): (name: string, impl?: ImplSpec) => Protocol | null {
  return (name, impl) => {
    const base = get(name);
    return base !== null && impl ? withImplementation(base, impl) : base;
  };
}
