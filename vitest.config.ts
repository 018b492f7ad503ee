import { defineConfig } from 'vitest/config';

// The real-ZooKeeper suite needs a ZooKeeper install and runs from .ci/run
// through its own config (vitest.zk.config.ts); everything else runs here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/zk-real*.test.ts', 'node_modules/**'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
