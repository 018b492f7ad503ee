// The history checker's public surface (the CLI's `check-history` uses these).
export { readHistoryFile, parseHistory } from './parse.ts';
export { checkHistory } from './check.ts';
export { formatReport } from './report.ts';
export type { HistoryLine, OpLine } from './types.ts';
