// `zoocheck check-history`: judge a recorded ZooKeeper client history
// (zk-history/1) against the znode-tree model and ZooKeeper's guarantees.
import { checkHistory, formatReport, readHistoryFile } from '../oracle/history/index.ts';
import { EXIT_OK, EXIT_VIOLATION } from './io.ts';

export function cmdCheckHistory(file: string, o: { json: boolean }): number {
  const lines = readHistoryFile(file);
  const r = checkHistory(lines);
  if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    const text = formatReport(r);
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
  return r.verdict === 'ok' ? EXIT_OK : EXIT_VIOLATION;
}
