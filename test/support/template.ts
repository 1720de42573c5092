import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, PlatformTables } from '../../src/platform/db/client.ts';

// The app, PGlite and pg are imported where they are used: the browser tests' harness
// imports this file for `pgliteDataDirFromTemplate` and should not load the whole app.

/**
 * The migrated database every integration test starts from, built once per test run
 * (vitest `globalSetup`, see `global-setup.ts`) instead of once per test file: a fresh
 * PGlite spends most of its start in initdb, then every file applied every migration.
 *
 * The template holds the schema only — migrations, pg-boss's schema and its queues — and
 * no reference data: seeders depend on the test's clock, secret and configuration, so
 * `App.create` still runs them in every test exactly as before. The migrator then finds
 * every migration applied and pg-boss finds its schema at the current version.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Environment variables through which the global setup hands the template to the test workers. */
export const PGLITE_TEMPLATE_ENV = 'FHIRIQ_TEST_PGLITE_TEMPLATE';
export const PG_TEMPLATE_ENV = 'FHIRIQ_TEST_PG_TEMPLATE';

/**
 * What the template depends on: every migration (name and text), the pg-boss and PGlite
 * versions, and the code that builds it. A change to any of them gives a new key, so a
 * stale template is never used.
 */
export async function templateKey(): Promise<string> {
  const { migrationFiles } = await import('../../src/platform/db/migrator.ts');
  const h = createHash('sha256');
  for (const m of migrationFiles()) {
    h.update(m.name);
    h.update('\0');
    h.update(fs.readFileSync(m.file));
    h.update('\0');
  }
  for (const pkg of ['pg-boss', '@electric-sql/pglite', '@electric-sql/pglite-pgvector']) {
    // Read from the folder: not every package exports its package.json.
    const manifest = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8'),
    ) as { version: string };
    h.update(`${pkg}@${manifest.version}\0`);
  }
  for (const file of ['test/support/template.ts', 'src/platform/jobs/queue.ts'])
    h.update(fs.readFileSync(path.join(root, file)));
  return h.digest('hex').slice(0, 16);
}

/**
 * Does what `App.create` does on an empty database, except the seeders: the migrations,
 * then pg-boss's schema and one queue (a partitioned table each) per job the modules
 * define. Each app start still reconciles the queues with the code (creates a missing
 * one, updates an existing one's policy), so the queues cannot go stale.
 */
export async function migrateTemplate(database: Database): Promise<void> {
  const { App } = await import('../../src/app.ts');
  const { loadConfig } = await import('../../src/config.ts');
  const { createLogger } = await import('../../src/platform/log.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-template-'));
  try {
    const app = await App.create({
      config: loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        APP_SECRET: 'template-secret-template-secret-0123456',
        LOG_LEVEL: 'silent',
      }),
      database,
      log: createLogger('silent'),
      seed: false,
    });
    await app.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The PGlite template as a tarball of its data directory, cached in the temp directory
 * by key (several runs and worktrees share it; a new key builds a new one). Returns its path.
 */
export async function pgliteTemplate(): Promise<string> {
  const key = await templateKey();
  const dir = path.join(os.tmpdir(), 'fhiriq-test-templates');
  const file = path.join(dir, `pglite-${key}.tar`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { Kysely, PostgresDialect } = await import('kysely');
  const { default: pg } = await import('pg');
  const pglite = await PGlite.create(undefined, { extensions: { vector } });
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateTemplate({
      kind: 'pglite',
      pool,
      db,
      location: 'pglite template',
      close: async () => {},
    });
    await pglite.exec('CHECKPOINT');
    const tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    // Written aside then renamed: a concurrent run never reads a half-written file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, tar);
    fs.renameSync(partial, file);
  } finally {
    await db.destroy();
    await pglite.close();
  }
  return file;
}

/**
 * A PostgreSQL template database for this run. The name carries the key and a per-run
 * suffix: other runs on the same shared server (other worktrees, other branches) never
 * use or drop it. Returns its name and a function that drops it.
 */
export async function postgresTemplate(serverUrl: string): Promise<{ name: string; drop(): Promise<void> }> {
  const { Kysely, PostgresDialect } = await import('kysely');
  const { default: pg } = await import('pg');
  const key = await templateKey();
  const name = runDatabaseName(`fhiriq_tpl_${key}`);
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(query);
    } finally {
      await c.end();
    }
  };
  await dropStaleDatabases(serverUrl);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  // As for each test's database (see database.ts): no wait for the WAL flush at each commit.
  await admin(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateTemplate({ kind: 'postgres', pool, db, location: name, close: async () => {} });
  } finally {
    // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    await db.destroy();
  }
  // Marked as a template: nobody connects to it by mistake and the server allows copying it.
  await admin(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  return {
    name,
    drop: async () => {
      await admin(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * The name of a database a test run creates on the PostgreSQL server (the run's template,
 * each test file's database): `<prefix>_<pid>_<unix seconds>_…`, so that a later run can tell
 * one left behind by a killed run (SIGKILL skips every `drop`) from one in use.
 */
export function runDatabaseName(prefix: string, suffix?: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Date.now() / 1000)}${suffix ? `_${suffix}` : ''}`;
}

const RUN_DATABASE = /^fhiriq_(?:tpl_[0-9a-f]{16}|test)_(\d+)_(\d+)(?:_[0-9a-f]+)?$/;
/**
 * A database is left behind when its creator is gone and it is older than this. The age
 * guards a run this machine cannot see (another container on the same server, where its pid
 * means nothing here): no run lasts that long.
 */
const STALE_AFTER_S = 3600;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops the databases that killed runs left on the server (templates and test databases
 * named by `runDatabaseName`): those whose process is gone and that are older than
 * STALE_AFTER_S. Concurrent runs may both try: each drop is `IF EXISTS`, and a failure to drop
 * one (another run dropped it first) is not this run's problem. Returns the names dropped.
 */
export async function dropStaleDatabases(serverUrl: string, nowS = Date.now() / 1000): Promise<string[]> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  const dropped: string[] = [];
  try {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'fhiriq\\_%'`,
    );
    for (const { datname } of rows) {
      const m = RUN_DATABASE.exec(datname);
      if (!m || processAlive(Number(m[1])) || nowS - Number(m[2]) < STALE_AFTER_S) continue;
      try {
        await c.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`);
        await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        dropped.push(datname);
      } catch {
        // Dropped meanwhile by another run.
      }
    }
  } finally {
    await c.end();
  }
  return dropped;
}

/**
 * Fills `<dataDir>/pglite`, where the app keeps its embedded database, with the run's
 * template, for tests that start the real app (or `fhiriq serve`) on a data directory.
 * Returns false, leaving the directory empty, when no template was built (outside vitest).
 */
export function pgliteDataDirFromTemplate(dataDir: string): boolean {
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (!template) return false;
  const pgdata = path.join(dataDir, 'pglite');
  fs.mkdirSync(pgdata, { recursive: true });
  // The tarball is PGDATA as PGlite dumps it, and the app's pglite directory is PGDATA.
  execFileSync('tar', ['-xf', template, '-C', pgdata], { stdio: 'ignore' });
  return true;
}
