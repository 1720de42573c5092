import { defineConfig } from 'vitest/config';

// Browser tests: a real server process driven through Debian's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    // The migrated PGlite template each server's data directory starts from (test/support/template.ts).
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
