import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/platform/db/client.ts';
import { migrateTemplate, PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, runDatabaseName } from './template.ts';

/**
 * A fresh database for one test file: an in-memory PGlite by default, or a new
 * database on the PostgreSQL server named by TEST_DATABASE_URL (created here,
 * dropped by `drop`). Nothing is shared between test files.
 */
export interface TestDatabase {
  database: Database;
  /** Connection string of the fresh PostgreSQL database, when on PostgreSQL. */
  url: string | undefined;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Start with the schema in place (every migration and pg-boss's schema, no reference
   * data): a copy of the run's template when the global setup built one, else migrated
   * here. Default false: an empty database, for the tests that prove a fresh start.
   */
  migrated?: boolean;
}

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

let pgliteTarball: Blob | undefined;

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const templateFile = options.migrated ? process.env[PGLITE_TEMPLATE_ENV] : undefined;
    if (templateFile) pgliteTarball ??= new Blob([fs.readFileSync(templateFile)]);
    const database = await openDatabase({
      pgliteDir: 'memory://',
      ...(templateFile ? { pgliteLoadDataDir: pgliteTarball } : {}),
    });
    if (options.migrated && !templateFile) await migrateTemplate(database);
    return { database, url: undefined, drop: () => database.close().catch(() => {}) };
  }
  const name = runDatabaseName('fhiriq_test', randomBytes(4).toString('hex'));
  const template = options.migrated ? process.env[PG_TEMPLATE_ENV] : undefined;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  // Commits return without waiting for the WAL flush (about 5 ms each on this machine's disk,
  // 1 ms without): only a crash of the server itself could lose one, and no test crashes it.
  // Every connection to this database gets it, the app's and child processes' included.
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolMax: 5 });
  if (options.migrated && !template) await migrateTemplate(database);
  return {
    database,
    url: url.toString(),
    drop: async () => {
      // A test may have closed it already (to simulate an outage).
      await database.close().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
