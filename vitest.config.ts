import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    // Builds the migrated template database once per run (test/support/template.ts).
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // One process per worker for the whole run instead of one per file: every
    // integration file imports the whole app (~4 s of CPU) and warms PGlite's WASM;
    // paid once per worker, not once per file. No test mutates module state or
    // process.env, and each builds its own app and database.
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
