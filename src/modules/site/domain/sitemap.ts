import type { SitemapEntry } from '../../../platform/context.ts';

/**
 * `/sitemap.xml` (sitemaps.org 0.9) from the entries every module lists: absolute URLs on
 * PUBLIC_URL, one `<url>` per path (the latest lastmod wins when two modules list one),
 * sorted so the document only changes when the site does. Pure.
 */
export function sitemapXml(siteUrl: string, entries: readonly SitemapEntry[]): string {
  const byPath = new Map<string, SitemapEntry>();
  for (const e of entries) {
    if (!e.path.startsWith('/') || e.path.startsWith('//')) {
      throw new Error(`sitemap entry is not a site path: ${e.path}`);
    }
    const seen = byPath.get(e.path);
    const latest = seen?.lastModified && (!e.lastModified || seen.lastModified > e.lastModified) ? seen : e;
    byPath.set(e.path, latest);
  }
  const urls = [...byPath.values()]
    .sort((a, b) => (a.path === '/' ? -1 : b.path === '/' ? 1 : a.path.localeCompare(b.path)))
    .map((e) => {
      const loc = `<loc>${escapeXml(new URL(e.path, siteUrl).href)}</loc>`;
      const lastmod = e.lastModified ? `<lastmod>${e.lastModified.toISOString()}</lastmod>` : '';
      return `<url>${loc}${lastmod}</url>`;
    });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** robots.txt: crawl the public site, not the console, the portal, the API or the cart; where the sitemap is. */
export function robotsTxt(siteUrl: string): string {
  const disallowed = ['/admin', '/account', '/api/', '/cart', '/checkout', '/pay/', '/sign-out'];
  return [
    'User-agent: *',
    ...disallowed.map((p) => `Disallow: ${p}`),
    '',
    `Sitemap: ${new URL('/sitemap.xml', siteUrl).href}`,
    '',
  ].join('\n');
}
