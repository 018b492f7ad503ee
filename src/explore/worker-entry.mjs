// worker_threads entry when the engine runs from TypeScript sources (vitest,
// tsx during development): load them through tsx, then the real worker. The
// compiled CLI starts dist/src/explore/worker.js directly instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
