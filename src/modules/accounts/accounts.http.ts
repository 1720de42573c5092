import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { wantsHtml } from '../../platform/http/error-mapper.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { ASSET_PREFIX, type PageChrome } from '../../web/index.ts';
import type { AccessService } from './access.service.ts';
import type { Actor, RequestMeta, StaffRole } from './accounts.contract.ts';
import { bearerToken } from './domain/api-token.ts';
import type { Resource } from './domain/permissions.ts';

/**
 * The accounts module's HTTP glue shared by its routes and by other modules:
 * the per-request actor, the guards, request metadata and page chrome.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: resolved once per request from the session cookie or a bearer API token. */
    actor: Actor | null;
  }
}

/** Where a signed-in account with a one-time password is sent until it picks its own. */
export const CHANGE_PASSWORD_PATH = '/account/password';
const FORCED_CHANGE_ALLOWED = new Set([
  CHANGE_PASSWORD_PATH,
  '/sign-out',
  '/api/v1/account/password',
  '/api/v1/auth/sign-out',
  '/api/v1/auth/session',
]);

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? request.url;
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua : null,
    cookie: request.headers.cookie ?? null,
  };
}

export function appendSetCookies(reply: FastifyReply, cookies: readonly string[]): void {
  // Fastify appends repeated set-cookie headers instead of replacing them.
  for (const c of cookies) reply.header('set-cookie', c);
}

/** A page navigation (not an API call): guards redirect it to the sign-in form instead of answering 401. */
function isPageRequest(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && wantsHtml(request);
}

function signInRedirect(request: FastifyRequest): string {
  // After signing in, come back here; a POST has no page to come back to, so go to the page it came from.
  const next = request.method === 'GET' ? request.url : '/account';
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

/** Resolves `request.actor` for every request (static assets excepted) and enforces a pending password change. */
export function installActorResolution(app: HttpServer, access: AccessService): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    request.actor = null;
    if (request.url.startsWith(ASSET_PREFIX)) return;
    await access.refreshMatrix();
    const token = bearerToken(request.headers.authorization);
    if (token) {
      request.actor = await access.fromApiToken(token);
      return;
    }
    const cookie = request.headers.cookie;
    // Only a request carrying a session cookie costs a database round trip.
    if (cookie?.includes('session_token=')) {
      const resolved = await access.fromSessionCookie(cookie);
      request.actor = resolved.actor;
      appendSetCookies(reply, resolved.setCookies);
    }
  });
  app.addHook('preHandler', async (request, reply) => {
    const actor = request.actor;
    if (!actor?.mustChangePassword || actor.via !== 'session') return;
    const path = pathOf(request);
    if (FORCED_CHANGE_ALLOWED.has(path)) return;
    if (isPageRequest(request) && request.method === 'GET') return reply.redirect(CHANGE_PASSWORD_PATH, 303);
    throw new AppError('PASSWORD_CHANGE_REQUIRED');
  });
}

/** What a guard demands, kept on the guard function so routes can be listed with their guards. */
export interface GuardInfo {
  kind: 'actor' | 'permission' | 'staff';
  permission?: string;
  /** The permission is checked against a resource of the request (an organization…). */
  scoped?: boolean;
  role?: StaffRole;
  /** A signed-in session is required (API tokens get 403). */
  session?: boolean;
}

const GUARD = Symbol('fhiriq.guard');

function tagged<T extends object>(fn: T, info: GuardInfo): T {
  Object.defineProperty(fn, GUARD, { value: info });
  return fn;
}

/** The guard a hook function is, if it is one. */
export function guardOf(fn: unknown): GuardInfo | undefined {
  return typeof fn === 'function' ? (fn as { [GUARD]?: GuardInfo })[GUARD] : undefined;
}

/**
 * Moves every guard of a route from `preHandler` to `preValidation`, and records the route's
 * guards. Authorization then runs before the body is validated: a caller without the right
 * learns nothing about the route's schema (401/403, never a 400 listing fields), and the
 * authorization matrix test can call every route with any body.
 */
export function installGuardPlacement(app: HttpServer, registry: Map<string, GuardInfo[]>): void {
  app.addHook('onRoute', (route) => {
    const hooks = [route.preHandler ?? []].flat();
    const guards = hooks.filter((h) => guardOf(h));
    if (!guards.length) return;
    route.preHandler = hooks.filter((h) => !guardOf(h));
    route.preValidation = [...[route.preValidation ?? []].flat(), ...guards] as typeof route.preValidation;
    for (const method of [route.method].flat())
      registry.set(
        `${method} ${route.url}`,
        guards.map(guardOf).filter((g) => g !== undefined),
      );
  });
}

export interface Guards {
  requireActor(options?: { session?: boolean }): preHandlerAsyncHookHandler;
  requirePermission(
    permission: string,
    resource?: (request: FastifyRequest) => Resource,
  ): preHandlerAsyncHookHandler;
  requireStaff(role?: StaffRole): preHandlerAsyncHookHandler;
}

export function createGuards(access: AccessService): Guards {
  /**
   * No actor: a page request is redirected to sign-in (the reply is returned, which tells Fastify
   * to stop there); an API call gets 401.
   */
  function unauthenticated(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (isPageRequest(request)) return reply.redirect(signInRedirect(request), 303);
    throw new AppError('UNAUTHENTICATED');
  }
  function sessionOnly(actor: Actor, session: boolean): void {
    if (session && actor.via !== 'session') {
      throw new AppError('FORBIDDEN', 'This needs a signed-in session; API tokens cannot do it.');
    }
  }
  return {
    requireActor: (options = {}) =>
      tagged(
        async function requireActor(request: FastifyRequest, reply: FastifyReply) {
          if (!request.actor) return unauthenticated(request, reply);
          sessionOnly(request.actor, options.session ?? false);
        },
        { kind: 'actor', session: options.session ?? false },
      ),
    requirePermission: (permission, resource) =>
      tagged(
        async function requirePermission(request: FastifyRequest, reply: FastifyReply) {
          if (!request.actor) return unauthenticated(request, reply);
          if (!access.can(request.actor, permission, resource?.(request))) throw new AppError('FORBIDDEN');
        },
        { kind: 'permission', permission, scoped: resource !== undefined },
      ),
    requireStaff: (role) =>
      tagged(
        async function requireStaff(request: FastifyRequest, reply: FastifyReply) {
          const actor = request.actor;
          if (!actor) return unauthenticated(request, reply);
          if (!actor.staffRole || (role && actor.staffRole !== role)) throw new AppError('FORBIDDEN');
        },
        { kind: 'staff', ...(role ? { role } : {}) },
      ),
  };
}

/** What every page passes to the layout: who is signed in and a CSRF token for its forms. */
export function pageChrome(request: FastifyRequest, reply: FastifyReply, siteUrl: string): PageChrome {
  const actor = request.actor;
  return {
    user: actor ? { name: actor.name, email: actor.email, isStaff: actor.staffRole !== null } : null,
    csrfToken: reply.generateCsrf(),
    siteUrl,
  };
}
