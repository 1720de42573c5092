import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import { registerCatalogPages } from './catalog.pages.tsx';
import { registerCatalogRoutes } from './catalog.routes.ts';
import { catalogSeeder } from './catalog.seeder.ts';
import { CatalogService } from './catalog.service.ts';
import type { CatalogTables } from './catalog.tables.ts';
import { registerCatalogAdminRoutes } from './catalog-admin.routes.ts';
import { createQuoteLimiter } from './limits.ts';
import { marketingSeeder } from './marketing.seeder.ts';
import { MarketingService } from './marketing.service.ts';
import type { MarketingTables } from './marketing.tables.ts';
import { registerMarketingAdminPages } from './marketing-admin.pages.tsx';
import { registerMarketingAdminRoutes } from './marketing-admin.routes.ts';
import { QuoteService } from './quotes.service.ts';
import type { ProductImages } from './views/product-marketing.ts';

/**
 * The catalog: products, SKUs, prices per currency, bundles and quote
 * requests. Other modules (cart, checkout, tax, billing) read it through
 * `service` — `get(sku)` for what is sold now, `price(id)` for a price a
 * subscription or order points at, even once archived.
 */

export type { SkuPatch, StaffContext } from './catalog.service.ts';
export { CatalogService } from './catalog.service.ts';
export type { CatalogTables } from './catalog.tables.ts';
export { type BundlePricing, bundlePricing } from './domain/bundle.ts';
export type { CatalogEntry, FulfillmentView, Prices } from './domain/catalog-view.ts';
export { CatalogView, fromPrice } from './domain/catalog-view.ts';
export type { CatalogIssue, Severity } from './domain/checker.ts';
export { checkCatalog } from './domain/checker.ts';
export * from './domain/marketing.ts';
export { type AnnualSaving, annualSaving } from './domain/pricing.ts';
export {
  isSeatLicense,
  licenseSeats,
  MAX_SEATS_PER_LINE,
  seatCap,
  usersLimit,
} from './domain/seats.ts';
export { parseSku, type SkuCodes, type SkuParseResult, type SkuParts } from './domain/sku.ts';
export type * from './domain/types.ts';
export { MarketingService } from './marketing.service.ts';
export { QuoteService } from './quotes.service.ts';
export type { ProductImages, ProductPicture } from './views/product-marketing.ts';

const NO_IMAGES: ProductImages = { picture: async () => null, prepare: async () => 0 };

export interface CatalogModule extends AppModule {
  name: 'catalog';
  service: CatalogService;
  quotes: QuoteService;
  /** Product pages' copy, course outlines, instructors, live-workshop dates, FAQ. */
  marketing: MarketingService;
}

export function createCatalogModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    audit: AuditModule;
    /** Port: the screenshots' responsive pictures (the content module's images); none are shown without it. */
    images?: ProductImages;
  },
): CatalogModule {
  const db = ctx.db.withTables<CatalogTables>();
  const marketing = new MarketingService(ctx, db.withTables<MarketingTables>(), deps.audit);
  const service = new CatalogService(ctx, db, deps.audit);
  const quotes = new QuoteService(
    ctx,
    db,
    service,
    (role, trx) => deps.accounts.staffEmails(role, trx),
    deps.audit,
  );
  return {
    name: 'catalog',
    seeders: [catalogSeeder(ctx.clock, ctx.log), marketingSeeder(ctx.clock)],
    service,
    quotes,
    marketing,
    async registerRoutes(app: HttpServer) {
      const quoteLimit = createQuoteLimiter(app);
      registerCatalogRoutes(app, { catalog: service, quotes, quoteLimit });
      registerCatalogAdminRoutes(app, { catalog: service, quotes, accounts: deps.accounts });
      registerMarketingAdminRoutes(app, { marketing, accounts: deps.accounts });
      registerMarketingAdminPages(app, { marketing, catalog: service, accounts: deps.accounts });
      registerCatalogPages(app, {
        catalog: service,
        quotes,
        accounts: deps.accounts,
        quoteLimit,
        marketing,
        clock: ctx.clock,
        siteUrl: ctx.config.publicUrl,
        images: deps.images ?? NO_IMAGES,
      });
    },
    /** The screenshots' image files, made before their first visitor. */
    async warm() {
      const images = deps.images;
      if (!images) return null;
      const srcs = new Set((await marketing.data()).pages.flatMap((p) => p.screenshots.map((s) => s.src)));
      let made = 0;
      for (const src of srcs) made += await images.prepare(src);
      return `product screenshots: ${made} variants made for ${srcs.size} images`;
    },
    /** The listings, the pricing page and every product on sale (a product with no active SKU is not listed). */
    async sitemapEntries() {
      const view = await service.view();
      const lastModified = await service.lastModified();
      const at = lastModified ? { lastModified } : {};
      const products = ['TL', 'TR', 'CS', 'BN'].flatMap((c) => view.productsOf(c));
      return [
        ...['/tools', '/training', '/consulting', '/pricing'].map((path) => ({ path, ...at })),
        ...products.map((p) => ({ path: `/products/${p.slug}`, ...at })),
      ];
    },
  };
}
