import { createEmailVerificationToken } from 'better-auth/api';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import { type DbHandle, view } from '../../platform/db/transaction.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { PageChrome } from '../../web/index.ts';
import { AccessService } from './access.service.ts';
import type { Actor, StaffRole, TaxIdChecker } from './accounts.contract.ts';
import {
  createGuards,
  type GuardInfo,
  installActorResolution,
  installGuardPlacement,
  pageChrome,
} from './accounts.http.ts';
import { AccountsMail } from './accounts.mail.ts';
import { registerAccountPages } from './accounts.pages.tsx';
import { pruneExpired, staffEmails } from './accounts.repository.ts';
import { registerAccountsRoutes } from './accounts.routes.ts';
import { IdentityService } from './accounts.service.ts';
import type { AccountsDb, AccountsTables } from './accounts.tables.ts';
import { ApiTokenService } from './api-tokens.service.ts';
import { AmbientDb } from './auth/ambient-db.ts';
import { authSecret, createAuth, VERIFICATION_TTL_SECONDS } from './auth/better-auth.ts';
import { Directory } from './directory.ts';
import type { Resource } from './domain/permissions.ts';
import { createAccountLimiters } from './limits.ts';
import { OrganizationBillingService } from './organization-billing.service.ts';
import { registerOrganizationRoutes } from './organizations.routes.ts';
import { OrganizationService } from './organizations.service.ts';
import { permissionSeeder } from './permissions.seeder.ts';

export type * from './accounts.contract.ts';
export { ORG_ROLES, PLATFORM_ROLES, STAFF_ROLES } from './accounts.contract.ts';
export type { GuardInfo } from './accounts.http.ts';
export type { AccountsTables } from './accounts.tables.ts';
export type { CustomerSummary, Directory, OrganizationSummary } from './directory.ts';
export type { Resource } from './domain/permissions.ts';
export { BillingSummary } from './views/org-billing-views.tsx';
export type { OrganizationBillingService };

/** The accounts module's use cases, for other modules and the CLI. */
export interface AccountsService {
  identity: IdentityService;
  tokens: ApiTokenService;
  organizations: OrganizationService;
  /** Organizations' billing details and VAT ID; who sees an organization's purchases. */
  billing: OrganizationBillingService;
  access: AccessService;
}

export interface CreateAdminInput {
  email: string;
  name?: string | undefined;
  password?: string | undefined;
}

export interface CreateAdminResult {
  email: string;
  created: boolean;
  oneTimePassword?: string;
}

export interface AccountsModule extends AppModule {
  name: 'accounts';
  service: AccountsService;
  /** Creates or promotes a verified admin (idempotent on email); without a password, returns a one-time one. */
  createAdmin(input: CreateAdminInput): Promise<CreateAdminResult>;
  /** Customers and organizations for the staff console (reads only). */
  directory: Directory;
  /** The guards of every route registered after this module's (by `METHOD url`): the authorization matrix test reads them. */
  routeGuards(): ReadonlyMap<string, readonly GuardInfo[]>;
  /** The one authorization check (see domain/permissions.ts for the rules). */
  can(actor: Actor | null, permission: string, resource?: Resource): boolean;
  /** 401 UNAUTHENTICATED for API calls, 303 to /sign-in?next=… for page requests. `session`: API tokens get 403. */
  requireActor(options?: { session?: boolean }): preHandlerAsyncHookHandler;
  /** requireActor, then 403 FORBIDDEN unless `can(actor, permission, resource(request))`. */
  requirePermission(
    permission: string,
    resource?: (request: FastifyRequest) => Resource,
  ): preHandlerAsyncHookHandler;
  /** requireActor, then 403 FORBIDDEN unless the actor is staff (of this role, when given). */
  requireStaff(role?: StaffRole): preHandlerAsyncHookHandler;
  /** The layout props of a page: the signed-in user and a CSRF token for its forms. */
  pageChrome(request: FastifyRequest, reply: FastifyReply): PageChrome;
  /**
   * The layout props of a public page (web/render.ts sendPublicPage). A signed-in visitor gets
   * pageChrome (the header's sign-out form needs a token); an anonymous one gets a CSRF token,
   * and its cookie, only when the page has a form (`forms`), so a form-less page sets no
   * cookie and stays the same for every anonymous visitor, cacheable by anyone.
   */
  publicPageChrome(request: FastifyRequest, reply: FastifyReply, options?: { forms?: boolean }): PageChrome;
  /**
   * Guest checkout: the id of the account with this email, created (unverified, no password) if
   * there is none, in the caller's transaction. The caller cannot tell which happened.
   */
  findOrInviteCustomer(email: string, name: string, trx: DbHandle): Promise<{ userId: string }>;
  /** Addresses of verified staff of a role (staff notifications), read in the caller's transaction when given. */
  staffEmails(role: StaffRole, trx?: DbHandle): Promise<string[]>;
  /**
   * The organizations in which the actor holds an organization permission: `org.orders.read`
   * scopes the shared orders, invoices and credit notes every portal query filters by.
   */
  orgIdsWith(actor: Actor, permission: string): string[];
}

