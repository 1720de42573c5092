import { defineConfig } from 'vitest/config';

// Browser tests: a real server process driven through Debian's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    // The migrated PGlite template each server's data directory starts from (test/support/template.ts).
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // One server and one Chromium per worker. The files are independent (each starts its own
    // server on its own data directory), so E2E_WORKERS=2 runs two at once; one stays the
    // default: at a load average of ~20, two workers timed out in 5 of 59 tests.
    maxWorkers: Number(process.env.E2E_WORKERS ?? 1),
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
