import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import { InvoiceMailService } from './invoice-mail.service.ts';
import { CREDIT_NOTE_MAIL_JOB, INVOICE_MAIL_JOB } from './invoices.mail.ts';
import { registerInvoicePages } from './invoices.pages.tsx';
import { INVOICE_PERMISSIONS, registerInvoiceRoutes } from './invoices.routes.ts';
import { type InvoiceFaultHook, InvoiceService } from './invoices.service.ts';
import type { InvoicesTables } from './invoices.tables.ts';

/**
 * Invoices: one invoice per paid order (checkout, renewal, plan change), numbered
 * FHIR-YYYY-MM-NNNN without gaps at finalization, immutable, with its PDF and its mail to the
 * buyer; a credit note (FHIR-CN-YYYY-MM-NNNN) per refund, mailed with its PDF too. Customers
 * read theirs under /account/invoices, staff under /admin/invoices (and resend the mails).
 */

export type { InvoiceStatus } from './domain/document.ts';
export { formatAmount } from './domain/format.ts';
export { formatDocumentNumber, periodOf } from './domain/numbering.ts';
export { InvoiceMailService } from './invoice-mail.service.ts';
export {
  CREDIT_NOTE_MAIL_JOB,
  CREDIT_NOTE_MAIL_TEMPLATE,
  INVOICE_MAIL_JOB,
  INVOICE_MAIL_TEMPLATE,
} from './invoices.mail.ts';
export { type InvoiceFaultHook, InvoiceService } from './invoices.service.ts';
export type { CreditNoteRow, InvoiceRow, InvoicesTables } from './invoices.tables.ts';
export { INVOICE_PERMISSIONS };

/** The queues of the invoices module's subscribers (`<topic>-<name>`), for tests and the admin console. */
export const INVOICE_JOBS = {
  orderPaid: 'orders.paid-invoices',
  orderRefunded: 'orders.refunded-invoices',
  mail: INVOICE_MAIL_JOB,
  creditNoteMail: CREDIT_NOTE_MAIL_JOB,
} as const;

export interface InvoicesModule extends AppModule {
  name: 'invoices';
  service: InvoiceService;
  /** The invoice and credit note mails (first sending by jobs, staff resends). */
  mail: InvoiceMailService;
  /** Tests only (refused in production): make a finalization fail after its number is taken. */
  setFaultHook(hook: InvoiceFaultHook | undefined): void;
}

export function createInvoicesModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule; orders: OrdersModule; payments: PaymentsModule },
): InvoicesModule {
  const db = ctx.db.withTables<InvoicesTables>();
  const service = new InvoiceService(ctx, db, deps);
  const mail = new InvoiceMailService(ctx, db, service, deps.audit);

  ctx.events.subscribe('orders.paid', {
    name: 'invoices',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async ({ orderId }) => void (await service.finalizeForOrder(orderId)),
  });
  ctx.events.subscribe('orders.refunded', {
    name: 'invoices',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async (event) => void (await service.onOrderRefunded(event)),
  });
  ctx.jobs.define<{ invoiceId: string }>({
    name: INVOICE_MAIL_JOB,
    retryLimit: 10,
    retryDelaySeconds: 30,
    retryBackoff: true,
    handler: async ({ invoiceId }) => mail.mailInvoice(invoiceId),
  });
  ctx.jobs.define<{ creditNoteId: string }>({
    name: CREDIT_NOTE_MAIL_JOB,
    retryLimit: 10,
    retryDelaySeconds: 30,
    retryBackoff: true,
    handler: async ({ creditNoteId }) => mail.mailCreditNote(creditNoteId),
  });

  return {
    name: 'invoices',
    service,
    mail,
    setFaultHook: (hook) => service.setFaultHook(hook),
    async registerRoutes(app: HttpServer) {
      const routeDeps = { invoices: service, mail, accounts: deps.accounts };
      registerInvoiceRoutes(app, routeDeps);
      registerInvoicePages(app, routeDeps);
    },
  };
}
