import type { Executor } from '../../platform/db/transaction.ts';
import type { AccountsDb, AccountsTables } from './accounts.tables.ts';

/**
 * Reads of the organization tables. Writes go through better-auth's
 * organization plugin (it owns the membership rules); these queries always
 * filter by the caller's organization, so a wrong id finds nothing.
 */
type Db = Executor<AccountsDb>;

export type InvitationRow = AccountsTables['organization_invitation'];

export async function organizationsOf(db: Db, userId: string) {
  return db
    .selectFrom('organization_member as m')
    .innerJoin('organization as o', 'o.id', 'm.organization_id')
    .select(['o.id', 'o.name', 'o.slug', 'o.created_at', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.name')
    .orderBy('o.id')
    .execute();
}

export async function findOrganization(db: Db, orgId: string) {
  return db
    .selectFrom('organization')
    .select(['id', 'name', 'slug', 'created_at'])
    .where('id', '=', orgId)
    .executeTakeFirst();
}

export async function membersOf(db: Db, orgId: string) {
  return db
    .selectFrom('organization_member as m')
    .innerJoin('auth_user as u', 'u.id', 'm.user_id')
    .select(['m.id as member_id', 'u.id as user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.organization_id', '=', orgId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
}

export async function findMember(db: Db, orgId: string, userId: string) {
  return db
    .selectFrom('organization_member')
    .select(['id', 'role'])
    .where('organization_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function invitationsOf(db: Db, orgId: string, status: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('organization_invitation')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('status', '=', status)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function findInvitation(db: Db, id: string) {
  return db
    .selectFrom('organization_invitation as i')
    .innerJoin('organization as o', 'o.id', 'i.organization_id')
    .innerJoin('auth_user as u', 'u.id', 'i.inviter_id')
    .select([
      'i.id',
      'i.organization_id',
      'i.email',
      'i.role',
      'i.status',
      'i.expires_at',
      'o.name as organization_name',
      'u.name as inviter_name',
    ])
    .where('i.id', '=', id)
    .executeTakeFirst();
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(
    await db.selectFrom('organization').select('id').where('slug', '=', slug).executeTakeFirst(),
  );
}

export type BillingRow = AccountsTables['organization_billing'];

/** An organization's billing details with its name (one query; undefined: none saved yet). */
export async function findBilling(db: Db, orgId: string) {
  return db
    .selectFrom('organization_billing as b')
    .innerJoin('organization as o', 'o.id', 'b.organization_id')
    .selectAll('b')
    .select('o.name as organization_name')
    .where('b.organization_id', '=', orgId)
    .executeTakeFirst();
}

/** Creates or replaces an organization's billing details. */
export async function saveBilling(db: Db, row: BillingRow): Promise<void> {
  const { organization_id: _, ...changes } = row;
  await db
    .insertInto('organization_billing')
    .values(row)
    .onConflict((oc) => oc.column('organization_id').doUpdateSet(changes))
    .execute();
}
