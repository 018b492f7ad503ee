// `zoocheck report`: turn a trace into a page a person can read.
import { renderHtml } from '../report/html.ts';
import { readTrace } from '../trace/format.ts';
import { EXIT_OK, writeAtomic } from './io.ts';

export function cmdReport(file: string, o: { html: string }): number {
  const t = readTrace(file);
  const page = renderHtml(t);
  writeAtomic(o.html, page);
  process.stdout.write(`${o.html}\n`);
  return EXIT_OK;
}
