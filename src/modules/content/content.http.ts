import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP caching of the feeds (RSS of the blog and the podcast; the pages go through the web
 * shell's sendPublicPage, validated on every use). Feed readers poll without cookies and many
 * ignore no-cache: a feed is `public` for at most a minute and never past the next scheduled
 * publication (so no cache keeps a scheduled item out of it), with an ETag and the content's
 * Last-Modified for cheap revalidation (304). A signed-in visitor's copy is `private, no-cache`.
 */

export const FEED_MAX_AGE = 60;

/** Seconds a feed may be cached: a minute, or less when something is scheduled to appear sooner. */
export function maxAgeUntil(next: Date | null, now: Date): number {
  if (!next) return FEED_MAX_AGE;
  return Math.max(0, Math.min(FEED_MAX_AGE, Math.floor((next.getTime() - now.getTime()) / 1000)));
}

function matches(ifNoneMatch: string, etag: string): boolean {
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

/** Sends a feed with validators; answers 304 when the client's copy is current. */
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
