import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { insertMissingGrants, insertMissingPermissions } from './accounts.repository.ts';
import type { AccountsDb } from './accounts.tables.ts';
import { defaultGrants, PERMISSIONS } from './domain/permissions.ts';

/**
 * Loads the permission catalog and the default role grants. Idempotent: it
 * only inserts rows that do not exist, so a grant staff withdrew
 * (granted = false) or added stays as they left it.
 */
export function permissionSeeder(clock: Clock): Seeder {
  return {
    name: 'accounts.permissions',
    // 5: admin.quotes.manage, admin.orders.refund. 6: admin.subscriptions.manage.
    // 7: admin.licenses.read, admin.licenses.manage.
    // 8: admin.fulfillment.read, admin.fulfillment.manage, admin.consulting.manage.
    // 9: admin.invoices.read.
    version: 9,
    run: async (trx) => {
      const db = view<AccountsDb>(handle(trx));
      await insertMissingPermissions(db, PERMISSIONS);
      await insertMissingGrants(db, defaultGrants(), clock.now());
    },
  };
}