export interface AccountsDeps {
  /** The tax module's VAT-ID verification (organizations' VAT IDs are checked like checkout's). */
  taxIds: TaxIdChecker;
}

/** Hourly: delete expired sessions, verification tokens and long-dead API tokens. */
export const ACCOUNTS_PRUNE_JOB = 'accounts.prune-expired';

export function createAccountsModule(ctx: PlatformContext, deps: AccountsDeps): AccountsModule {
  const db = new AmbientDb<AccountsDb>(ctx.db.withTables<AccountsTables>());
  const mail = new AccountsMail(ctx);
  const auth = createAuth({
    config: ctx.config,
    secrets: ctx.secrets,
    clock: ctx.clock,
    log: ctx.log,
    db: db.kysely,
    // better-auth calls these from inside the transaction our service opened: the mail joins it.
    mail: {
      sendVerificationEmail: (user, token) => mail.verifyEmail(db.current(), user, token),
      sendResetPassword: (user, token) => mail.resetPassword(db.current(), user, token),
      // Someone signing up again with an address that never got verified most likely lost the first
      // mail: they get a fresh link (throttled like any resend); a verified owner gets a notice.
      onExistingUserSignUp: async (user) => {
        if (user.emailVerified) return mail.existingAccountSignUp(db.current(), user);
        const token = await createEmailVerificationToken(
          authSecret(ctx.secrets),
          user.email,
          undefined,
          VERIFICATION_TTL_SECONDS,
          {
            userId: user.id,
          },
        );
        return mail.verifyEmail(db.current(), user, token);
      },
      sendInvitationEmail: (data) => mail.invitation(db.current(), data),
    },
  });
  const access = new AccessService(ctx, db, auth);
  const identity = new IdentityService(ctx, db, auth, access);
  const tokens = new ApiTokenService(ctx, db, access);
  const organizations = new OrganizationService(ctx, db, auth, access, identity);
  const billing = new OrganizationBillingService(ctx, db, access, deps.taxIds);
  const guards = createGuards(access);
  const routeGuards = new Map<string, GuardInfo[]>();

  // Credentials that can no longer be used are deleted, not kept forever.
  ctx.jobs.define({
    name: ACCOUNTS_PRUNE_JOB,
    cron: '23 * * * *',
    retryLimit: 2,
    handler: async () => {
      const removed = await pruneExpired(db.root, ctx.clock.now(), 30);
      ctx.log.info({ removed }, 'expired sessions and tokens pruned');
    },
  });

  return {
    name: 'accounts',
    seeders: [permissionSeeder(ctx.clock)],
    service: { identity, tokens, organizations, billing, access },
    createAdmin: (input) => identity.createAdmin(input),
    can: (actor, permission, resource) => access.can(actor, permission, resource),
    requireActor: guards.requireActor,
    requirePermission: guards.requirePermission,
    requireStaff: guards.requireStaff,
    pageChrome: (request, reply) => pageChrome(request, reply, ctx.config.publicUrl),
    publicPageChrome: (request, reply, options) =>
      request.actor || options?.forms
        ? pageChrome(request, reply, ctx.config.publicUrl)
        : { user: null, siteUrl: ctx.config.publicUrl },
    routeGuards: () => routeGuards,
    directory: new Directory(() => db.kysely),
    findOrInviteCustomer: (email, name, trx) => identity.findOrInviteCustomer(email, name, trx),
    staffEmails: (role, trx) => staffEmails(trx ? view<AccountsDb>(trx) : db.root, role),
    orgIdsWith: (actor, permission) => billing.orgIdsWith(actor, permission),
    async registerRoutes(app: HttpServer) {
      await access.refreshMatrix(true);
      installGuardPlacement(app, routeGuards);
      installActorResolution(app, access);
      const limits = createAccountLimiters(app);
      registerAccountsRoutes(app, { identity, tokens, access, guards, limits });
      registerOrganizationRoutes(app, { orgs: organizations, billing, guards });
      registerAccountPages(app, {
        identity,
        tokens,
        orgs: organizations,
        billing,
        guards,
        limits,
        publicUrl: ctx.config.publicUrl,
      });
    },
  };
}
