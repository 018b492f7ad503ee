// What a recording run is told: the workload and fault knobs (RecordOptions), and what
// the recorder needs from an ensemble (scripts/zk/ensemble.ts provides one).

/**
 * pause: SIGSTOP a member for faultMs; kill: SIGKILL and restart after faultMs;
 * partition: cut one client off from every member for faultMs (its session expires when
 * that is longer than the session timeout); pause-all: SIGSTOP every member at once for
 * faultMs (a host-wide stall: on resume the leader's session tracker finds every
 * session's deadline passed while the clients race to reconnect).
 */
export type FaultMode = 'pause' | 'kill' | 'partition' | 'pause-all';
export const FAULT_MODES: readonly FaultMode[] = ['pause', 'kill', 'partition', 'pause-all'];

export interface RecordOptions {
  seed: number;
  clients: number;
  /** Main-phase operations; with faults it is only a cap and the nemesis decides the end. */
  ops: number;
  maxSeconds: number;
  keys: number;
  ephemerals: number;
  thinkMs: number;
  sessionTimeoutMs: number;
  opTimeoutMs: number;
  watchProb: number;
  faults: boolean;
  faultCount: number;
  faultModes: FaultMode[];
  faultMs: number;
  faultGapMs: number;
  finalRead: boolean;
  maxSessionsPerClient: number;
  quiet: boolean;
}

export const DEFAULT_OPTIONS: RecordOptions = {
  seed: 1,
  clients: 5,
  ops: 600,
  maxSeconds: 60,
  keys: 4,
  ephemerals: 3,
  thinkMs: 2,
  sessionTimeoutMs: 6000,
  opTimeoutMs: 5000,
  watchProb: 0.15,
  faults: false,
  faultCount: 4,
  faultModes: ['pause', 'kill'],
  faultMs: 4000,
  faultGapMs: 2500,
  finalRead: true,
  maxSessionsPerClient: 8,
  quiet: false,
};

export interface EnsembleMemberStatus {
  name: string;
  mode: string;
  zxid: number | null;
  version?: string;
}

/** What the recorder needs from an ensemble; scripts/zk/ensemble.ts provides it. */
export interface TargetEnsemble {
  readonly connectionString: string;
  readonly members: ReadonlyArray<{ name: string; myid: number; clientPort: number; pid: number | null }>;
  status(): Promise<EnsembleMemberStatus[]>;
  waitForLeader(timeoutMs: number, opts?: { requireAll?: boolean }): Promise<EnsembleMemberStatus[]>;
  pause(name: string): number;
  resume(name: string): number;
  kill(name: string): Promise<number>;
  restart(name: string): Promise<number>;
}

export interface RecordResult {
  file: string;
  summary: Record<string, unknown>;
}

/** A history line or outcome as the recorder builds it, before it is written. */
export type Json = Record<string, unknown>;
