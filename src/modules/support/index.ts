import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import { registerAttachmentPages } from './attachments.pages.tsx';
import { registerSupportPages } from './support.pages.tsx';
import { registerSupportRoutes } from './support.routes.ts';
import { type Reference, SupportService } from './support.service.ts';
import type { SupportTables, TicketRow } from './support.tables.ts';

/**
 * Support tickets: signed-in customers open tickets (optionally about one of their licenses or
 * orders, optionally shared with one of their organizations), reply in a thread and follow the
 * status; staff (support and admins) search, reply, move the status and take tickets, each
 * change audited. The customer is mailed when staff reply or resolve; staff when a ticket is
 * opened or a customer replies. Ownership is a filter in every customer query: another
 * customer's ticket is 404.
 */

export {
  CATEGORY_LABELS,
  STATUS_LABELS as TICKET_STATUS_LABELS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketCategory,
  type TicketStatus,
} from './domain/ticket.ts';
export {
  TICKET_REPLY_MAIL_TEMPLATE,
  TICKET_RESOLVED_MAIL_TEMPLATE,
  TICKET_STAFF_MAIL_TEMPLATE,
} from './support.mail.ts';
export { SUPPORT_PERMISSIONS } from './support.routes.ts';
export type { Customer, Reference, TicketThread } from './support.service.ts';
export type { SupportTables, TicketRow };
export { SupportService };

/** The portal dashboard's view of a customer's unresolved tickets. */
export interface OpenTickets {
  count: number;
  items: { id: string; subject: string; status: TicketRow['status']; updatedAt: Date }[];
}

export interface SupportModule extends AppModule {
  name: 'support';
  service: SupportService;
  /** The user's own tickets that are open or waiting on them, most recently updated first. */
  openTicketsOf(userId: string): Promise<OpenTickets>;
}

/** Daily: empties the attachments of tickets resolved or closed more than SUPPORT_ATTACHMENT_RETENTION_DAYS ago. */
export const SUPPORT_ATTACHMENT_PRUNE_JOB = 'support.prune-attachments';

export function createSupportModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    audit: AuditModule;
    /** The customer's own licenses and orders (each module's own user-scoped query). */
    licensesOf(userId: string): Promise<Reference[]>;
    ordersOf(userId: string): Promise<Reference[]>;
  },
): SupportModule {
  const db = ctx.db.withTables<SupportTables>();
  const service = new SupportService(ctx, db, {
    audit: deps.audit,
    // Support staff answer tickets; while a deployment has none, its admins hear about them.
    staffEmails: async (trx) => {
      const support = await deps.accounts.staffEmails('support', trx);
      return support.length ? support : deps.accounts.staffEmails('admin', trx);
    },
    licensesOf: deps.licensesOf,
    ordersOf: deps.ordersOf,
  });
  // Attachments may hold patient data: emptied SUPPORT_ATTACHMENT_RETENTION_DAYS after the ticket is resolved.
  ctx.jobs.define({
    name: SUPPORT_ATTACHMENT_PRUNE_JOB,
    cron: '37 4 * * *',
    retryLimit: 2,
    handler: async () => {
      const removed = await service.attachments.prune();
      ctx.log.info({ removed }, 'support attachments past retention emptied');
    },
  });

  return {
    name: 'support',
    service,
    async openTicketsOf(userId) {
      const rows = await service.openTicketsOf(userId);
      return {
        count: rows.length,
        items: rows.map((t) => ({
          id: t.id,
          subject: t.subject,
          status: t.status,
          updatedAt: new Date(t.updated_at),
        })),
      };
    },
    async registerRoutes(app: HttpServer) {
      const routeDeps = { support: service, accounts: deps.accounts, publicUrl: ctx.config.publicUrl };
      await registerSupportRoutes(app, routeDeps, (scope) => registerAttachmentPages(scope, routeDeps));
      registerSupportPages(app, routeDeps);
    },
  };
}
