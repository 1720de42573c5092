import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppModule, PlatformContext, SitemapEntry } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { formatMoney } from '../../platform/money.ts';
import { assetsPlugin, assetUrl, HomePage, type HomeTool, sendPublicPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { type CatalogModule, fromPrice } from '../catalog/index.ts';
import { organizationJsonLd } from './domain/organization.ts';
import { robotsTxt, sitemapXml } from './domain/sitemap.ts';
import { TESTIMONIALS } from './testimonials.ts';

/**
 * The public site's frame: static assets, the home page (its tools come from the catalog),
 * `/robots.txt` and `/sitemap.xml` (the pages every module lists through `sitemapEntries`).
 * The catalog serves the tools, training, consulting, pricing and product pages; the
 * content module the blog, podcast, case studies, docs and About/Privacy/Terms; the leads
 * module the contact page.
 */
export function createSiteModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    catalog: CatalogModule;
    /** Every module's sitemap entries (the composition root collects them). */
    sitemap: () => Promise<SitemapEntry[]>;
  },
): AppModule {
  const siteUrl = ctx.config.publicUrl;

  async function homeTools(): Promise<HomeTool[]> {
    const [view, data] = await Promise.all([deps.catalog.service.view(), deps.catalog.marketing.data()]);
    return view.productsOf('TL').map((product) => {
      const page = data.pages.find((p) => p.productKey === product.key);
      const from = fromPrice(view.skusOf(product.key), 'USD');
      return {
        slug: product.slug,
        name: product.name,
        summary: page?.tagline ?? product.description,
        points: (page?.highlights ?? []).slice(0, 2).map((h) => h.title),
        from: from
          ? `From ${formatMoney(from.amount, 'USD')} ${from.entry.interval === 'month' ? 'per month' : from.entry.interval === 'year' ? 'per year' : ''}`.trim()
          : null,
      };
    });
  }

  return {
    name: 'site',
    async registerRoutes(app: HttpServer) {
      await app.register(assetsPlugin);
      app.get('/', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) =>
        sendPublicPage(
          request,
          reply,
          HomePage({
            ...deps.accounts.publicPageChrome(request, reply),
            tools: await homeTools(),
            testimonials: TESTIMONIALS,
            jsonLd: organizationJsonLd(siteUrl, new URL(assetUrl('favicon.svg'), siteUrl).href),
          }),
        ),
      );
      // 001's page tree calls the consulting page "Services".
      app.get('/services', { schema: { hide: true } }, async (_request, reply) =>
        reply.redirect('/consulting', 301),
      );
      app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(robotsTxt(siteUrl)),
      );
      app.get('/sitemap.xml', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('application/xml; charset=utf-8')
          // Validated each time: a page published a minute ago is in it.
          .header('cache-control', 'public, no-cache')
          .send(sitemapXml(siteUrl, await deps.sitemap())),
      );
    },
    async sitemapEntries() {
      // The home page shows the catalog's tools: it changes when the catalog does.
      const lastModified = await deps.catalog.service.lastModified();
      return [{ path: '/', ...(lastModified ? { lastModified } : {}) }];
    },
  };
}
