import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from 'kysely';

const SRC_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Migrations are plain PostgreSQL files kept beside the code that owns the
 * tables (`src/platform/<part>/migrations/`, `src/modules/<domain>/migrations/`)
 * and named `YYYYMMDDHHMM_<owner>_<what>.sql`, so one global order exists and
 * the same SQL runs on PGlite and PostgreSQL. Kysely's migrator records them in
 * `kysely_migration` and takes an advisory lock, so several processes starting
 * together apply each migration once.
 */
export function migrationFiles(root = SRC_ROOT): { name: string; file: string }[] {
  const dirs: string[] = [];
  for (const group of ['platform', 'modules']) {
    const base = path.join(root, group);
    if (!fs.existsSync(base)) continue;
    for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
      const dir = path.join(base, entry.name, 'migrations');
      if (entry.isDirectory() && fs.existsSync(dir)) dirs.push(dir);
    }
  }
  const files = dirs.flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => ({ name: f.replace(/\.sql$/, ''), file: path.join(dir, f) })),
  );
  const seen = new Set<string>();
  for (const f of files) {
    if (!/^\d{12}_[a-z0-9_]+$/.test(f.name)) throw new Error(`Bad migration file name: ${f.file}`);
    if (seen.has(f.name)) throw new Error(`Duplicate migration name: ${f.name}`);
    seen.add(f.name);
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

class SqlFileProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const { name, file } of migrationFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      out[name] = {
        // No parameters: sent as one simple-protocol query, so a file may hold many statements.
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return out;
  }
}

function migrator<T>(db: Kysely<T>): Migrator {
  return new Migrator({ db, provider: new SqlFileProvider() });
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration in order; returns the names applied. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const { error, results }: MigrationResultSet = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(failed, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface MigrationStatus {
  applied: number;
  pending: string[];
}

export async function migrationStatus<T>(db: Kysely<T>): Promise<MigrationStatus> {
  const all = await migrator(db).getMigrations();
  return {
    applied: all.filter((m) => m.executedAt).length,
    pending: all.filter((m) => !m.executedAt).map((m) => m.name),
  };
}
