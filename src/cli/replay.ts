// `zoocheck replay`: re-run a trace and print it.
import pc from 'picocolors';
import { readTrace, traceJson } from '../trace/format.ts';
import { renderMermaid, renderText } from '../trace/render.ts';
import { replayTrace } from '../trace/replay.ts';
import { requireHistoryModel, writeModelHistory } from './model-history.ts';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';
import { traceResolver } from './impl.ts';
import { loadProtocol } from '../../properties/load.ts';

export async function cmdReplay(file: string, o: { format: string; mutant?: string; history?: string }): Promise<number> {
  const t = readTrace(file);
  const base = await loadProtocol(t.model);
  if (base !== null) requireHistoryModel(base, o.history);
  const mutant = o.mutant === undefined ? undefined : o.mutant === 'none' ? null : o.mutant;
  const r = replayTrace(
    t,
    traceResolver((name) => (name === t.model ? base : null)),
    mutant,
    file,
  );
  if (r.divergence) {
    const d = r.divergence;
    const what = (e: typeof d.expected) => (e === null ? 'nothing' : `${e.action}${e.node ? ' ' + e.node : ''}${e.text ? ' ' + e.text : ''}`);
    process.stderr.write(
      `zoocheck: ${file}: replay diverges at step ${d.step} (event ${d.index}): recorded ${what(d.expected)}, now ${what(d.actual)}; the model changed since this trace was written\n`,
    );
    return EXIT_USAGE;
  }
  if (o.history !== undefined && base !== null) writeModelHistory(base, r.trace.config as never, r.trace.choices, o.history);
  const out = o.format === 'mermaid' ? renderMermaid(r.trace) : o.format === 'json' ? traceJson(r.trace) : renderText(r.trace);
  process.stdout.write(out);
  if (o.format === 'text' && r.violation && t.violation && r.violation.invariant !== t.violation.invariant) {
    process.stdout.write(pc.yellow(`note: the trace recorded ${t.violation.invariant}; this run violates ${r.violation.invariant}\n`));
  }
  return r.violation ? EXIT_VIOLATION : EXIT_OK;
}
