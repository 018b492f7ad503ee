// The nemesis of a fault run: pauses (SIGSTOP) or kills members in turn, alternating
// leader and follower, or cuts a client off from the ensemble, waits for the ensemble to be whole and led again after each
// fault, and always hands the ensemble back whole, whatever happened.
import seedrandom from 'seedrandom';
import type { Json, RecordOptions, TargetEnsemble } from './options.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the nemesis needs from the recorder: the ensemble, the clock, and its own history lines. */
export interface NemesisHost {
  ens: TargetEnsemble;
  o: RecordOptions;
  /** ns since the start of the run when the main phase began. */
  mainStart: number;
  now(): number;
  log(s: string): void;
  /** Record one nemesis line (and log it). */
  line(action: string, target: string | null, pid: number | null, role: string | null, extra?: Json): void;
  /** Counts of faults injected, per mode. */
  faults: Record<string, number>;
  /** Cuts the client drawn by `pick` (in [0, 1)) off from every member; its name, or null if no client is live. */
  isolateClient(pick: number): string | null;
  healClient(name: string): void;
}

/** Runs the configured faults; the caller marks the nemesis done when this settles. */
export async function runNemesis(host: NemesisHost): Promise<void> {
  const { ens, o } = host;
  const rng = seedrandom(`${o.seed}/nemesis`);
  const paused = new Set<string>();
  const killed = new Set<string>();
  const isolated = new Set<string>();
  const deadline = host.mainStart + o.maxSeconds * 1e9;
  // The fault, its repair and re-election must fit before the main phase's time bound.
  const budgetNs = (o.faultMs + 30_000) * 1e6;
  try {
    await sleep(o.faultGapMs);
    for (let i = 0; i < o.faultCount; i++) {
      if (host.now() + budgetNs > deadline && i > 0) {
        host.log(`nemesis: stopping after ${i} faults, time bound reached`);
        break;
      }
      const mode = o.faultModes[i % o.faultModes.length]!;
      const role = Math.floor(i / o.faultModes.length) % 2 === 0 ? 'leader' : 'follower';
      if (mode === 'partition') {
        const client = host.isolateClient(rng());
        if (client === null) continue;
        isolated.add(client);
        host.faults.partition = (host.faults.partition ?? 0) + 1;
        host.line('partition', client, null, 'client');
        await sleep(o.faultMs);
        host.healClient(client);
        isolated.delete(client);
        host.line('heal', client, null, 'client');
        await sleep(o.faultGapMs);
        continue;
      }
      if (mode === 'pause-all') {
        // Every member at once: nobody can serve, the leader's session tracker keeps
        // its deadlines, and on resume it may expire sessions whose clients have not
        // reconnected yet.
        const st = await ens.status();
        for (const m of ens.members) {
          paused.add(m.name);
          host.line('pause', m.name, ens.pause(m.name), st.find((x) => x.name === m.name)?.mode ?? null);
        }
        host.faults['pause-all'] = (host.faults['pause-all'] ?? 0) + 1;
        await sleep(o.faultMs);
        for (const m of ens.members) {
          paused.delete(m.name);
          host.line('resume', m.name, ens.resume(m.name), null);
        }
      } else {
        const st = await ens.status();
        const cands = st.filter((s) => s.mode === role).map((s) => s.name);
        if (cands.length === 0) continue;
        const target = cands[Math.floor(rng() * cands.length)]!;
        if (mode === 'pause') {
          const pid = ens.pause(target);
          paused.add(target);
          host.faults.pause!++;
          host.line('pause', target, pid, role);
          await sleep(o.faultMs);
          ens.resume(target);
          paused.delete(target);
          host.line('resume', target, pid, role);
        } else {
          killed.add(target);
          const pid = await ens.kill(target);
          host.faults.kill!++;
          host.line('kill', target, pid, role);
          await sleep(o.faultMs);
          const npid = await ens.restart(target);
          killed.delete(target);
          host.line('restart', target, npid, role);
        }
      }
      const healthy = await ens.waitForLeader(45_000, { requireAll: true });
      host.line('healthy', null, null, null, {
        members: healthy.map((s) => ({ name: s.name, mode: s.mode, zxid: s.zxid })),
      });
      await sleep(o.faultGapMs);
    }
  } finally {
    // Whatever happened, hand the ensemble back whole and every client connected.
    for (const c of isolated) {
      host.healClient(c);
      host.line('heal', c, null, 'client');
    }
    for (const n of paused) {
      try {
        ens.resume(n);
        host.line('resume', n, null, null);
      } catch {
        /* it is gone; nothing to resume */
      }
    }
    for (const n of killed) {
      try {
        const pid = await ens.restart(n);
        host.line('restart', n, pid, null);
      } catch {
        /* reported by the health check below */
      }
    }
  }
}
