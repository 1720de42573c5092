import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: the route is outside the CSRF policy (signed webhooks; APIs authenticated by a key in the body). */
    csrf?: boolean;
  }
}

/** The signed cookie holding a visitor's CSRF secret (tokens in forms are checked against it). */
export const CSRF_COOKIE = 'fhiriq_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One CSRF policy for every state-changing request:
 * - HTML forms (urlencoded, multipart, text/plain — what a cross-site page can
 *   submit without CORS) must carry the synchronizer token (`_csrf` field or
 *   `X-CSRF-Token` header) tied to the signed `fhiriq_csrf` cookie.
 * - JSON requests, and PUT/PATCH/DELETE of any kind, cannot be sent
 *   cross-site without a CORS preflight, which we never grant; as defence in
 *   depth, a browser-supplied Origin must be ours.
 * - Requests authenticated by a bearer token carry no ambient credential and
 *   are exempt.
 * Routes may opt out with `config: { csrf: false }` (webhooks signed by their sender).
 */
export function installCsrfPolicy(app: FastifyInstance, config: Config): void {
  const ownOrigin = new URL(config.publicUrl).origin;
  // preValidation: after the body is parsed (the token may be a form field), before
  // schema validation, so a forged request learns nothing about the route's schema.
  app.addHook('preValidation', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.routeOptions.config?.csrf === false) return;
    if (isBearer(request)) return;
    const origin = request.headers.origin;
    if (origin && origin !== ownOrigin && origin !== hostOrigin(request)) throw new AppError('CSRF_INVALID');
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (request.method !== 'POST' || type === 'application/json' || type.endsWith('+json')) return;
    await new Promise<void>((resolve, reject) => {
      app.csrfProtection(request, reply, (err?: Error) =>
        err ? reject(new AppError('CSRF_INVALID')) : resolve(),
      );
    });
  });
}

function isBearer(request: FastifyRequest): boolean {
  const h = request.headers.authorization;
  return typeof h === 'string' && /^Bearer\s+\S+/i.test(h);
}

function hostOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
