import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, view } from '../../platform/db/transaction.ts';
import { AppError, type ErrorCode, type ErrorDetail } from '../../platform/errors.ts';
import type { AccessService } from './access.service.ts';
import { toPlatformRole, toStaffRole } from './access.service.ts';
import type { Actor, RequestMeta, SessionInfo, SignInResult, UserProfile } from './accounts.contract.ts';
import * as repo from './accounts.repository.ts';
import type { AccountsDb, UserRow } from './accounts.tables.ts';
import type { AmbientDb } from './auth/ambient-db.ts';
import { authErrorInfo, toAppError } from './auth/auth-errors.ts';
import { type Auth, hashPassword } from './auth/better-auth.ts';
import { isValidEmail, normalizeEmail } from './domain/email.ts';
import {
  checkPassword,
  PASSWORD_MAX_CHARS,
  PASSWORD_PROBLEM_MESSAGES,
  passwordLength,
} from './domain/password-policy.ts';

/** Names are shown in pages and mail: no markup characters, no control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const NAME_FORBIDDEN = /[<>\u0000-\u001f\u007f]/;
export const NAME_MAX_CHARS = 100;

export function cleanName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function nameProblem(name: string): string | null {
  if (!name) return 'Enter a name.';
  if ([...name].length > NAME_MAX_CHARS) return `Use at most ${NAME_MAX_CHARS} characters.`;
  if (NAME_FORBIDDEN.test(name)) return 'Names cannot contain < or > or control characters.';
  return null;
}

function invalid(details: ErrorDetail[]): AppError {
  return new AppError('VALIDATION_FAILED', undefined, { details });
}

/** What better-auth needs to know about the caller: its cookie (for session-bound calls), IP and agent. */
export function authHeaders(meta: RequestMeta): Headers {
  const h = new Headers();
  if (meta.cookie) h.set('cookie', meta.cookie);
  h.set('x-fhiriq-client-ip', meta.ip);
  if (meta.userAgent) h.set('user-agent', meta.userAgent.slice(0, 512));
  return h;
}

/** Verification links carry a JWT, reset links a random id: neither has anything but these characters. */
const LINK_TOKEN = /^[A-Za-z0-9._-]{1,1024}$/;

type AuthOverrides = Partial<Record<string, ErrorCode | AppError>>;

const EMAIL_INVALID = () => invalid([{ path: '/email', message: 'Enter a valid email address.' }]);
/**
 * better-auth's own email check (zod) is stricter than ours in places (it wants a 2+ letter TLD);
 * every other field it validates was validated here first, so its refusal is about the email.
 */
const EMAIL_REFUSED: AuthOverrides = { INVALID_EMAIL: EMAIL_INVALID(), VALIDATION_ERROR: EMAIL_INVALID() };

/**
 * Identity use cases: sign-up, sign-in/out, verification, password reset and
 * change, profile and sessions, and the first admin. Each public method is one
 * transaction in which better-auth's writes, ours, and the mail they cause
 * commit together.
 */
