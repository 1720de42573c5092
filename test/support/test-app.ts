import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { createLogger, type Logger } from '../../src/platform/log.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: App;
  http: HttpServer;
  config: Config;
  clock: ManualClock | undefined;
  testDb: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Use a manual clock starting here (default: the real clock). */
  clockAt?: string;
  log?: Logger;
}

/** A complete app (migrated, seeded, HTTP built, not listening) on a fresh database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    APP_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...options.env,
  });
  // The schema comes from the run's template; App.create still migrates (finding
  // nothing to apply) and seeds with this test's clock and configuration.
  const testDb = await createTestDatabase({ migrated: true });
  const clock = options.clockAt ? new ManualClock(options.clockAt) : undefined;
  const app = await App.create({
    config,
    database: testDb.database,
    clock,
    log: options.log ?? createLogger('silent'),
    pollingIntervalSeconds: 0.5,
  });
  const http = await app.buildHttp();
  return {
    app,
    http,
    config,
    clock,
    testDb,
    close: async () => {
      await app.stop();
      await testDb.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
