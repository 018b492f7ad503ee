#!/usr/bin/env node
// Launcher: runs the compiled CLI (dist/, built by `npm ci` through the
// `prepare` script) with plain node, so start-up loads JavaScript only.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`zoocheck is not built (${main} is missing): run "npm ci" or "npm run build"\n`);
  process.exit(2);
}
await import(pathToFileURL(main).href);
