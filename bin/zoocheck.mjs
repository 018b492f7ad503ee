#!/usr/bin/env node
// Thin launcher: runs the TypeScript CLI through tsx's loader so `npx zoocheck`
// works straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(join(here, '..', 'src', 'cli', 'main.ts'));
