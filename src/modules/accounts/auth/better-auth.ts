import type { Algorithm } from '@node-rs/argon2';
import { hash, verify } from '@node-rs/argon2';
import { type BetterAuthOptions, betterAuth, type User } from 'better-auth';
import { organization } from 'better-auth/plugins/organization';
import { adminAc, defaultAc, memberAc, ownerAc } from 'better-auth/plugins/organization/access';
import type { Kysely } from 'kysely';
import type { Config } from '../../../config.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { Secrets } from '../../../platform/crypto/secrets.ts';
import { newId } from '../../../platform/ids.ts';
import type { Logger } from '../../../platform/log.ts';
import type { AccountsDb } from '../accounts.tables.ts';
import { PASSWORD_MAX_CHARS } from '../domain/password-policy.ts';

/**
 * better-auth as a library behind our own routes: it owns the identity rules
 * (credential storage, sessions and their cookies, verification and reset
 * tokens, organizations, members and invitations); our services call it
 * through `auth.api.*` and decide what the client sees. It never serves HTTP
 * itself, so its router, rate limiter and error pages are never reached.
 */

// @node-rs/argon2 declares Algorithm as an ambient const enum, which
// `verbatimModuleSyntax` cannot read; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;
/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (the library's defaults, stated so they cannot drift). */
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(data: { hash: string; password: string }): Promise<boolean> {
  // A malformed stored hash is a failed check, not a crash.
  return verify(data.hash, data.password).catch(() => false);
}

/** Table and column names: ours are snake_case and prefixed, better-auth's defaults are camelCase. */
export const AUTH_TABLES = {
  user: 'auth_user',
  session: 'auth_session',
  account: 'auth_account',
  verification: 'auth_verification',
  organization: 'organization',
  member: 'organization_member',
  invitation: 'organization_invitation',
} as const;

const TIMESTAMPS = { createdAt: 'created_at', updatedAt: 'updated_at' } as const;

const ID_PREFIX: Record<string, string> = {
  user: 'usr',
  session: 'ses',
  account: 'acc',
  verification: 'ver',
  organization: 'org',
  member: 'mem',
  invitation: 'inv',
};

export interface AuthMailHooks {
  sendVerificationEmail(user: User, token: string): Promise<void>;
  sendResetPassword(user: User, token: string): Promise<void>;
  onExistingUserSignUp(user: User): Promise<void>;
  sendInvitationEmail(data: {
    id: string;
    email: string;
    role: string;
    organizationName: string;
    inviterName: string;
  }): Promise<void>;
}

export interface AuthDeps {
  config: Config;
  secrets: Secrets;
  clock: Clock;
  log: Logger;
  /** The handle better-auth queries through; see AmbientDb. */
  db: Kysely<AccountsDb>;
  mail: AuthMailHooks;
}

/**
 * better-auth's own role checks (who may invite, change roles, remove members) know the roles we
 * give it: its three defaults, and `billing`, which like `member` may change nothing in the
 * organization itself. What each role may do in FHIR IQ (billing details, the organization's
 * orders and invoices) is our permission matrix's business (domain/permissions.ts).
 */
export const ORG_AUTH_ROLES = {
  owner: ownerAc,
  admin: adminAc,
  member: memberAc,
  billing: defaultAc.newRole({ organization: [], member: [], invitation: [], team: [], ac: ['read'] }),
};

/** Sessions last 30 days and slide forward once a day of use. */
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
export const VERIFICATION_TTL_SECONDS = 24 * 3600;
export const RESET_TTL_SECONDS = 3600;

/** The secret better-auth signs session cookies and verification tokens with. */
export function authSecret(secrets: Secrets): string {
  return secrets.key('better-auth').toString('base64url');
}

export function authOptions(deps: AuthDeps) {
  const { config, secrets, log } = deps;
  const authLog = log.child({ component: 'better-auth' });
  return {
    appName: 'FHIR IQ',
    baseURL: config.publicUrl,
    secret: authSecret(secrets),
    database: { db: deps.db, type: 'postgres' },
    telemetry: { enabled: false },
    // Our routes apply @fastify/rate-limit; better-auth's limiter would never see a request anyway.
    rateLimit: { enabled: false },
    logger: {
      level: 'warn',
      // better-auth writes emails into some messages ("Sign-up attempt for existing email: …"):
      // keep the text, mask addresses, drop the arguments (they may carry user rows).
      log: (level, message) => {
        const text = message.replace(/[^\s@]+@[^\s@]+/g, '[email]');
        if (level === 'error') authLog.error(text);
        else if (level === 'warn') authLog.warn(text);
        else authLog.debug(text);
      },
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: config.requireEmailVerification,
      // Our password policy (domain/password-policy.ts) runs first and counts characters, not UTF-16
      // units; these bounds only keep better-auth from rejecting what the policy accepted.
      minPasswordLength: 1,
      maxPasswordLength: PASSWORD_MAX_CHARS * 2,
      // Never sign in on sign-up: a sign-up with a registered email must look exactly like a new one.
      autoSignIn: false,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: RESET_TTL_SECONDS,
      password: { hash: hashPassword, verify: verifyPassword },
      sendResetPassword: async ({ user, token }) => deps.mail.sendResetPassword(user, token),
      onExistingUserSignUp: async ({ user }) => deps.mail.onExistingUserSignUp(user),
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      autoSignInAfterVerification: false,
      expiresIn: VERIFICATION_TTL_SECONDS,
      sendVerificationEmail: async ({ user, token }) => deps.mail.sendVerificationEmail(user, token),
    },
    user: {
      modelName: AUTH_TABLES.user,
      fields: { emailVerified: 'email_verified', ...TIMESTAMPS },
      additionalFields: {
        platformRole: {
          type: 'string',
          required: true,
          defaultValue: 'free',
          input: false,
          fieldName: 'platform_role',
        },
        staffRole: { type: 'string', required: false, input: false, fieldName: 'staff_role' },
        mustChangePassword: {
          type: 'boolean',
          required: true,
          defaultValue: false,
          input: false,
          fieldName: 'must_change_password',
        },
      },
    },
    session: {
      modelName: AUTH_TABLES.session,
      fields: {
        userId: 'user_id',
        expiresAt: 'expires_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        ...TIMESTAMPS,
      },
      expiresIn: SESSION_TTL_SECONDS,
      updateAge: 24 * 3600,
    },
    account: {
      modelName: AUTH_TABLES.account,
      fields: {
        accountId: 'account_id',
        providerId: 'provider_id',
        userId: 'user_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        ...TIMESTAMPS,
      },
    },
    verification: {
      modelName: AUTH_TABLES.verification,
      fields: { expiresAt: 'expires_at', ...TIMESTAMPS },
      // Reset tokens are looked up by a keyed hash: a copy of the table does not hand out resets.
      storeIdentifier: {
        hash: async (identifier: string) => secrets.keyedHash('auth-verification', identifier),
      },
    },
    advanced: {
      cookiePrefix: 'fhiriq',
      useSecureCookies: config.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' },
      // Our CSRF policy (platform/http/csrf.ts) guards every route; better-auth's origin check would see
      // server-side calls without an Origin header.
      disableCSRFCheck: true,
      disableOriginCheck: true,
      ipAddress: { disableIpTracking: false, ipAddressHeaders: ['x-fhiriq-client-ip'] },
      database: {
        generateId: ({ model }) => newId(ID_PREFIX[model] ?? 'aut', deps.clock),
      },
    },
    plugins: [
      organization({
        roles: ORG_AUTH_ROLES,
        allowUserToCreateOrganization: true,
        creatorRole: 'owner',
        invitationExpiresIn: 7 * 24 * 3600,
        cancelPendingInvitationsOnReInvite: true,
        requireEmailVerificationOnInvitation: true,
        schema: {
          session: { fields: { activeOrganizationId: 'active_organization_id' } },
          organization: { modelName: AUTH_TABLES.organization, fields: { createdAt: 'created_at' } },
          member: {
            modelName: AUTH_TABLES.member,
            fields: { organizationId: 'organization_id', userId: 'user_id', createdAt: 'created_at' },
          },
          invitation: {
            modelName: AUTH_TABLES.invitation,
            fields: {
              organizationId: 'organization_id',
              expiresAt: 'expires_at',
              inviterId: 'inviter_id',
              createdAt: 'created_at',
            },
          },
        },
        sendInvitationEmail: async (data) =>
          deps.mail.sendInvitationEmail({
            id: data.id,
            email: data.email,
            role: data.role,
            organizationName: data.organization.name,
            inviterName: data.inviter.user.name,
          }),
      }),
    ],
  } satisfies BetterAuthOptions;
}

export function createAuth(deps: AuthDeps) {
  return betterAuth(authOptions(deps));
}

export type Auth = ReturnType<typeof createAuth>;
