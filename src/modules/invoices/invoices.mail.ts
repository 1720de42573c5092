import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { formatAmount, formatDate } from './domain/format.ts';
import type { InvoiceRow } from './invoices.tables.ts';

export const INVOICE_MAIL_TEMPLATE = 'invoices.invoice';

/** The invoice, mailed to the buyer with its PDF attached; returns the outbox message id. */
export async function sendInvoiceMail(
  ctx: PlatformContext,
  trx: DbHandle,
  invoice: InvoiceRow,
  pdf: { filename: string; content: Buffer },
): Promise<string> {
  const total = formatAmount(Number(invoice.gross_total) - Number(invoice.credit_applied), invoice.currency);
  const body = paragraphMail([
    `Hello ${invoice.buyer.name},`,
    `Thank you for your payment. Your invoice ${invoice.number} for order ${invoice.order_number}, issued on ${formatDate(invoice.issued_at)}, is attached (${pdf.filename}). Amount paid: ${total}.`,
    `Your invoices are also on your account: ${ctx.config.publicUrl}/account/invoices/${invoice.id}`,
  ]);
  return ctx.mail.enqueue(
    {
      to: invoice.buyer.email,
      subject: `Your invoice ${invoice.number}`,
      ...body,
      template: INVOICE_MAIL_TEMPLATE,
      attachments: [{ filename: pdf.filename, contentType: 'application/pdf', content: pdf.content }],
    },
    trx,
  );
}
