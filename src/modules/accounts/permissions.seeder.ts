import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { insertMissingGrants, insertMissingPermissions } from './accounts.repository.ts';
import type { AccountsDb } from './accounts.tables.ts';
import { defaultGrants, type Grant, PERMISSIONS, type PermissionDef } from './domain/permissions.ts';

/**
 * Support tickets and product releases (src/modules/support, src/modules/downloads): support
 * and admins read and answer tickets; both see releases and their download counts, only admins
 * upload and unpublish them.
 */
const SUPPORT_AND_DOWNLOADS: readonly PermissionDef[] = [
  { key: 'admin.support.read', description: 'Read and search customers\u2019 support tickets.' },
  {
    key: 'admin.support.reply',
    description: 'Reply on support tickets, change their status and take them (audited).',
  },
  { key: 'admin.releases.read', description: 'See product releases and how often each was downloaded.' },
  { key: 'admin.releases.manage', description: 'Upload and unpublish product releases (audited).' },
];
const SUPPORT_AND_DOWNLOADS_GRANTS: readonly Grant[] = [
  ...['admin.support.read', 'admin.support.reply', 'admin.releases.read'].flatMap((permission) =>
    (['admin', 'support'] as const).map((role) => ({ roleKind: 'staff' as const, role, permission })),
  ),
  { roleKind: 'staff', role: 'admin', permission: 'admin.releases.manage' },
];

/** Content (src/modules/content): support reads it and its previews; admins write and publish it. */
const CONTENT: readonly PermissionDef[] = [
  {
    key: 'admin.content.read',
    description: 'See content items (drafts included), their revisions and previews.',
  },
  {
    key: 'admin.content.manage',
    description: 'Create, edit, publish, schedule, unpublish and archive content; upload images (audited).',
  },
];
const CONTENT_GRANTS: readonly Grant[] = [
  ...(['admin', 'support'] as const).map((role) => ({
    roleKind: 'staff' as const,
    role,
    permission: 'admin.content.read',
  })),
  { roleKind: 'staff', role: 'admin', permission: 'admin.content.manage' },
];

/**
 * Leads (src/modules/leads): contact-form messages are personal data, so they have their own
 * permissions rather than the quote requests'. Support reads them (a sender may also be a
 * customer); admins move them.
 */
const LEADS: readonly PermissionDef[] = [
  { key: 'admin.leads.read', description: 'Read messages sent through the contact form (personal data).' },
  {
    key: 'admin.leads.manage',
    description: 'Move contact-form messages from new to contacted to closed, with a note (audited).',
  },
];
const LEADS_GRANTS: readonly Grant[] = [
  ...(['admin', 'support'] as const).map((role) => ({
    roleKind: 'staff' as const,
    role,
    permission: 'admin.leads.read',
  })),
  { roleKind: 'staff', role: 'admin', permission: 'admin.leads.manage' },
];

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
    // 10: admin.support.read, admin.support.reply, admin.releases.read, admin.releases.manage.
    // 11: admin.customers.read.
    // 12: admin.orders.resend.
    // 13: admin.content.read, admin.content.manage.
    // 14: admin.leads.read, admin.leads.manage.
    version: 14,
    run: async (trx) => {
      const db = view<AccountsDb>(handle(trx));
      await insertMissingPermissions(db, [...PERMISSIONS, ...SUPPORT_AND_DOWNLOADS, ...CONTENT, ...LEADS]);
      await insertMissingGrants(
        db,
        [...defaultGrants(), ...SUPPORT_AND_DOWNLOADS_GRANTS, ...CONTENT_GRANTS, ...LEADS_GRANTS],
        clock.now(),
      );
    },
  };
}
