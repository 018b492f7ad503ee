import { defineConfig } from 'vitest/config';

// `npm test`: everything that needs Node alone. The suites that need a system
// package run from their own scripts (and from .ci/run, which installs them):
//   npm run test:browser  Debian's chromium (vitest.browser.config.ts)
//   npm run test:zk       Debian's zookeeper (scripts/zk/vitest.zk.config.ts)
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/zk-real*.test.ts', 'node_modules/**'],
    globalSetup: ['test/helpers/build-cli.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
