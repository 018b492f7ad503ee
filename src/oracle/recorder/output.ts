// Writing the recorded history: one file, written once, atomically, every line checked
// against the zk-history/1 schema (history/schema.ts) as it is serialized.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { serializeLine } from '../history/schema.ts';
import type { Json } from './options.ts';

/** The line as the file will hold it; a line the schema rejects is the recorder's bug. */
function lineText(obj: Json): string {
  try {
    return serializeLine(obj);
  } catch (e) {
    throw new Error(`the recorder built a line the zk-history/1 schema rejects (${(e as Error).message}): ${JSON.stringify(obj).slice(0, 300)}`);
  }
}

/** A body line with its time (sort key) and the order it was recorded in. */
export interface BufferedLine {
  key: number;
  seq: number;
  obj: Json;
}

/**
 * Writes meta, the body lines in time order (ties in the order they were pushed) and
 * the summary to a temporary file, fsyncs it and renames it into place, so that a
 * failed write leaves no partial history.
 */
export function writeHistoryFile(outFile: string, meta: Json, lines: readonly BufferedLine[], summary: Json): void {
  const body = [...lines].sort((a, b) => a.key - b.key || a.seq - b.seq);
  for (const { obj } of body) {
    if (obj.kind === 'op' && (obj.outcome === null || obj.t_complete === null)) {
      throw new Error(`op ${obj.id} never completed: the op timeout should have ended it`);
    }
  }
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, lineText(meta) + '\n');
    let chunk: string[] = [];
    for (const { obj } of body) {
      chunk.push(lineText(obj));
      if (chunk.length >= 2000) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
    writeSync(fd, lineText(summary) + '\n');
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, outFile);
}
