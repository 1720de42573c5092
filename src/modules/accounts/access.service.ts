import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { safeEqual } from '../../platform/crypto/secrets.ts';
import { AppError } from '../../platform/errors.ts';
import {
  type Actor,
  type OrgRole,
  PLATFORM_ROLES,
  type PlatformRole,
  STAFF_ROLES,
  type StaffRole,
} from './accounts.contract.ts';
import * as repo from './accounts.repository.ts';
import type { AccountsDb, UserRow } from './accounts.tables.ts';
import type { AmbientDb } from './auth/ambient-db.ts';
import type { Auth } from './auth/better-auth.ts';
import { isApiTokenShape, shouldTouchLastUsed, tokenState } from './domain/api-token.ts';
import {
  buildMatrix,
  can,
  defaultGrants,
  type Grant,
  type PermissionMatrix,
  type Resource,
} from './domain/permissions.ts';

/** How long a process trusts its copy of the matrix before asking whether it changed. */
const MATRIX_RECHECK_MS = 10_000;

export function toPlatformRole(value: string | null | undefined): PlatformRole {
  return (PLATFORM_ROLES as readonly string[]).includes(value ?? '') ? (value as PlatformRole) : 'free';
}

export function toStaffRole(value: string | null | undefined): StaffRole | null {
  return (STAFF_ROLES as readonly string[]).includes(value ?? '') ? (value as StaffRole) : null;
}

export interface ResolvedActor {
  actor: Actor | null;
  /** Set-Cookie values to forward (better-auth slides a session's expiry forward once a day). */
  setCookies: string[];
}

/**
 * Who is calling, and what they may do. The matrix is read from
 * `role_permission` once and cached; every process re-reads it when its
 * fingerprint changes (checked at most every few seconds), and at once after
 * a change made here.
 */
export class AccessService {
  #matrix: PermissionMatrix = buildMatrix(defaultGrants());
  #version: string | null = null;
  #checkedAt = 0;
  #refreshing: Promise<void> | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: AmbientDb<AccountsDb>,
    private readonly auth: Auth,
  ) {}

  get matrix(): PermissionMatrix {
    return this.#matrix;
  }

  can(actor: Actor | null, permission: string, resource?: Resource): boolean {
    return can(this.#matrix, actor, permission, resource);
  }

  /** Reloads the matrix when another process (or staff) changed it. Cheap when nothing changed. */
  async refreshMatrix(force = false): Promise<void> {
    const now = Date.now(); // process-local cache age, not business time
    if (!force && now - this.#checkedAt < MATRIX_RECHECK_MS) return;
    this.#refreshing ??= (async () => {
      try {
        const kysely: Kysely<AccountsDb> = this.db.kysely;
        const version = await repo.grantsVersion(kysely);
        if (force || version !== this.#version) {
          this.#matrix = buildMatrix(await repo.loadGrants(kysely));
          this.#version = version;
        }
        this.#checkedAt = now;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    await this.#refreshing;
  }

  /** Staff grant or withdraw a permission of a role (admin console). */
  async setGrant(actor: Actor, grant: Grant, granted: boolean): Promise<void> {
    if (!this.can(actor, 'admin.permissions.manage')) throw new AppError('FORBIDDEN');
    await this.db.transaction(async (trx) => {
      if (!(await repo.permissionExists(trx, grant.permission)))
        throw new AppError('NOT_FOUND', 'No such permission.');
      await repo.setGrant(trx, grant, granted, actor.userId, this.ctx.clock.now());
    });
    await this.refreshMatrix(true);
  }

  async actorForUser(user: UserRow, via: Actor['via'], sessionId: string | null): Promise<Actor> {
    const memberships = await repo.memberships(this.db.kysely, user.id);
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      platformRole: toPlatformRole(user.platform_role),
      staffRole: toStaffRole(user.staff_role),
      memberships,
      via,
      sessionId,
      mustChangePassword: user.must_change_password,
    };
  }

  /**
   * The actor of a bearer token. Unknown, revoked and expired tokens are all UNAUTHENTICATED with
   * the same message, so the answer says nothing about which.
   */
  async fromApiToken(token: string): Promise<Actor> {
    if (!isApiTokenShape(token)) throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
    const hash = this.ctx.secrets.keyedHash('api-token', token);
    const row = await repo.findApiTokenByHash(this.db.kysely, hash);
    const now = this.ctx.clock.now();
    // The lookup is by an HMAC, so timing reveals nothing about the token; compare anyway, in constant time.
    if (
      !row ||
      !safeEqual(row.token_hash, hash) ||
      tokenState({ revokedAt: row.revoked_at, expiresAt: row.expires_at }, now) !== 'active'
    ) {
      throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
    }
    const user = await repo.findUserById(this.db.kysely, row.user_id);
    if (!user) throw new AppError('UNAUTHENTICATED', 'The API token is not valid.');
    if (shouldTouchLastUsed(row.last_used_at, now)) {
      await this.db.transaction((trx) =>
        repo.touchApiToken(trx, row.id, now, new Date(now.getTime() - 60_000)),
      );
    }
    return this.actorForUser(user, 'api_token', null);
  }

  /** The actor of a session cookie, or null when the cookie names no live session. */
  async fromSessionCookie(cookie: string): Promise<ResolvedActor> {
    const { headers, response } = await this.auth.api.getSession({
      headers: new Headers({ cookie }),
      returnHeaders: true,
    });
    const setCookies = headers.getSetCookie();
    if (!response) return { actor: null, setCookies };
    const u = response.user;
    const memberships: { orgId: string; role: OrgRole }[] = await repo.memberships(this.db.kysely, u.id);
    return {
      actor: {
        userId: u.id,
        email: u.email,
        name: u.name,
        platformRole: toPlatformRole(u.platformRole),
        staffRole: toStaffRole(u.staffRole),
        memberships,
        via: 'session',
        sessionId: response.session.id,
        mustChangePassword: u.mustChangePassword === true,
      },
      setCookies,
    };
  }
}
