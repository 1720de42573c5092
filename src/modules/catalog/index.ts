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
import { QuoteService } from './quotes.service.ts';

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
export { CatalogView } from './domain/catalog-view.ts';
export type { CatalogIssue, Severity } from './domain/checker.ts';
export { checkCatalog } from './domain/checker.ts';
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
export { QuoteService } from './quotes.service.ts';

export interface CatalogModule extends AppModule {
  name: 'catalog';
  service: CatalogService;
  quotes: QuoteService;
}

export function createCatalogModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule },
): CatalogModule {
  const db = ctx.db.withTables<CatalogTables>();
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
    seeders: [catalogSeeder(ctx.clock, ctx.log)],
    service,
    quotes,
    async registerRoutes(app: HttpServer) {
      const quoteLimit = createQuoteLimiter(app);
      registerCatalogRoutes(app, { catalog: service, quotes, quoteLimit });
      registerCatalogAdminRoutes(app, { catalog: service, quotes, accounts: deps.accounts });
      registerCatalogPages(app, { catalog: service, quotes, accounts: deps.accounts, quoteLimit });
    },
  };
}
