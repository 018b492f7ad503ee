// The registry of protocols the CLI and the test suites know by name.
import type { Protocol } from '../src/protocol.ts';
import { paxosProtocol } from './paxos.ts';
import { zabProtocol } from './zab.ts';
import { zkProtocol } from './zk.ts';
import { znodeProtocol } from './znode.ts';

const factories: Record<string, () => Protocol> = {
  paxos: paxosProtocol as () => Protocol,
  zab: zabProtocol as () => Protocol,
  znode: znodeProtocol as () => Protocol,
  zk: zkProtocol as () => Protocol,
};

export function protocolNames(): string[] {
  return Object.keys(factories);
}

/** A protocol by name; `zab@3.8.0` is zab under its 3.8.0 version profile. */
export function getProtocol(name: string): Protocol | null {
  const at = name.indexOf('@');
  const f = factories[at < 0 ? name : name.slice(0, at)];
  if (!f) return null;
  const p = f();
  if (at < 0) return p;
  const profile = name.slice(at + 1);
  return p.withProfile !== undefined && p.profiles?.[profile] !== undefined ? p.withProfile(profile) : null;
}
