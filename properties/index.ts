// The registry of protocols the CLI and the test suites know by name.
import type { Protocol } from '../src/protocol.ts';
import { paxosProtocol } from './paxos.ts';
import { zabProtocol } from './zab.ts';
import { zkProtocol } from './zk.ts';
import { znodeProtocol } from './znode.ts';
import { PROTOCOL_NAMES, type ProtocolName } from './names.ts';
import { splitProfile, withProfileNamed } from './profile-name.ts';

const factories: Record<ProtocolName, () => Protocol> = {
  paxos: paxosProtocol as () => Protocol,
  zab: zabProtocol as () => Protocol,
  znode: znodeProtocol as () => Protocol,
  zk: zkProtocol as () => Protocol,
};

export function protocolNames(): string[] {
  return [...PROTOCOL_NAMES];
}

/** A protocol by name; `zab@3.8.0` is zab under its 3.8.0 version profile. */
export function getProtocol(name: string): Protocol | null {
  const [base, profile] = splitProfile(name);
  const f = Object.hasOwn(factories, base) ? factories[base as ProtocolName] : undefined;
  return f ? withProfileNamed(f(), profile) : null;
}
