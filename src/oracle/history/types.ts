// The checker's types: the lines of a zk-history/1 file (declared once, in schema.ts)
// and what a check concludes (guarantees, violations, the search's account).

export type {
  CreateMode,
  HistoryLine,
  MetaLine,
  NemesisLine,
  OpLine,
  OpType,
  Outcome,
  SessionLine,
  WatchEvent,
  WatchEventType,
  WatchKind,
  WatchLine,
} from './schema.ts';

/** The znode stat, shared with the tree model so the two can never drift apart. */
export type { Stat } from '../../../models/znode/stat.ts';

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
  | 'session-lifetime'
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
