import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import { bumpVersion, catalogVersion, loadCatalog } from './catalog.repository.ts';
import type { CatalogDb } from './catalog.tables.ts';
import { insertMissing } from './catalog-seed.repository.ts';
import { checkCatalog } from './domain/checker.ts';
import { seedCatalog } from './seed/index.ts';

/**
 * Loads 002's catalog. Idempotent: it inserts what is missing (a new SKU in a
 * later release appears) and never overwrites a row staff edited. Then it runs
 * the checker and logs what it finds: 002's bundles cost more than their
 * parts, and that is reported on every start until staff reprice them.
 */
export function catalogSeeder(clock: Clock, log: Logger): Seeder {
  return {
    name: 'catalog.products',
    version: 1,
    run: async (trx) => {
      const db = view<CatalogDb>(handle(trx));
      const now = clock.now();
      const inserted = await insertMissing(db, seedCatalog(), now, () => newId('prc', clock));
      if (inserted > 0 || (await catalogVersion(db)) === 0) await bumpVersion(db, now);
      const issues = checkCatalog(await loadCatalog(db));
      for (const issue of issues) {
        if (issue.severity === 'info') continue;
        const level = issue.severity === 'error' ? 'error' : 'warn';
        log[level](
          { catalogIssue: issue.code, subject: issue.subject, currency: issue.currency },
          issue.message,
        );
      }
      if (inserted > 0) log.info({ inserted }, 'catalog seeded');
    },
  };
}
