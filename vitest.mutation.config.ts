import { defineConfig } from 'vitest/config';

// StrykerJS's test command (stryker.config.mjs, `npm run mutation`): the
// property suites (test/mutation/suites.mutation.ts), the znode tree's
// differential and unit tests, and the FLE vote-order properties.
export default defineConfig({
  test: {
    include: ['test/mutation/*.mutation.ts', 'test/znode-model.test.ts', 'test/znode-tree.test.ts', 'test/zab-vote.test.ts'],
    testTimeout: 180_000,
  },
});
