import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { registerPortalRoutes } from './portal.routes.ts';
import { PortalService, type PortalSources } from './portal.service.ts';

export type { Dashboard, PortalSources, TicketSummary } from './portal.service.ts';
export { PortalService };

/**
 * The customer portal's dashboard (`/account`): what the customer owns and what needs them, read
 * from the modules that hold it. The sections (licenses, orders, invoices…) stay with their modules.
 */
export function createPortalModule(
  ctx: PlatformContext,
  sources: PortalSources,
): AppModule & { service: PortalService } {
  const service = new PortalService(ctx, sources);
  return {
    name: 'portal',
    service,
    async registerRoutes(app: HttpServer) {
      registerPortalRoutes(app, { accounts: sources.accounts, portal: service });
    },
  };
}
