import type { Executor } from '../../platform/db/transaction.ts';
import type { OrgRole, StaffRole } from './accounts.contract.ts';
import type { AccountsDb, ApiTokenRow, SessionRow, UserRow } from './accounts.tables.ts';
import type { Grant, PermissionDef } from './domain/permissions.ts';

/**
 * SQL for the accounts module's tables. better-auth writes the same tables
 * through its own adapter; what is here are the reads it has no API for and
 * the rows that are ours alone (API tokens, permissions, notices).
 * Every function takes the executor it must run on: the service decides the transaction.
 */
type Db = Executor<AccountsDb>;

// ---- users and sessions ---------------------------------------------------------------------------------

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('auth_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('auth_user').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<
    Pick<UserRow, 'name' | 'email_verified' | 'staff_role' | 'platform_role' | 'must_change_password'>
  >,
  now: Date,
): Promise<void> {
  await db
    .updateTable('auth_user')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Verified staff members of one role, for notifications that go to staff. */
export async function staffEmails(db: Db, role: StaffRole): Promise<string[]> {
  const rows = await db
    .selectFrom('auth_user')
    .select('email')
    .where('staff_role', '=', role)
    .where('email_verified', '=', true)
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

export async function hasCredential(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('auth_account')
    .select('id')
    .where('user_id', '=', userId)
    .where('provider_id', '=', 'credential')
    .executeTakeFirst();
  return Boolean(row);
}

export async function memberships(db: Db, userId: string): Promise<{ orgId: string; role: OrgRole }[]> {
  const rows = await db
    .selectFrom('organization_member')
    .select(['organization_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ orgId: r.organization_id, role: r.role as OrgRole }));
}

export async function sessionIdByToken(db: Db, token: string): Promise<string | undefined> {
  const row = await db.selectFrom('auth_session').select('id').where('token', '=', token).executeTakeFirst();
  return row?.id;
}

export async function listSessions(db: Db, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('auth_session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('updated_at', 'desc')
    .execute();
}

export async function findSession(
  db: Db,
  userId: string,
  sessionId: string,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('auth_session')
    .selectAll()
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('auth_session').where('user_id', '=', userId).execute();
}

/** The value (a user id, for password resets) stored under a verification identifier hash. */
export async function verificationValue(db: Db, identifierHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('auth_verification')
    .select('value')
    .where('identifier', '=', identifierHash)
    .executeTakeFirst();
  return row?.value;
}

// ---- notices (throttling mail a user did not ask for twice) ---------------------------------------------

/**
 * Records that a notice is being sent now, unless one of the same kind went out less than
 * `minIntervalMs` ago. Returns whether to send. One statement, so two concurrent requests cannot
 * both win.
 */
export async function claimNotice(
  db: Db,
  userId: string,
  kind: string,
  now: Date,
  minIntervalMs: number,
): Promise<boolean> {
  const cutoff = new Date(now.getTime() - minIntervalMs);
  const row = await db
    .insertInto('account_notice')
    .values({ user_id: userId, kind, last_sent_at: now })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'kind'])
        .doUpdateSet({ last_sent_at: now })
        .where('account_notice.last_sent_at', '<=', cutoff),
    )
    .returning('user_id')
    .executeTakeFirst();
  return Boolean(row);
}

// ---- API tokens ------------------------------------------------------------------------------------------

export async function insertApiToken(db: Db, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_token').values(row).execute();
}

export async function listApiTokens(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_token')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Only moves last_used_at forward when it is older than the cutoff, so a burst of calls writes once. */
export async function touchApiToken(db: Db, id: string, now: Date, cutoff: Date): Promise<void> {
  await db
    .updateTable('api_token')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', cutoff)]))
    .execute();
}

export async function revokeApiToken(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---- permissions -----------------------------------------------------------------------------------------

export async function insertMissingPermissions(db: Db, defs: readonly PermissionDef[]): Promise<void> {
  if (!defs.length) return;
  await db
    .insertInto('permission')
    .values(defs.map((d) => ({ key: d.key, description: d.description })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/** Inserts default grants that were never written; a row staff set to granted = false stays false. */
export async function insertMissingGrants(db: Db, grants: readonly Grant[], now: Date): Promise<void> {
  if (!grants.length) return;
  await db
    .insertInto('role_permission')
    .values(
      grants.map((g) => ({
        role_kind: g.roleKind,
        role: g.role,
        permission: g.permission,
        granted: true,
        updated_at: now,
        updated_by: null,
      })),
    )
    .onConflict((oc) => oc.columns(['role_kind', 'role', 'permission']).doNothing())
    .execute();
}

export async function loadGrants(db: Db): Promise<Grant[]> {
  const rows = await db
    .selectFrom('role_permission')
    .select(['role_kind', 'role', 'permission'])
    .where('granted', '=', true)
    .execute();
  return rows.map((r) => ({
    roleKind: r.role_kind as Grant['roleKind'],
    role: r.role,
    permission: r.permission,
  }));
}

export async function setGrant(db: Db, grant: Grant, granted: boolean, by: string, now: Date): Promise<void> {
  await db
    .insertInto('role_permission')
    .values({
      role_kind: grant.roleKind,
      role: grant.role,
      permission: grant.permission,
      granted,
      updated_at: now,
      updated_by: by,
    })
    .onConflict((oc) =>
      oc
        .columns(['role_kind', 'role', 'permission'])
        .doUpdateSet({ granted, updated_at: now, updated_by: by }),
    )
    .execute();
}

export async function permissionExists(db: Db, key: string): Promise<boolean> {
  return Boolean(await db.selectFrom('permission').select('key').where('key', '=', key).executeTakeFirst());
}

/** A cheap fingerprint of the matrix: processes compare it to know when to reload. */
export async function grantsVersion(db: Db): Promise<string> {
  const row = await db
    .selectFrom('role_permission')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('latest')])
    .executeTakeFirstOrThrow();
  const latest = row.latest ? new Date(row.latest).toISOString() : '';
  return `${row.n}:${latest}`;
}

// ---- retention ------------------------------------------------------------------------------------------

/**
 * Deletes what can no longer be used: expired sessions and verification or
 * reset tokens at once, revoked or expired API tokens after `tokenGraceDays`
 * (kept a while so "revoked on …" stays visible in the account page).
 */
export async function pruneExpired(
  db: Db,
  now: Date,
  tokenGraceDays: number,
): Promise<{ sessions: number; verifications: number; apiTokens: number }> {
  const graceCutoff = new Date(now.getTime() - tokenGraceDays * 86_400_000);
  const sessions = await db.deleteFrom('auth_session').where('expires_at', '<', now).executeTakeFirst();
  const verifications = await db
    .deleteFrom('auth_verification')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  const apiTokens = await db
    .deleteFrom('api_token')
    .where((eb) => eb.or([eb('revoked_at', '<', graceCutoff), eb('expires_at', '<', graceCutoff)]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    verifications: Number(verifications.numDeletedRows),
    apiTokens: Number(apiTokens.numDeletedRows),
  };
}
