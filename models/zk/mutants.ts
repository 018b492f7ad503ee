// Named bug variants of the ensemble, selected by `config.mutant`. Each breaks
// one thing a ZooKeeper server does for its clients; the ZAB and znode models
// underneath stay correct.
import type { Mutant } from '../../src/protocol.ts';

export const ZK_MUTANTS: Mutant[] = [
  { name: 'read-uncommitted', description: "the leader serves reads from its log, proposals included: a client can read state that is not (yet, or ever) committed" },
  { name: 'apply-out-of-order', description: 'a follower whose commit processor has several delivered txns to apply applies them newest first' },
  { name: 'ephemeral-survives-on-follower', description: "followers end a closed or expired session but do not delete its ephemerals" },
  { name: 'reply-before-commit', description: "a server answers a write as soon as the txn is in its log, before it is committed" },
  { name: 'no-lastzxid-check', description: "a server accepts a reconnecting client whose lastZxidSeen is ahead of its own last zxid" },
  { name: 'watch-after-reply', description: 'watch events are queued behind the next reply to the client instead of being sent before it' },
  { name: 'no-session-moved', description: "the leader drops PrepRequestProcessor's session owner check: a write left behind on a client's old server still applies after the session moved" },
];
