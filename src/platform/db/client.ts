import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DataDirLock } from './data-dir-lock.ts';

// bigint counts come back as strings by default; every bigint we store is an
// id-free counter or money in minor units well below 2^53, so numbers are safe.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Tables owned by the platform itself. Modules extend the type with
 * `db.withTables<TheirTables>()`, so the platform never imports a module.
 */
export type PlatformTables = {
  seed_run: { name: string; version: number; applied_at: Date };
};

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  /** A pg Pool in both modes: PGlite is reached through its node-postgres bridge, so every library shares one path. */
  pool: pg.Pool;
  db: Kysely<PlatformTables>;
  /** Where it points, with no password: for logs and `/readyz`. */
  location: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` for a throwaway database (tests). */
  pgliteDir?: string;
  poolMax?: number;
  /** Embedded mode only: hold an exclusive lock on the data directory. */
  lock?: boolean;
  /** Recorded in the lock so a second process can say who holds it. */
  lockPurpose?: string;
  /**
   * Embedded mode only: start from this tarball of a data directory (PGlite's
   * `dumpDataDir`) instead of an empty cluster. Tests start from a migrated template.
   */
  pgliteLoadDataDir?: Blob;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10);
  return openPglite(
    options.pgliteDir ?? 'memory://',
    options.lock ?? true,
    options.lockPurpose ?? 'fhiriq',
    options.pgliteLoadDataDir,
  );
}

async function openPostgres(url: string, poolMax: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 5000 });
  // An idle client error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const location = redactUrl(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot connect to PostgreSQL at ${location}: ${describePgError(err)}`,
      {
        cause: err,
      },
    );
  }
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    pool,
    db,
    location,
    close: async () => {
      await db.destroy();
    },
  };
}

async function openPglite(
  dir: string,
  lock: boolean,
  purpose: string,
  loadDataDir: Blob | undefined,
): Promise<Database> {
  const inMemory = dir.startsWith('memory://');
  let dirLock: DataDirLock | undefined;
  if (!inMemory) {
    fs.mkdirSync(dir, { recursive: true });
    if (lock) dirLock = DataDirLock.acquire(path.dirname(path.resolve(dir)), purpose);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(inMemory ? undefined : dir, {
      extensions: { vector },
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (err) {
    dirLock?.release();
    throw new DatabaseUnavailableError(
      `Cannot open the embedded database in ${dir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  // PGlite is one session: a pool of one serialises access, and transactions
  // keep their connection, exactly like a single PostgreSQL backend.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    pool,
    db,
    location: inMemory ? 'pglite (in memory)' : `pglite ${dir}`,
    close: async () => {
      await db.destroy();
      await pglite.close();
      dirLock?.release();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.protocol}//${u.username ? `${u.username}${u.password ? ':***' : ''}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

export function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { message?: string }[] };
  // AggregateError (IPv4 + IPv6 attempts) carries the useful text inside.
  const inner = e.errors
    ?.map((x) => x.message)
    .filter(Boolean)
    .join('; ');
  return [e.code, inner || e.message].filter(Boolean).join(' ');
}
