// Named bug variants of the ensemble. Each breaks one thing a ZooKeeper server
// does for its clients; the reducers consult the switch table that
// `zkVariant(cfg)` builds once per configuration. Every ZAB mutant runs here
// too: the servers' ZAB is models/zab, reading the same configuration.
import type { Mutant } from '../../src/protocol.ts';
import { ZAB_MUTANTS } from '../zab/index.ts';
import type { ZkConfig } from './types.ts';

export interface ZkVariant {
  readUncommitted: boolean;
  applyOutOfOrder: boolean;
  ephemeralSurvivesOnFollower: boolean;
  replyBeforeCommit: boolean;
  noLastZxidCheck: boolean;
  watchAfterReply: boolean;
  noSessionMoved: boolean;
  expiryUntold: boolean;
  firedWatchKept: boolean;
}

interface ZkMutant extends Mutant {
  flips: keyof ZkVariant;
}

const MUTANTS: ZkMutant[] = [
  { name: 'read-uncommitted', flips: 'readUncommitted', description: 'the leader serves reads from its log, proposals included: a client can read state that is not (yet, or ever) committed' },
  { name: 'apply-out-of-order', flips: 'applyOutOfOrder', description: 'a follower whose commit processor has several delivered txns to apply applies them newest first' },
  { name: 'ephemeral-survives-on-follower', flips: 'ephemeralSurvivesOnFollower', description: 'followers end a closed or expired session but do not delete its ephemerals' },
  { name: 'reply-before-commit', flips: 'replyBeforeCommit', description: 'a server answers a write as soon as the txn is in its log, before it is committed' },
  { name: 'no-lastzxid-check', flips: 'noLastZxidCheck', description: 'a server accepts a reconnecting client whose lastZxidSeen is ahead of its own last zxid' },
  { name: 'watch-after-reply', flips: 'watchAfterReply', description: 'watch events are queued behind the next reply to the client instead of being sent before it' },
  {
    name: 'no-session-moved',
    flips: 'noSessionMoved',
    description: "the leader drops PrepRequestProcessor's session owner check: a write left behind on a client's old server still applies after the session moved",
  },
  {
    name: 'expiry-untold',
    flips: 'expiryUntold',
    description: 'a server that applies the closeSession of a session connected to it from elsewhere (an expiry) keeps the connection open and tells the client nothing',
  },
  {
    name: 'fired-watch-kept',
    flips: 'firedWatchKept',
    description: "a server sends the events a txn's triggers fire but keeps those watches registered, so the next change fires them again",
  },
];

/** The ensemble's own mutants, then ZAB's (named as in `zoocheck mutants zab`). */
export const ZK_MUTANTS: Mutant[] = [
  ...MUTANTS.map(({ name, description }) => ({ name, description })),
  ...ZAB_MUTANTS.map((m) => ({ name: m.name, description: `ZAB: ${m.description}`, from: 'zab' })),
];

const cache = new WeakMap<object, ZkVariant>();

export function zkVariant(cfg: ZkConfig): ZkVariant {
  let v = cache.get(cfg);
  if (v !== undefined) return v;
  const out: ZkVariant = {
    readUncommitted: false,
    applyOutOfOrder: false,
    ephemeralSurvivesOnFollower: false,
    replyBeforeCommit: false,
    noLastZxidCheck: false,
    watchAfterReply: false,
    noSessionMoved: false,
    expiryUntold: false,
    firedWatchKept: false,
  };
  const m = MUTANTS.find((x) => x.name === cfg.mutant);
  if (m !== undefined) out[m.flips] = true;
  v = Object.freeze(out);
  cache.set(cfg, v);
  return v;
}
