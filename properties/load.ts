// The registry by name for the command line: a protocol's module is imported
// when it is asked for, so `zoocheck check paxos` and each of its worker
// threads load Paxos alone (start-up, `npm run bench`). index.ts is the same
// registry loaded at once, for the tests and benchmarks; the name type keeps
// both complete.
import type { Protocol } from '../src/protocol.ts';
import type { ProtocolName } from './names.ts';
import { splitProfile, withProfileNamed } from './profile-name.ts';

const loaders: Record<ProtocolName, () => Promise<Protocol>> = {
  paxos: async () => (await import('./paxos.ts')).paxosProtocol() as Protocol,
  zab: async () => (await import('./zab.ts')).zabProtocol() as Protocol,
  znode: async () => (await import('./znode.ts')).znodeProtocol() as Protocol,
  zk: async () => (await import('./zk.ts')).zkProtocol() as Protocol,
};

/** `zab@3.8.0` is zab under its 3.8.0 version profile. */
export async function loadProtocol(name: string): Promise<Protocol | null> {
  const [base, profile] = splitProfile(name);
  return Object.hasOwn(loaders, base) ? withProfileNamed(await loaders[base as ProtocolName](), profile) : null;
}
