import type { AppModule, PlatformContext } from '../platform/context.ts';
import { type AccountsModule, createAccountsModule } from './accounts/index.ts';
import { createAdminModule } from './admin/index.ts';
import { type AuditModule, createAuditModule } from './audit/index.ts';
import { createSiteModule } from './site/index.ts';

export interface Modules {
  accounts: AccountsModule;
  audit: AuditModule;
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
  const site = createSiteModule(ctx, { accounts });
  const admin = createAdminModule(ctx, { accounts, audit });
  return { accounts, audit, all: [audit, accounts, site, admin] };
}
