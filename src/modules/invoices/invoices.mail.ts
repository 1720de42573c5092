import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { formatAmount, formatDate } from './domain/format.ts';
import type { CreditNoteRow, InvoiceRow } from './invoices.tables.ts';

/** The job that mails a finalized invoice (one per invoice, idempotent). */
export const INVOICE_MAIL_JOB = 'invoices.send-mail';
/** The job that mails a credit note (one per credit note, idempotent). */
export const CREDIT_NOTE_MAIL_JOB = 'invoices.send-credit-note-mail';

export const INVOICE_MAIL_TEMPLATE = 'invoices.invoice';
export const CREDIT_NOTE_MAIL_TEMPLATE = 'invoices.credit-note';

export interface PdfFile {
  filename: string;
  content: Buffer;
}

/** The invoice, mailed to the buyer with its PDF attached; returns the outbox message id. */
export async function sendInvoiceMail(
  ctx: PlatformContext,
  trx: DbHandle,
  invoice: InvoiceRow,
  pdf: PdfFile,
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

/**
 * A credit note, mailed to the buyer of the invoice it corrects with its PDF attached (the
 * refund notice of the orders module says the money went back; this is the accounting document).
 */
export async function sendCreditNoteMail(
  ctx: PlatformContext,
  trx: DbHandle,
  creditNote: CreditNoteRow,
  invoice: InvoiceRow,
  pdf: PdfFile,
): Promise<string> {
  const total = formatAmount(Number(creditNote.gross_total), creditNote.currency);
  const body = paragraphMail([
    `Hello ${invoice.buyer.name},`,
    `Your credit note ${creditNote.number}, issued on ${formatDate(creditNote.issued_at)} for ${total}, corrects invoice ${invoice.number} (order ${invoice.order_number}). It is attached (${pdf.filename}); keep it with the invoice for your records.`,
    `Your invoices and credit notes are also on your account: ${ctx.config.publicUrl}/account/invoices/${invoice.id}`,
  ]);
  return ctx.mail.enqueue(
    {
      to: invoice.buyer.email,
      subject: `Your credit note ${creditNote.number}`,
      ...body,
      template: CREDIT_NOTE_MAIL_TEMPLATE,
      attachments: [{ filename: pdf.filename, contentType: 'application/pdf', content: pdf.content }],
    },
    trx,
  );
}
