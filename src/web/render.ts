import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { CSRF_COOKIE } from '../platform/http/csrf.ts';
import { CSRF_FIELD } from './components.tsx';

/**
 * A full HTML document from a page component. preact-render-to-string escapes
 * every text node and attribute value, so user input is safe as long as no
 * page passes it through dangerouslySetInnerHTML.
 */
export function renderPage(vnode: VNode): string {
  return `<!doctype html>${renderToString(vnode)}`;
}

/**
 * Sends a rendered page. `private: true` for pages about one customer (orders, payments,
 * subscriptions, checkout): `no-store`, so no cache or back button keeps them.
 */
export function sendPage(
  reply: FastifyReply,
  page: VNode,
  options: { status?: number; private?: boolean } = {},
): FastifyReply {
  reply.code(options.status ?? 200).type('text/html; charset=utf-8');
  if (options.private) reply.header('cache-control', 'no-store');
  return reply.send(renderPage(page));
}

/** Cache-Control of a page anyone may be shown: any cache may keep it, but must revalidate each use. */
export const PUBLIC_PAGE_CACHE = 'public, no-cache';
/** Cache-Control of a public page rendered for one visitor (signed in, or holding a form's CSRF token). */
export const PERSONAL_PAGE_CACHE = 'private, no-cache';

// preact writes the CSRF input as `name="_csrf" value="…"` (components.tsx, CsrfInput).
const CSRF_VALUE = new RegExp(`(name="${CSRF_FIELD}" value=")[^"]*"`, 'g');

/**
 * Sends a page of the public site (marketing, catalog, content) with validation caching:
 * a strong ETag from the hash of the body, `no-cache` (every use is revalidated, so a staff
 * edit shows at the next request: a changed body is a changed hash), and 304 when the
 * visitor already holds this body.
 *
 * A page that carries a CSRF token (a form, or the signed-in header's sign-out button) is
 * bound to the visitor's cookies: it is `private`, and its ETag hashes the body with the
 * token's value left out (a fresh render draws a new random token, valid for the same
 * cookie secret as the old one) together with the request's cookies — a changed session
 * or CSRF cookie is a changed tag. A request without the CSRF cookie gets no ETag at all:
 * the answer sets a new CSRF secret, and a cached copy's token would not match it.
 *
 * The tag names the content coding @fastify/compress will pick for this request (brotli,
 * then gzip, as configured in platform/http/server.ts): a strong validator belongs to one
 * representation, so a cache never pairs a 304 for the brotli body with a stored gzip one.
 *
 * `lastModified` (content pages: the latest change or publication of what the page shows)
 * adds Last-Modified to a page anyone may be shown, and answers 304 to an If-Modified-Since
 * at or after it when the request has no If-None-Match (which wins, RFC 9110 §13.1.3). A
 * personal page gets neither: only its tag knows the cookies it was rendered for.
 */
export function sendPublicPage(
  request: FastifyRequest,
  reply: FastifyReply,
  page: VNode,
  options: { status?: number; lastModified?: Date | null } = {},
): FastifyReply {
  const html = renderPage(page);
  const status = options.status ?? 200;
  reply.code(status).type('text/html; charset=utf-8');
  const personal = html.includes(`name="${CSRF_FIELD}"`);
  reply.header('cache-control', personal ? PERSONAL_PAGE_CACHE : PUBLIC_PAGE_CACHE);
  if (status !== 200) return reply.send(html);
  const cookies = request.headers.cookie ?? '';
  if (personal && !cookies.split(';').some((c) => c.trim().startsWith(`${CSRF_COOKIE}=`))) {
    return reply.send(html);
  }
  const hash = createHash('sha256');
  if (personal) hash.update(html.replace(CSRF_VALUE, '$1"')).update('\0').update(cookies);
  else hash.update(html);
  const etag = `"${hash.digest('base64url').slice(0, 27)}${codingSuffix(request.headers['accept-encoding'])}"`;
  reply.header('etag', etag);
  const lastModified = personal ? null : (options.lastModified ?? null);
  if (lastModified) reply.header('last-modified', lastModified.toUTCString());
  const inm = request.headers['if-none-match'];
  const fresh = inm
    ? matches(inm, etag)
    : notModifiedSince(request.headers['if-modified-since'], lastModified);
  if (fresh) return reply.code(304).send();
  return reply.send(html);
}

/** If-Modified-Since at or after the page's last change (HTTP dates have whole seconds). */
function notModifiedSince(header: string | undefined, lastModified: Date | null): boolean {
  if (!header || !lastModified) return false;
  const since = Date.parse(header);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a `W/` prefix does not matter. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/**
 * `-br`, `-gzip` or nothing: the coding @fastify/compress (encodings br, gzip) picks for this
 * Accept-Encoding — the highest q above 0, brotli on a tie; like it, `*` and `x-gzip` mean gzip.
 */
export function codingSuffix(acceptEncoding: string | undefined): string {
  if (!acceptEncoding) return '';
  const q = { br: 0, gzip: 0 };
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [raw = '', ...params] = part.trim().split(';');
    const token = raw.trim() === '*' || raw.trim() === 'x-gzip' ? 'gzip' : raw.trim();
    if (token !== 'br' && token !== 'gzip') continue;
    let weight = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q' && v !== undefined) weight = Number.parseFloat(v) || 0;
    }
    q[token] = Math.max(q[token], weight);
  }
  if (q.br > 0 && q.br >= q.gzip) return '-br';
  return q.gzip > 0 ? '-gzip' : '';
}
