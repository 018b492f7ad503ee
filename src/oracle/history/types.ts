// The in-memory shape of a zk-history/1 file (../shared/history-format.md).
// Only the fields the checker relies on are typed; extra fields in the file are dropped.

export type OpType = 'create' | 'set' | 'get' | 'exists' | 'children' | 'delete' | 'sync' | 'close_session';
export type CreateMode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL';
export type WatchKind = 'data' | 'exist' | 'child';
export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

/** The znode stat, shared with the tree model so the two can never drift apart. */
export type { Stat } from '../../../models/znode/stat.ts';
import type { Stat } from '../../../models/znode/stat.ts';

export interface Outcome {
  type: 'ok' | 'error' | 'info';
  /** Present for ok and error: a write's txn zxid, a read's serving member's last applied zxid. */
  zxid?: number;
  server?: string | null;
  error?: string;
  code?: number;
  created_path?: string;
  stat?: Stat | null;
  value?: string | null;
  value_b64?: string | null;
  exists?: boolean;
  children?: string[];
}

export interface OpArgs {
  mode?: CreateMode;
  value?: string | null;
  version?: number;
  watch?: boolean;
}

export interface WatchEvent {
  type: WatchEventType;
  path: string;
  t: number;
}

export interface OpLine {
  kind: 'op';
  id: number;
  phase: string;
  process: number;
  client: number;
  session: string | null;
  server: string | null;
  type: OpType;
  path: string | null;
  args: OpArgs;
  t_invoke: number;
  t_complete: number;
  outcome: Outcome;
  watch_registered?: WatchKind;
  watch_events?: WatchEvent[];
}

export interface MetaLine {
  kind: 'meta';
  format: 'zk-history/1';
  root: string;
  [extra: string]: unknown;
}

export interface SessionLine {
  kind: 'session';
  t: number;
  client: number;
  session: string | null;
  server: string | null;
  event: string;
}

export interface WatchLine {
  kind: 'watch';
  t: number;
  client: number;
  session: string | null;
  server: string | null;
  type: WatchEventType;
  path: string;
  ops: number[];
}

export interface NemesisLine {
  kind: 'nemesis';
  t: number;
  action: string;
  [extra: string]: unknown;
}

export interface LateLine {
  kind: 'late';
  t: number;
  op: number;
  outcome: Outcome;
  /** The late reply registered a watch (written by zoocheck's recorder). */
  watch_registered?: WatchKind;
}

export interface SummaryLine {
  kind: 'summary';
  [extra: string]: unknown;
}

export type HistoryLine = MetaLine | OpLine | SessionLine | WatchLine | NemesisLine | LateLine | SummaryLine;

/** Guarantees from "What ZooKeeper promises"; every violation names exactly one. */
export type Guarantee =
  | 'linearizable-writes'
  | 'real-time-order'
  | 'session-fifo'
  | 'monotonic-reads'
  | 'read-your-writes'
  | 'sync'
  | 'read-consistency'
  | 'watch-one-shot'
  | 'watch-before-data'
  | 'watch-order'
  | 'watch-cause'
  | 'ephemeral-lifetime'
  | 'sequential-names';

export interface Violation {
  guarantee: Guarantee;
  /** Op ids involved, the op that exposed the violation first. */
  ops: number[];
  message: string;
}

export interface SearchInfo {
  /** Indeterminate writes (no zxid) and session expiries whose position is unknown. */
  hiddenEvents: number;
  /** Hidden events the accepted explanation (or the best attempt) places in zxid order. */
  placed: number;
  /** True when placements had to be searched for (bounded, depth-first with backtracking). */
  used: boolean;
  /** True when the search ran out of its budget: a violation verdict is then not definitive. */
  budgetExhausted: boolean;
  /** Checkpoints replayed in total (the budget's unit). */
  steps: number;
}

export interface CheckResult {
  verdict: 'ok' | 'violation';
  violations: Violation[];
  ops: number;
  checkedMs: number;
  search: SearchInfo;
}
