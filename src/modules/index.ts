import type { AppModule, PlatformContext } from '../platform/context.ts';
import { type AccountsModule, createAccountsModule } from './accounts/index.ts';
import { createAdminModule } from './admin/index.ts';
import { type AuditModule, createAuditModule } from './audit/index.ts';
import { type CatalogModule, createCatalogModule } from './catalog/index.ts';
import { createSiteModule } from './site/index.ts';
import { createTaxModule, type TaxModule } from './tax/index.ts';

export interface Modules {
  accounts: AccountsModule;
  audit: AuditModule;
  catalog: CatalogModule;
  tax: TaxModule;
  /** Every module in dependency order (routes and seeders are registered in this order). */
  all: AppModule[];
}

/**
 * Every domain module, in dependency order. Each module folder exposes one
 * public index.ts; this is the only place that wires them together.
 */
export function createModules(ctx: PlatformContext): Modules {
  const audit = createAuditModule(ctx);
  const accounts = createAccountsModule(ctx);
  const catalog = createCatalogModule(ctx, { accounts, audit });
  const site = createSiteModule(ctx, { accounts });
  const admin = createAdminModule(ctx, { accounts, audit });
  // Quotes price SKUs from the catalog (catalog.service.price fits the tax module's PriceSource).
  const tax = createTaxModule(ctx, { prices: catalog.service });
  return { accounts, audit, catalog, tax, all: [audit, accounts, catalog, tax, site, admin] };
}