export class IdentityService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: AmbientDb<AccountsDb>,
    private readonly auth: Auth,
    private readonly access: AccessService,
  ) {}

  /**
   * Runs better-auth inside our transaction. A refusal (APIError) still commits: better-auth
   * may have enqueued mail on purpose before refusing (an unverified sign-in resends the link).
   */
  async call<R>(fn: (trx: Transaction<AccountsDb>) => Promise<R>, overrides: AuthOverrides = {}): Promise<R> {
    const outcome = await this.db.transaction(async (trx) => {
      try {
        return { ok: true as const, value: await fn(trx) };
      } catch (err) {
        const info = authErrorInfo(err);
        if (!info) throw err;
        return { ok: false as const, info, err };
      }
    });
    if (!outcome.ok) {
      const mapped = toAppError(outcome.info, overrides, outcome.err);
      if (mapped.code === 'INTERNAL')
        this.ctx.log.error({ authCode: outcome.info.authCode }, 'unexpected better-auth refusal');
      throw mapped;
    }
    return outcome.value;
  }

  /** Answers the same whether or not the email is registered; the owner of a registered one gets a notice instead. */
  async signUp(input: { name: string; email: string; password: string }, meta: RequestMeta): Promise<void> {
    const name = cleanName(input.name);
    const email = normalizeEmail(input.email);
    const details: ErrorDetail[] = [];
    const badName = nameProblem(name);
    if (badName) details.push({ path: '/name', message: badName });
    if (!isValidEmail(email)) details.push({ path: '/email', message: 'Enter a valid email address.' });
    const badPassword = checkPassword(input.password, email);
    if (badPassword) details.push({ path: '/password', message: PASSWORD_PROBLEM_MESSAGES[badPassword] });
    if (details.length) throw invalid(details);
    await this.call(
      () =>
        this.auth.api.signUpEmail({
          body: { name, email, password: input.password },
          headers: authHeaders(meta),
        }),
      EMAIL_REFUSED,
    );
  }

  async signIn(input: { email: string; password: string }, meta: RequestMeta): Promise<SignInResult> {
    const email = normalizeEmail(input.email);
    // A shape no account can have is a failed sign-in like any other: one answer for every failure.
    if (!isValidEmail(email) || !input.password || passwordLength(input.password) > PASSWORD_MAX_CHARS) {
      throw new AppError('INVALID_CREDENTIALS');
    }
    const { headers, response } = await this.call(
      () =>
        this.auth.api.signInEmail({
          body: { email, password: input.password, rememberMe: true },
          headers: authHeaders(meta),
          returnHeaders: true,
        }),
      {
        INVALID_EMAIL: 'INVALID_CREDENTIALS',
        VALIDATION_ERROR: 'INVALID_CREDENTIALS',
        PASSWORD_TOO_LONG: 'INVALID_CREDENTIALS',
      },
    );
    const user = await repo.findUserById(this.db.kysely, response.user.id);
    const sessionId = await repo.sessionIdByToken(this.db.kysely, response.token);
    if (!user || !sessionId) throw new AppError('INVALID_CREDENTIALS');
    return {
      actor: await this.access.actorForUser(user, 'session', sessionId),
      setCookies: headers.getSetCookie(),
    };
  }

  /** Ends the caller's session; returns the Set-Cookie values that clear the cookies. */
  async signOut(meta: RequestMeta): Promise<string[]> {
    if (!meta.cookie) return [];
    const { headers } = await this.call(() =>
      this.auth.api.signOut({ headers: authHeaders(meta), returnHeaders: true }),
    ).catch((err: unknown) => {
      // Signing out of a session that no longer exists is still signing out.
      if (err instanceof AppError && err.status < 500) return { headers: new Headers() };
      throw err;
    });
    return headers.getSetCookie();
  }

  async verifyEmail(token: string): Promise<void> {
    if (!LINK_TOKEN.test(token)) throw new AppError('TOKEN_INVALID');
    await this.call(() => this.auth.api.verifyEmail({ query: { token } }), {
      USER_NOT_FOUND: 'TOKEN_INVALID',
      INVALID_USER: 'TOKEN_INVALID',
    });
  }

  /** Same answer for every address; a registered unverified one gets a new link at most every few minutes. */
  async resendVerification(rawEmail: string, meta: RequestMeta): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!isValidEmail(email)) throw EMAIL_INVALID();
    await this.call(
      () =>
        this.auth.api.sendVerificationEmail({
          body: { email },
          headers: authHeaders({ ...meta, cookie: null }),
        }),
      EMAIL_REFUSED,
    );
  }

  /** Always "if an account exists we sent a link". */
  async requestPasswordReset(rawEmail: string, meta: RequestMeta): Promise<void> {
    const email = normalizeEmail(rawEmail);
    if (!isValidEmail(email)) throw EMAIL_INVALID();
    await this.call(
      () =>
        this.auth.api.requestPasswordReset({
          body: { email },
          headers: authHeaders({ ...meta, cookie: null }),
        }),
      EMAIL_REFUSED,
    );
  }

  /** Sets a new password from an emailed token; better-auth signs the account out everywhere. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    if (!LINK_TOKEN.test(token)) throw new AppError('TOKEN_INVALID');
    const problem = checkPassword(newPassword);
    if (problem) throw invalid([{ path: '/password', message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
    await this.call(
      async (trx) => {
        // The same keyed hash better-auth stores the token under (auth/better-auth.ts, storeIdentifier).
        const stored = this.ctx.secrets.keyedHash('auth-verification', `reset-password:${token}`);
        const userId = await repo.verificationValue(trx, stored);
        const result = await this.auth.api.resetPassword({ body: { token, newPassword } });
        // A one-time password is replaced now: stop asking for a change.
        if (userId) await repo.updateUser(trx, userId, { must_change_password: false }, this.ctx.clock.now());
        return result;
      },
      { USER_NOT_FOUND: 'TOKEN_INVALID' },
    );
  }

  /** Needs the current password; signs out every other session and returns the new session's cookie. */
  async changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
    meta: RequestMeta,
  ): Promise<string[]> {
    const problem = checkPassword(input.newPassword, actor.email);
    if (problem) throw invalid([{ path: '/newPassword', message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
    if (input.newPassword === input.currentPassword) {
      throw invalid([{ path: '/newPassword', message: 'Choose a password different from the current one.' }]);
    }
    const wrongCurrent = invalid([
      { path: '/currentPassword', message: 'The current password is not correct.' },
    ]);
    if (passwordLength(input.currentPassword) > PASSWORD_MAX_CHARS) throw wrongCurrent;
    const { headers } = await this.call(
      async (trx) => {
        const r = await this.auth.api.changePassword({
          body: {
            currentPassword: input.currentPassword,
            newPassword: input.newPassword,
            revokeOtherSessions: true,
          },
          headers: authHeaders(meta),
          returnHeaders: true,
        });
        await repo.updateUser(trx, actor.userId, { must_change_password: false }, this.ctx.clock.now());
        return r;
      },
      { INVALID_PASSWORD: wrongCurrent, CREDENTIAL_ACCOUNT_NOT_FOUND: wrongCurrent },
    );
    return headers.getSetCookie();
  }

  async getProfile(actor: Actor): Promise<UserProfile> {
    const user = await repo.findUserById(this.db.kysely, actor.userId);
    if (!user) throw new AppError('UNAUTHENTICATED');
    return toProfile(user);
  }

  async updateProfile(actor: Actor, input: { name: string }): Promise<UserProfile> {
    const name = cleanName(input.name);
    const problem = nameProblem(name);
    if (problem) throw invalid([{ path: '/name', message: problem }]);
    return this.db.transaction(async (trx) => {
      await repo.updateUser(trx, actor.userId, { name }, this.ctx.clock.now());
      const user = await repo.findUserById(trx, actor.userId);
      if (!user) throw new AppError('UNAUTHENTICATED');
      return toProfile(user);
    });
  }

  async listSessions(actor: Actor): Promise<SessionInfo[]> {
    // better-auth stamps and checks session expiry with the system clock, so "live" is judged by it too.
    const rows = await repo.listSessions(this.db.kysely, actor.userId, new Date());
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.created_at,
      expiresAt: s.expires_at,
      ipAddress: s.ip_address,
      userAgent: s.user_agent,
      current: s.id === actor.sessionId,
    }));
  }

  /** Revokes one of the caller's sessions (another user's id is simply not found). */
  async revokeSession(
    actor: Actor,
    sessionId: string,
    meta: RequestMeta,
  ): Promise<{ revokedCurrent: boolean; setCookies: string[] }> {
    const session = await repo.findSession(this.db.kysely, actor.userId, sessionId);
    if (!session) throw new AppError('NOT_FOUND', 'No such session.');
    const { headers } = await this.call(() =>
      this.auth.api.revokeSession({
        body: { token: session.token },
        headers: authHeaders(meta),
        returnHeaders: true,
      }),
    );
    return { revokedCurrent: session.id === actor.sessionId, setCookies: headers.getSetCookie() };
  }

  async revokeOtherSessions(meta: RequestMeta): Promise<void> {
    await this.call(() => this.auth.api.revokeOtherSessions({ headers: authHeaders(meta) }));
  }

  /**
   * Guest checkout: the account of this email, or a new unverified one without a password (its
   * owner chooses one through "forgot password", which the order confirmation mail points to).
   * Runs in the caller's transaction; the caller learns only an id, never whether it existed.
   */
  async findOrInviteCustomer(rawEmail: string, rawName: string, trx: DbHandle): Promise<{ userId: string }> {
    const email = normalizeEmail(rawEmail);
    if (!isValidEmail(email)) throw EMAIL_INVALID();
    const name = cleanName(rawName) || email.split('@')[0]!;
    const internal = (await this.auth.$context).internalAdapter;
    return this.db.within(view<AccountsDb>(trx) as Transaction<AccountsDb>, async (tx) => {
      const existing = await repo.findUserByEmail(tx, email);
      if (existing) return { userId: existing.id };
      const user = await internal.createUser(
        {
          email,
          name: nameProblem(name) ? email.split('@')[0]!.slice(0, NAME_MAX_CHARS) : name,
          emailVerified: false,
          platformRole: 'free',
          staffRole: null,
          mustChangePassword: false,
        },
        { method: 'checkout' },
      );
      this.ctx.log.info({ userId: user.id }, 'customer account created at checkout');
      return { userId: user.id };
    });
  }

  /**
   * Creates or promotes a verified admin, idempotent on email. Without a password a strong one-time
   * password is generated and must be changed at the first sign-in (that also serves to recover a
   * lost admin password from the command line: existing sessions are ended).
   */
  async createAdmin(input: {
    email: string;
    name?: string | undefined;
    password?: string | undefined;
  }): Promise<{ email: string; created: boolean; oneTimePassword?: string }> {
    const email = normalizeEmail(input.email);
    if (!isValidEmail(email)) throw EMAIL_INVALID();
    const name = cleanName(input.name ?? '') || email.split('@')[0]!;
    const badName = nameProblem(name);
    if (badName) throw invalid([{ path: '/name', message: badName }]);
    if (input.password !== undefined) {
      const problem = checkPassword(input.password, email);
      if (problem) throw invalid([{ path: '/password', message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
    }
    const oneTimePassword = input.password === undefined ? randomBytes(18).toString('base64url') : undefined;
    const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
    const internal = (await this.auth.$context).internalAdapter;
    return this.db.transaction(async (trx) => {
      const now = this.ctx.clock.now();
      const existing = await repo.findUserByEmail(trx, email);
      const mustChange = oneTimePassword !== undefined;
      let userId: string;
      if (existing) {
        userId = existing.id;
        await repo.updateUser(
          trx,
          userId,
          {
            staff_role: 'admin',
            email_verified: true,
            must_change_password: mustChange,
            ...(input.name ? { name } : {}),
          },
          now,
        );
        if (await repo.hasCredential(trx, userId)) await internal.updatePassword(userId, passwordHash);
        else
          await internal.linkAccount({
            userId,
            providerId: 'credential',
            accountId: userId,
            password: passwordHash,
          });
        // A new password from the command line ends every session that knew the old one.
        await repo.deleteSessions(trx, userId);
      } else {
        const user = await internal.createUser(
          {
            email,
            name,
            emailVerified: true,
            platformRole: 'free',
            staffRole: 'admin',
            mustChangePassword: mustChange,
          },
          { method: 'admin' },
        );
        userId = user.id;
        await internal.linkAccount({
          userId,
          providerId: 'credential',
          accountId: userId,
          password: passwordHash,
        });
      }
      this.ctx.log.info({ userId, created: !existing }, 'admin account provisioned');
      return { email, created: !existing, ...(oneTimePassword ? { oneTimePassword } : {}) };
    });
  }
}

export function toProfile(user: UserRow): UserProfile {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.email_verified,
    platformRole: toPlatformRole(user.platform_role),
    staffRole: toStaffRole(user.staff_role),
    createdAt: user.created_at,
  };
}
