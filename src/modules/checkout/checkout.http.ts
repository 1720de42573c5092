import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CartOwner, CookieAction } from './cart.service.ts';

/** The guest cart cookie: a random token (the database keeps only its keyed hash). */
export const CART_COOKIE = 'fhiriq_cart';
const MAX_AGE_SECONDS = 30 * 86_400;

export function ownerOf(request: FastifyRequest): CartOwner {
  const raw = request.cookies?.[CART_COOKIE];
  return {
    userId: request.actor?.userId ?? null,
    token: typeof raw === 'string' && /^[A-Za-z0-9_-]{43}$/.test(raw) ? raw : null,
  };
}

export function applyCookie(reply: FastifyReply, action: CookieAction, secure: boolean): void {
  if (!action) return;
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
  if ('set' in action) reply.setCookie(CART_COOKIE, action.set, { ...options, maxAge: MAX_AGE_SECONDS });
  else reply.clearCookie(CART_COOKIE, options);
}
