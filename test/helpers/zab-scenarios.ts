// Directed ZAB scenarios through the real scheduler (helpers/drive.ts): the
// disk bugs whose preconditions random schedules reach only rarely. The tests
// run them on a mutant and on the correct model; scripts/directed-traces.ts
// writes their choices as the mutants' committed traces.
import { zabProtocol } from '../../properties/zab.ts';
import { drive } from './drive.ts';

const p = zabProtocol();

/**
 * Three voters, warm. The leader proposes w0; follower a logs it (flush) and
 * acks; the leader crashes before its own log flush, and b never got the
 * PROPOSAL. a wins the election and syncs b by DIFF [w0]. b handles NEWLEADER.
 */
export function toNewLeader(mutant: string | null) {
  const cfg = { mutant, voters: 3, observers: 0, writes: 1, warm: true, budget: { crashes: 2, drops: 0, duplicates: 0, partitions: 0 } };
  const d = drive(p, cfg);
  const st = (i: number) => d.w.nodes[i] as { state: string; lphase: string } | null;
  const L = [0, 1, 2].find((i) => st(i)?.state === 'LEADING') as number;
  const [a, b] = [0, 1, 2].filter((i) => i !== L);
  const seen: string[] = [];
  seen.push(...d.act('client'));
  seen.push(...d.act('deliver', (x) => x.from === L && x.to === a && (x.msg as { t: string }).t === 'PROPOSAL'));
  seen.push(...d.act('flush', (x) => x.node === a));
  seen.push(...d.act('crash', (x) => x.node === L));
  seen.push(...d.fair((w) => ['logging', 'epoching'].includes((w.nodes[b] as { lphase: string } | null)?.lphase ?? '')));
  return { d, a, b, seen, cfg };
}

/**
 * ZOOKEEPER-4643. w0 is committed by the leader and a; the leader crashes; a
 * leads and syncs b by DIFF [w0]; b writes currentEpoch 2 before it hands w0
 * to its log, and crashes in between. Then a crashes too, the old leader and b
 * restart: b's vote (epoch 2, zxid 0) beats the old leader's (epoch 1, w0), b
 * leads and truncates w0, which the old leader had delivered, off its disk.
 */
export function epochFirst(mutant: string | null) {
  const cfg = { mutant, voters: 3, observers: 0, writes: 1, warm: true, budget: { crashes: 3, drops: 0, duplicates: 0, partitions: 0 } };
  const d = drive(p, cfg);
  const st = (i: number) => d.w.nodes[i] as { state: string; lphase: string } | null;
  const L = [0, 1, 2].find((i) => st(i)?.state === 'LEADING') as number;
  const [a, b] = [0, 1, 2].filter((i) => i !== L);
  const seen: string[] = [];
  const t = (x: { msg: unknown }) => (x.msg as { t: string }).t;
  seen.push(...d.act('client'));
  seen.push(...d.act('deliver', (x) => x.from === L && x.to === a && t(x) === 'PROPOSAL'));
  seen.push(...d.act('flush', (x) => x.node === a));
  seen.push(...d.act('deliver', (x) => x.from === a && x.to === L && t(x) === 'ACK'));
  seen.push(...d.act('flush', (x) => x.node === L));
  seen.push(...d.act('crash', (x) => x.node === L));
  seen.push(
    ...d.fair(
      (w) => (w.nodes[b] as { lphase: string } | null)?.lphase === 'logging',
      2000,
      (x) => x.kind === 'restart',
    ),
  );
  seen.push(...d.act('crash', (x) => x.node === b));
  seen.push(...d.act('crash', (x) => x.node === a));
  seen.push(...d.act('restart', (x) => x.node === L));
  seen.push(...d.act('restart', (x) => x.node === b));
  seen.push(
    ...d.fair(
      () => false,
      600,
      (x) => x.kind === 'restart',
    ),
  );
  return { d, seen, cfg };
}
