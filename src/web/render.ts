import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

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
