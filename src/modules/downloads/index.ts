import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { LicensingModule } from '../licensing/index.ts';
import { registerDownloadsPages, registerUploadPage } from './downloads.pages.tsx';
import { registerDownloadsRoutes } from './downloads.routes.ts';
import { DownloadsService } from './downloads.service.ts';
import type { DownloadsTables } from './downloads.tables.ts';

/**
 * Product downloads: staff upload each product's releases (version, platform, file, notes; the
 * file streamed to DATA_DIR/releases/ and hashed on the way) and unpublish them, audited;
 * customers entitled to a product (an ACTIVE license they own or hold a seat on, as licensing
 * says) list its releases and download them through links signed for them that expire after
 * five minutes; every download is recorded and counted for staff.
 */

export {
  compareVersions,
  formatBytes,
  isVersion,
  LINK_TTL_SECONDS,
  PLATFORMS,
  type Platform,
  safeFileName,
} from './domain/release.ts';
export { RELEASE_PERMISSIONS } from './downloads.routes.ts';
export { DownloadsService, type ProductDownloads } from './downloads.service.ts';
export type { DownloadsTables, ReleaseRow } from './downloads.tables.ts';

export interface DownloadsModule extends AppModule {
  name: 'downloads';
  service: DownloadsService;
}

export function createDownloadsModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule; catalog: CatalogModule; licensing: LicensingModule },
): DownloadsModule {
  const db = ctx.db.withTables<DownloadsTables>();
  const service = new DownloadsService(ctx, db, {
    audit: deps.audit,
    entitledProducts: (user) => deps.licensing.entitledProducts(user),
    products: async () =>
      (await deps.catalog.service.view()).products.map((p) => ({ key: p.key, name: p.name })),
  });
  return {
    name: 'downloads',
    service,
    async registerRoutes(app: HttpServer) {
      const routeDeps = { downloads: service, accounts: deps.accounts, publicUrl: ctx.config.publicUrl };
      await registerDownloadsRoutes(app, routeDeps, (scope) => registerUploadPage(scope, routeDeps));
      registerDownloadsPages(app, routeDeps);
    },
  };
}
