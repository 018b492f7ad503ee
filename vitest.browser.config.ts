import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the HTML report in Debian's chromium (/usr/bin/chromium,
// installed by .ci/run when missing). Not part of `npm test`, which needs Node alone.
export default defineConfig({
  test: {
    include: ['browser/report-browser.test.ts'],
    globalSetup: ['test/helpers/build-cli.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
