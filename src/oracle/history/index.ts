// The history checker's public surface (the CLI's `check-history` uses these).
export { readHistoryFile, parseHistory } from './parse.ts';
export { checkHistory, type CheckOptions } from './check.ts';
export { formatReport } from './report.ts';
export type { CheckResult, Guarantee, HistoryLine, OpLine, Stat, Violation, SearchInfo } from './types.ts';
