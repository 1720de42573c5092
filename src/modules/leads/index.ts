import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import { registerLeadPages } from './leads.pages.tsx';
import { registerLeadRoutes } from './leads.routes.ts';
import { LeadsService } from './leads.service.ts';
import type { LeadsTables } from './leads.tables.ts';
import { CONTACT_LIMIT, createContactLimiter } from './limits.ts';

/**
 * Leads: the public contact form (`/contact`) and what becomes of its messages — stored as
 * leads, staff told and the sender confirmed through the outbox, then moved by staff from new
 * to contacted to closed (`/admin/leads`, `/api/v1/admin/leads`), each move audited.
 */

export { EMAIL_BURST, MIN_FILL_MS } from './domain/lead.ts';
export { LeadsService } from './leads.service.ts';
export type { LeadRow, LeadsTables } from './leads.tables.ts';
export { CONTACT_LIMIT };

/** Daily: deletes leads past LEADS_RETENTION_DAYS (they are personal data). */
export const LEADS_PRUNE_JOB = 'leads.prune';

export interface LeadsModule extends AppModule {
  name: 'leads';
  service: LeadsService;
}

export function createLeadsModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule },
): LeadsModule {
  const service = new LeadsService(
    ctx,
    ctx.db.withTables<LeadsTables>(),
    (role, trx) => deps.accounts.staffEmails(role, trx),
    deps.audit,
  );
  ctx.jobs.define({
    name: LEADS_PRUNE_JOB,
    cron: '47 4 * * *',
    retryLimit: 2,
    handler: async () => {
      const removed = await service.prune();
      ctx.log.info({ removed }, 'leads past retention deleted');
    },
  });
  return {
    name: 'leads',
    service,
    async registerRoutes(app: HttpServer) {
      const contactLimit = createContactLimiter(app);
      registerLeadRoutes(app, { leads: service, accounts: deps.accounts });
      registerLeadPages(app, { leads: service, accounts: deps.accounts, contactLimit });
    },
    async sitemapEntries() {
      return [{ path: '/contact' }];
    },
  };
}
