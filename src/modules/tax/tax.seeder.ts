import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import { SEED_RATES } from './domain/seed-rates.ts';
import { insertMissingRates } from './tax.repository.ts';
import type { TaxDb } from './tax.tables.ts';

/**
 * Loads the shipped tax rates. Idempotent: a (country, region, valid_from)
 * period already present is left as it is, so staff corrections survive a
 * restart and a new release only adds the periods it brings.
 */
export function taxRateSeeder(clock: Clock): Seeder {
  return {
    name: 'tax.rates',
    // 2: Quebec QST and BC, SK, MB PST rows; rates in parts per million.
    version: 2,
    run: async (trx) => {
      const db = view<TaxDb>(handle(trx));
      await insertMissingRates(
        db,
        SEED_RATES.map((r) => ({ ...r, id: newId('txr', clock) })),
        clock.now(),
        'seed',
      );
    },
  };
}
