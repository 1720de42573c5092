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
