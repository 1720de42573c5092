import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { loadConfig } from '../../config.ts';
import { type Clock, ManualClock, systemClock } from '../../platform/clock.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { Secrets } from '../../platform/crypto/secrets.ts';
import { migrateToLatest } from '../../platform/db/migrator.ts';
import { runSeeders } from '../../platform/db/seed.ts';
import { Metrics } from '../../platform/http/metrics.ts';
import { createHttpServer, type HttpServer } from '../../platform/http/server.ts';
import { EventBus } from '../../platform/jobs/events.ts';
import { JobQueue } from '../../platform/jobs/queue.ts';
import { createLogger } from '../../platform/log.ts';
import { Mailer } from '../../platform/mail/mailer.ts';
import type { Currency } from '../../platform/money.ts';
import { createTaxModule, type PriceSource, type ProductKind, type TaxModule } from './index.ts';
import type { TaxCalculator } from './tax-calculator.ts';
import type { VatRegistry } from './vat-registry.ts';

/**
 * Test support for the tax module: the module alone on a real database
 * (PGlite, or PostgreSQL with TEST_DATABASE_URL), migrated and seeded like the
 * app, with fixed prices below, so its tests do not move when staff-editable
 * catalog data does (tax-app.int.test.ts covers the real catalog wiring).
 */

/** Real catalog SKUs and their USD prices from issue 3 (minor units), plus EUR for currency tests. */
export const TEST_PRICES: Record<
  string,
  { kind: ProductKind; name: string; prices: Partial<Record<Currency, number>> }
> = {
  'TL-MAPPER-ST-M': {
    kind: 'license',
    name: 'FHIR Mapper Standard, monthly',
    prices: { USD: 2_900, EUR: 2_900 },
  },
  'TL-MAPPER-PR-A': {
    kind: 'license',
    name: 'FHIR Mapper Professional, annual',
    prices: { USD: 99_000, EUR: 99_000 },
  },
  'TL-QUALITY-PR-M': { kind: 'license', name: 'FHIR Quality Professional, monthly', prices: { USD: 19_900 } },
  'TR-FHIR101-LV-S': {
    kind: 'training',
    name: 'FHIR 101, live virtual (per seat)',
    prices: { USD: 149_900, EUR: 149_900 },
  },
  'CS-BLOCKS-10-B': { kind: 'consulting', name: 'Consulting block, 10 hours', prices: { USD: 250_000 } },
  'BN-STARTER-A': { kind: 'bundle', name: 'Starter bundle, annual', prices: { USD: 99_900 } },
};

export const memoryPrices: PriceSource = {
  price: async (sku, currency) => {
    const p = TEST_PRICES[sku];
    const unitAmount = p?.prices[currency];
    return p && unitAmount !== undefined ? { unitAmount, kind: p.kind, name: p.name } : undefined;
  },
};

export interface TaxHarness {
  http: HttpServer;
  tax: TaxModule;
  ctx: PlatformContext;
  clock: ManualClock | undefined;
  testDb: TestDatabase;
  close(): Promise<void>;
}

export async function createTaxHarness(
  options: {
    env?: Record<string, string>;
    clockAt?: string;
    registry?: VatRegistry;
    calculator?: TaxCalculator;
    work?: boolean;
  } = {},
): Promise<TaxHarness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: '/nonexistent-fhiriq-tax-test',
    APP_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...options.env,
  });
  const log = createLogger('silent');
  const manual = options.clockAt ? new ManualClock(options.clockAt) : undefined;
  const clock: Clock = manual ?? systemClock;
  const testDb = await createTestDatabase({ migrated: true });
  const database = testDb.database;
  await migrateToLatest(database.db);
  const jobs = new JobQueue(database, log, { concurrency: 2, pollingIntervalSeconds: 0.5 });
  const mail = new Mailer(database.db, jobs, clock, log, config.mailFrom, undefined);
  const secrets = new Secrets(config.appSecret ?? 'x'.repeat(32));
  const events = new EventBus(jobs);
  const ctx: PlatformContext = { config, clock, log, database, db: database.db, jobs, events, mail, secrets };
  const tax = createTaxModule(ctx, {
    prices: memoryPrices,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.calculator ? { calculator: options.calculator } : {}),
  });
  await runSeeders(database.db, tax.seeders ?? []);
  await jobs.start();
  if (options.work) await jobs.work();
  const http = await createHttpServer({ config, log, secrets, metrics: new Metrics() });
  await tax.registerRoutes?.(http);
  await http.ready();
  return {
    http,
    tax,
    ctx,
    clock: manual,
    testDb,
    close: async () => {
      await http.close();
      await jobs.stop(2000);
      await mail.close();
      await testDb.drop();
    },
  };
}
