// A directed ensemble scenario through the real scheduler (helpers/drive.ts):
// ZOOKEEPER-4712/4785 as a client sees it. Three voters, warm; client c0 on the
// leader s2, client c1 on follower s1. c0 creates /a; s1 takes the PROPOSAL and
// the COMMIT but its log thread has not flushed it when its connection to the
// leader breaks. It resyncs from memory (DIFF from 1:3: nothing to send), logs
// c0's next create /b behind the gap, crashes and restarts from its disk, and
// serves c1's read of /a once it has applied up to 1:4.
import { zkProtocol } from '../../properties/zk.ts';
import type { Protocol } from '../../src/protocol.ts';
import { drive } from './drive.ts';

type Srv = { zab: { lastCommitted: number; lphase: string }; serving: boolean; lastZxid: number };
type Cli = { server: number; phase: string };

export function lostWriteScenario(profile: string, mutant: string | null = null) {
  const p = zkProtocol().withProfile?.(profile) as Protocol;
  const cfg = {
    mutant,
    profile,
    voters: 3,
    observers: 0,
    warm: true,
    timeouts: false,
    ops: [
      [
        { op: 'create', path: '/a', mode: 'PERSISTENT' },
        { op: 'create', path: '/b', mode: 'PERSISTENT' },
      ],
      [{ op: 'getData', path: '/a', watch: false }],
    ],
    budget: { crashes: 1, drops: 3, duplicates: 0, partitions: 0 },
  };
  const d = drive(p, cfg);
  const srv = (i: number) => d.w.nodes[i] as unknown as Srv;
  const cli = () => d.w.nodes[4] as unknown as Cli;
  const noClients = (x: { kind: string }) => x.kind === 'client';
  const seen: string[] = [];
  const lc0 = srv(1).zab.lastCommitted;
  seen.push(...d.act('client', (x) => x.arg === 0));
  // Everyone but s1's log thread keeps up until s1 has applied /a.
  seen.push(
    ...d.fair(
      (w) => (w.nodes[1] as unknown as Srv).zab.lastCommitted > lc0,
      2000,
      (x) => (x.kind === 'flush' && x.node === 1) || x.kind === 'client',
    ),
  );
  seen.push(...d.act('drop', (x) => x.arg === 1 * 32 + 2));
  seen.push(...d.act('deliver', (x) => x.to === 1 && x.from === 2 && x.msg === null));
  seen.push(...d.fair((w) => (w.nodes[1] as unknown as Srv).serving && (w.nodes[1] as unknown as Srv).zab.lphase === 'broadcast', 3000, noClients));
  const lc1 = srv(1).zab.lastCommitted;
  seen.push(...d.act('client', (x) => x.arg === 1));
  seen.push(...d.fair((w) => (w.nodes[1] as unknown as Srv).zab.lastCommitted > lc1 && w.io[1].length === 0, 3000, noClients));
  seen.push(...d.act('crash', (x) => x.node === 1));
  seen.push(...d.fair((w) => (w.nodes[1] as unknown as Srv | null)?.serving === true && (w.nodes[4] as unknown as Cli).phase === 'connected', 3000, noClients));
  // Move c1 onto the restarted s1 (its client picks the next server in turn).
  for (let k = 0; k < 3 && cli().server !== 1; k++) {
    const sv = cli().server;
    seen.push(...d.act('drop', (x) => x.arg === sv * 32 + 4));
    seen.push(...d.act('deliver', (x) => x.to === 4 && x.msg === null));
    seen.push(...d.fair((w) => (w.nodes[4] as unknown as Cli).phase === 'connected', 3000, noClients));
  }
  seen.push(...d.fair((w) => (w.nodes[1] as unknown as Srv).lastZxid >= 0x100000004, 2000, noClients));
  seen.push(...d.act('client', (x) => x.arg === 2));
  seen.push(...d.fair(() => false, 1000));
  return { p, cfg, choices: d.choices, seen, server: cli().server };
}
