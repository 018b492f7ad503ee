// The real-ZooKeeper suite (test/zk-real*.test.ts): it installs Debian's zookeeper when
// missing and starts JVMs, so it is kept out of `npm test` and run on purpose:
//   ZOOCHECK_REAL_ZK=1 npx vitest run --config scripts/zk/vitest.zk.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/zk-real*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One ensemble at a time: 2 cores and fixed port ranges.
    fileParallelism: false,
  },
});
