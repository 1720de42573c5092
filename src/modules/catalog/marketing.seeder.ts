import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { bumpVersion } from './catalog.repository.ts';
import type { CatalogDb } from './catalog.tables.ts';
import { insertMissingMarketing } from './marketing.repository.ts';
import type { MarketingDb } from './marketing.tables.ts';
import { COURSE_MODULES, INSTRUCTORS, seedSessions } from './seed/courses.ts';
import { FAQ_SEED } from './seed/faq.ts';
import { PRODUCT_PAGES } from './seed/product-pages.ts';

/**
 * Loads the product pages' copy, the course outlines, instructors, a first schedule of live
 * workshops and the FAQ. Runs after the catalog's seeder (it needs the products and SKUs).
 * Idempotent like it: only missing rows are inserted, so staff edits stay.
 */
export function marketingSeeder(clock: Clock): Seeder {
  return {
    name: 'catalog.marketing',
    version: 1,
    run: async (trx) => {
      const now = clock.now();
      const inserted = await insertMissingMarketing(
        view<MarketingDb>(handle(trx)),
        {
          pages: PRODUCT_PAGES,
          modules: COURSE_MODULES,
          instructors: INSTRUCTORS,
          sessions: seedSessions(now),
          faq: FAQ_SEED,
        },
        now,
      );
      // Readers cache per catalog version: new rows must be seen.
      if (inserted > 0) await bumpVersion(view<CatalogDb>(handle(trx)), now);
    },
  };
}
