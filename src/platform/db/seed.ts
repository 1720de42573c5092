import { sql, type Transaction } from 'kysely';
import type { PlatformTables } from './client.ts';
import type { Executor } from './transaction.ts';
import { inTransaction } from './transaction.ts';

/**
 * Reference data a module ships (roles and permissions now; the catalog and
 * tax rates later). Each seeder must be idempotent: it runs on every start and
 * on `fhiriq seed`, inserting what is missing and leaving staff edits alone.
 */
export interface Seeder {
  name: string;
  /** Bump when the seeder's data changes; recorded in `seed_run` for operators. */
  version: number;
  run(trx: Transaction<PlatformTables>): Promise<void>;
}

export interface SeedResult {
  name: string;
  version: number;
}

export async function runSeeders(
  db: Executor<PlatformTables>,
  seeders: readonly Seeder[],
): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  for (const seeder of seeders) {
    await inTransaction(db, async (trx) => {
      // Two processes starting at once against PostgreSQL seed one after the other.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`fhiriq.seed.${seeder.name}`}))`.execute(trx);
      await seeder.run(trx);
      await trx
        .insertInto('seed_run')
        .values({ name: seeder.name, version: seeder.version, applied_at: new Date() })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ version: seeder.version, applied_at: new Date() }),
        )
        .execute();
    });
    results.push({ name: seeder.name, version: seeder.version });
  }
  return results;
}
