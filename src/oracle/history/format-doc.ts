// docs/history-format.md's field table, generated from schema.ts so the docs cannot
// drift from what the parser accepts and the recorder writes (test/history-schema.test.ts
// compares them). Regenerate with:  npx tsx src/oracle/history/format-doc.ts --write
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fieldTable } from './schema.ts';

export const FORMAT_DOC = fileURLToPath(new URL('../../../docs/history-format.md', import.meta.url));
const BEGIN = '<!-- field table: generated from src/oracle/history/schema.ts -->';
const END = '<!-- end of field table -->';

/** The doc with its field table replaced by the one the schema gives. */
export function withFieldTable(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${FORMAT_DOC}: the field table markers are missing`);
  return doc.slice(0, a + BEGIN.length) + '\n' + fieldTable().join('\n') + '\n' + doc.slice(b);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--write')) {
  writeFileSync(FORMAT_DOC, withFieldTable(readFileSync(FORMAT_DOC, 'utf8')));
}
