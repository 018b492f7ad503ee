// The protocol names, apart from the registry (index.ts) so the command line
// can list them without loading every model; the registry's type makes both agree.
export const PROTOCOL_NAMES = ['paxos', 'zab', 'znode', 'zk'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
