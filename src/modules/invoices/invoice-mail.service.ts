import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view as viewOf } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import {
  CREDIT_NOTE_MAIL_TEMPLATE,
  INVOICE_MAIL_TEMPLATE,
  type PdfFile,
  sendCreditNoteMail,
  sendInvoiceMail,
} from './invoices.mail.ts';
import * as repo from './invoices.repository.ts';
import { AlreadyFinalized, type InvoiceService } from './invoices.service.ts';
import type { InvoicesDb } from './invoices.tables.ts';

/** When a document was first mailed to the buyer (null: not yet). */
export interface MailRecord {
  messageId: string;
  mailedAt: Date;
}

/**
 * The mails of invoices and credit notes. Each document is mailed once to its buyer by its job
 * (the claim row and the outbox message commit together, so a retried or duplicated job sends
 * nothing twice); staff may send one again on a customer's request, audited, which never
 * touches the claim.
 */
export class InvoiceMailService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<InvoicesDb>,
    private readonly invoices: InvoiceService,
    private readonly audit: AuditModule,
  ) {}

  /** The invoice job: the invoice with its PDF to the buyer, once. */
  async mailInvoice(invoiceId: string): Promise<void> {
    if (await repo.mailOf(this.db, invoiceId)) return;
    const invoice = await repo.findInvoice(this.db, invoiceId, repo.STAFF);
    if (!invoice) return;
    const doc = await this.invoices.invoicePdf(invoice);
    await this.#once(async (trx) => {
      const messageId = await sendInvoiceMail(this.ctx, trx, invoice, pdfOf(doc));
      return repo.claimMail(viewOf<InvoicesDb>(trx), invoiceId, messageId, this.ctx.clock.now());
    });
  }

  /** The credit note job: the credit note with its PDF to the invoice's buyer, once. */
  async mailCreditNote(creditNoteId: string): Promise<void> {
    if ((await repo.creditNoteMailsOf(this.db, [creditNoteId])).length) return;
    const view = await this.#creditNote(creditNoteId).catch(() => undefined);
    if (!view) return;
    const doc = await this.invoices.creditNotePdf(view);
    await this.#once(async (trx) => {
      const messageId = await sendCreditNoteMail(this.ctx, trx, view.creditNote, view.invoice, pdfOf(doc));
      return repo.claimCreditNoteMail(viewOf<InvoicesDb>(trx), creditNoteId, messageId, this.ctx.clock.now());
    });
  }

  /** Staff: mail an invoice to its buyer again (audited); returns the new message's id. */
  async resendInvoice(staff: StaffContext, invoiceId: string): Promise<string> {
    const invoice = await repo.findInvoice(this.db, invoiceId, repo.STAFF);
    if (!invoice) throw new AppError('NOT_FOUND');
    const doc = await this.invoices.invoicePdf(invoice);
    return inTransaction(this.db, async (tx) => {
      const messageId = await sendInvoiceMail(this.ctx, handle(tx), invoice, pdfOf(doc));
      await this.#audit(staff, 'invoice.mail-resent', { type: 'invoice', id: invoice.id }, handle(tx), {
        mail: INVOICE_MAIL_TEMPLATE,
        messageId,
      });
      return messageId;
    });
  }

  /** Staff: mail a credit note of this invoice to its buyer again (audited). */
  async resendCreditNote(staff: StaffContext, invoiceId: string, creditNoteId: string): Promise<string> {
    const view = await this.#creditNote(creditNoteId);
    if (view.invoice.id !== invoiceId) throw new AppError('NOT_FOUND');
    const doc = await this.invoices.creditNotePdf(view);
    return inTransaction(this.db, async (tx) => {
      const messageId = await sendCreditNoteMail(
        this.ctx,
        handle(tx),
        view.creditNote,
        view.invoice,
        pdfOf(doc),
      );
      await this.#audit(
        staff,
        'credit-note.mail-resent',
        { type: 'credit_note', id: creditNoteId },
        handle(tx),
        { mail: CREDIT_NOTE_MAIL_TEMPLATE, messageId, invoiceId },
      );
      return messageId;
    });
  }

  /** When the invoice and each of the given credit notes were first mailed (the staff page). */
  async mailRecords(
    invoiceId: string,
    creditNoteIds: readonly string[],
  ): Promise<{ invoice: MailRecord | null; creditNotes: Map<string, MailRecord> }> {
    const [invoice, notes] = await Promise.all([
      repo.mailOf(this.db, invoiceId),
      repo.creditNoteMailsOf(this.db, creditNoteIds),
    ]);
    return {
      invoice: invoice ? { messageId: invoice.message_id, mailedAt: invoice.mailed_at } : null,
      creditNotes: new Map(
        notes.map((n) => [n.credit_note_id, { messageId: n.message_id, mailedAt: n.mailed_at }]),
      ),
    };
  }

  #creditNote(creditNoteId: string) {
    return this.invoices.getCreditNote(repo.STAFF, creditNoteId);
  }

  /** Queues a mail and claims it in one transaction; a lost race rolls the second message back. */
  async #once(send: (trx: DbHandle) => Promise<boolean>): Promise<void> {
    try {
      await inTransaction(this.db, async (tx) => {
        if (!(await send(handle(tx)))) throw new AlreadyFinalized();
      });
    } catch (err) {
      if (!(err instanceof AlreadyFinalized)) throw err;
    }
  }

  async #audit(
    staff: StaffContext,
    action: string,
    target: { type: string; id: string },
    trx: DbHandle,
    after: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.log.record(
      { actor: staff.actor, action, target, before: null, after, ip: staff.ip, requestId: staff.requestId },
      trx,
    );
  }
}

const pdfOf = (doc: { filename: string; pdf: Buffer }): PdfFile => ({
  filename: doc.filename,
  content: doc.pdf,
});
