// The registry by name for the command line: a protocol's module is imported
// when it is asked for, so `zoocheck check paxos` and each of its worker
// threads load Paxos alone (start-up, `npm run bench`). index.ts is the same
// registry loaded at once, for the tests and benchmarks; the name type keeps
// both complete.
import type { Protocol } from '../src/protocol.ts';
import type { ProtocolName } from './names.ts';

const loaders: Record<ProtocolName, () => Promise<Protocol>> = {
  paxos: async () => (await import('./paxos.ts')).paxosProtocol() as Protocol,
  zab: async () => (await import('./zab.ts')).zabProtocol() as Protocol,
  znode: async () => (await import('./znode.ts')).znodeProtocol() as Protocol,
  zk: async () => (await import('./zk.ts')).zkProtocol() as Protocol,
};

export async function loadProtocol(name: string): Promise<Protocol | null> {
  return Object.hasOwn(loaders, name) ? loaders[name as ProtocolName]() : null;
}
