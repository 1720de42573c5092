import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import { registerInvoicePages } from './invoices.pages.tsx';
import { INVOICE_PERMISSIONS, registerInvoiceRoutes } from './invoices.routes.ts';
import { INVOICE_MAIL_JOB, type InvoiceFaultHook, InvoiceService } from './invoices.service.ts';
import type { InvoicesTables } from './invoices.tables.ts';

/**
 * Invoices: one invoice per paid order (checkout, renewal, plan change), numbered
 * FHIR-YYYY-MM-NNNN without gaps at finalization, immutable, with its PDF and its mail to the
 * buyer; a credit note (FHIR-CN-YYYY-MM-NNNN) per refund. Customers read theirs under
 * /account/invoices, staff under /admin/invoices.
 */

export type { InvoiceStatus } from './domain/document.ts';
export { formatAmount } from './domain/format.ts';
export { formatDocumentNumber, periodOf } from './domain/numbering.ts';
export { INVOICE_MAIL_TEMPLATE } from './invoices.mail.ts';
export { INVOICE_MAIL_JOB, type InvoiceFaultHook, InvoiceService } from './invoices.service.ts';
export type { CreditNoteRow, InvoiceRow, InvoicesTables } from './invoices.tables.ts';
export { INVOICE_PERMISSIONS };

/** The queues of the invoices module's subscribers (`<topic>-<name>`), for tests and the admin console. */
export const INVOICE_JOBS = {
  orderPaid: 'orders.paid-invoices',
  orderRefunded: 'orders.refunded-invoices',
  mail: INVOICE_MAIL_JOB,
} as const;

export interface InvoicesModule extends AppModule {
  name: 'invoices';
  service: InvoiceService;
  /** Tests only (refused in production): make a finalization fail after its number is taken. */
  setFaultHook(hook: InvoiceFaultHook | undefined): void;
}

export function createInvoicesModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; orders: OrdersModule; payments: PaymentsModule },
): InvoicesModule {
  const db = ctx.db.withTables<InvoicesTables>();
  const service = new InvoiceService(ctx, db, deps);

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
    handler: async ({ invoiceId }) => service.mailInvoice(invoiceId),
  });

  return {
    name: 'invoices',
    service,
    setFaultHook: (hook) => service.setFaultHook(hook),
    async registerRoutes(app: HttpServer) {
      const routeDeps = { invoices: service, accounts: deps.accounts };
      registerInvoiceRoutes(app, routeDeps);
      registerInvoicePages(app, routeDeps);
    },
  };
}
