import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { type PageChrome, renderPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';

/**
 * HTTP caching of content pages. A visitor who is not signed in gets the same bytes as every
 * other one: no cookie is set (no CSRF token, since such a page has no form that posts), the
 * answer is `public` for at most a minute and never past the next scheduled publication (so no
 * cache keeps a scheduled item hidden), and carries an ETag and the content's Last-Modified for
 * cheap revalidation (304). A signed-in visitor's page names them: `private, no-cache`.
 */

export const PAGE_MAX_AGE = 60;

export function publicChrome(
  accounts: AccountsModule,
  siteUrl: string,
  request: FastifyRequest,
  reply: FastifyReply,
): PageChrome {
  return request.actor ? accounts.pageChrome(request, reply) : { user: null, siteUrl };
}

/** Seconds a list may be cached: a minute, or less when something is scheduled to appear sooner. */
export function maxAgeUntil(next: Date | null, now: Date): number {
  if (!next) return PAGE_MAX_AGE;
  return Math.max(0, Math.min(PAGE_MAX_AGE, Math.floor((next.getTime() - now.getTime()) / 1000)));
}

function matches(ifNoneMatch: string, etag: string): boolean {
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

/** Sends a representation (a page or a feed) with validators; answers 304 when the client's copy is current. */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  options: { type: string; lastModified: Date | null; maxAge: number },
): FastifyReply {
  const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply
    .type(options.type)
    .header('etag', etag)
    .header('cache-control', request.actor ? 'private, no-cache' : `public, max-age=${options.maxAge}`)
    .header('vary', 'Cookie');
  if (options.lastModified) reply.header('last-modified', options.lastModified.toUTCString());
  const inm = request.headers['if-none-match'];
  const ims = request.headers['if-modified-since'];
  const fresh = inm
    ? matches(inm, etag)
    : Boolean(
        ims &&
          options.lastModified &&
          Math.floor(options.lastModified.getTime() / 1000) <= Math.floor(Date.parse(ims) / 1000),
      );
  if (fresh) return reply.code(304).send();
  return reply.send(body);
}

export function sendContentPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: VNode,
  options: { lastModified: Date | null; maxAge: number },
): FastifyReply {
  return sendCached(request, reply, renderPage(page), { type: 'text/html; charset=utf-8', ...options });
}
