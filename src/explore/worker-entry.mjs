// worker_threads entry: load TypeScript through tsx, then the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
