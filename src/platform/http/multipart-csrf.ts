import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { HttpServer } from './server.ts';

/**
 * The platform's CSRF policy (csrf.ts) for streamed multipart routes. Such a route's body is read
 * by its handler, after the generic hook ran, so the route opts out (`config: { csrf: false }`)
 * and applies the same policy here: bearer tokens are exempt, a foreign Origin is refused, and
 * otherwise the token (the `X-CSRF-Token` header, or a `_csrf` field placed before any file, as
 * our forms do) is verified before a single byte of a file is kept.
 */

const isBearer = (request: FastifyRequest) => /^Bearer\s+\S+/i.test(request.headers.authorization ?? '');

/** Checks a token with the platform's own verifier (csrfProtection answers a failure through `reply.send`). */
export async function verifyFormToken(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
): Promise<void> {
  if (!token) throw new AppError('CSRF_INVALID');
  request.body = { _csrf: token };
  await new Promise<void>((resolve, reject) => {
    const probe = {
      unsignCookie: (value: string) => reply.unsignCookie(value),
      send: () => reject(new AppError('CSRF_INVALID')),
    } as unknown as FastifyReply;
    app.csrfProtection(request, probe, () => resolve());
  });
}

/**
 * Before the parts are read: refuses a foreign Origin; true when the request is already trusted
 * (a bearer token, or a valid `X-CSRF-Token` header), false when a `_csrf` field must come first.
 */
export async function multipartTrust(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string,
): Promise<boolean> {
  const ownOrigin = new URL(publicUrl).origin;
  const origin = request.headers.origin;
  const bearer = isBearer(request);
  if (!bearer && origin && origin !== ownOrigin && origin !== `${request.protocol}://${request.host}`)
    throw new AppError('CSRF_INVALID');
  if (bearer) return true;
  const header = request.headers['x-csrf-token'];
  if (typeof header !== 'string') return false;
  await verifyFormToken(app, request, reply, header);
  return true;
}
