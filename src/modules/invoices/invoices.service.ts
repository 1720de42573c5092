import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { DomainEvents } from '../../platform/jobs/events.ts';
import type { Order, OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import {
  CA_SELF_ASSESSMENT_MENTION,
  REVERSE_CHARGE_MENTION,
  UK_REVERSE_CHARGE_MENTION,
} from '../tax/index.ts';
import {
  type CreditLine,
  creditLines,
  type InvoiceLineSnapshot,
  type InvoiceStatus,
  invoiceContent,
  invoiceStatus,
  type SellerSnapshot,
  type SoldOrder,
} from './domain/document.ts';
import { formatDocumentNumber, periodOf } from './domain/numbering.ts';
import { renderPdf } from './invoice-pdf.ts';
import { pdfInputOfCreditNote, pdfInputOfInvoice } from './invoice-pdf-input.ts';
import { CREDIT_NOTE_MAIL_JOB, INVOICE_MAIL_JOB } from './invoices.mail.ts';
import type { Scope } from './invoices.repository.ts';
import * as repo from './invoices.repository.ts';
import type {
  CreditNoteLineRow,
  CreditNoteRow,
  DocumentRow,
  InvoiceLineRow,
  InvoiceRow,
  InvoicesDb,
} from './invoices.tables.ts';

/** Where a test may make a finalization fail: after the number is taken, before the commit. */
export type InvoiceFaultHook = (at: {
  point: 'after-number';
  orderId: string;
  number: string;
}) => void | Promise<void>;

export interface InvoiceDeps {
  orders: OrdersModule;
  payments: PaymentsModule;
}

export interface InvoiceView {
  invoice: repo.InvoiceWithCredits;
  status: InvoiceStatus;
  amountPaid: number;
  lines: InvoiceLineRow[];
  creditNotes: CreditNoteRow[];
}

export interface CreditNoteView {
  creditNote: CreditNoteRow;
  invoice: repo.InvoiceWithCredits;
  lines: CreditNoteLineRow[];
}

export interface ListFilter {
  year?: number | undefined;
  month?: string | undefined;
  status?: InvoiceStatus | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Thrown inside a finalizing transaction to roll it back (its number with it) when another won. */
export class AlreadyFinalized extends Error {}

const MENTIONS = {
  eu: REVERSE_CHARGE_MENTION,
  uk: UK_REVERSE_CHARGE_MENTION,
  canada: CA_SELF_ASSESSMENT_MENTION,
};

/** An order as the pure invoice rules take it. */
function soldOrder(order: Order): SoldOrder {
  const r = order.row;
  return {
    id: r.id,
    number: r.number,
    origin: r.origin,
    userId: r.user_id,
    organizationId: r.organization_id ?? null,
    paidAt: r.paid_at!,
    taxDate: typeof r.tax_date === 'string' ? r.tax_date : r.tax_date.toISOString().slice(0, 10),
    currency: r.currency.trim(),
    netTotal: Number(r.net_total),
    taxTotal: Number(r.tax_total),
    grossTotal: Number(r.gross_total),
    creditApplied: Number(r.credit_applied),
    billing: r.billing,
    vatId: r.vat_id,
    taxNotes: r.tax_notes,
    lines: order.lines.map((l) => ({
      id: l.id,
      position: Number(l.position),
      sku: l.sku,
      name: l.name,
      quantity: Number(l.quantity),
      unitAmount: Number(l.unit_amount),
      net: Number(l.net),
      taxRateBp: Number(l.tax_rate_bp),
      taxRatePercent: l.tax_rate_percent,
      taxAmount: Number(l.tax_amount),
      taxReason: l.tax_reason,
      jurisdiction: l.jurisdiction,
      taxComponents: l.tax_components,
    })),
  };
}

export const lineSnapshot = (l: InvoiceLineRow): InvoiceLineSnapshot => ({
  position: l.position,
  orderLineId: l.order_line_id,
  sku: l.sku,
  description: l.description,
  quantity: Number(l.quantity),
  unitAmount: Number(l.unit_amount),
  net: Number(l.net),
  taxRatePercent: l.tax_rate_percent,
  taxAmount: Number(l.tax_amount),
  gross: Number(l.gross),
  taxReason: l.tax_reason,
  jurisdiction: l.jurisdiction,
  taxComponents: l.tax_components,
});

/**
 * Invoices and credit notes. An invoice is finalized once per paid order (checkout, renewal,
 * plan change): its number is taken from the month's counter inside the transaction that writes
 * it, so numbers are consecutive whatever the concurrency and a failed finalization gives its
 * number back. Everything printed is snapshotted then; the rows never change afterwards (the
 * database refuses). The PDF is rendered deterministically and stored once, the first time it is
 * needed (the invoice mail, a download). A succeeded refund gets a credit note in its own series.
 */
export class InvoiceService {
  #fault: InvoiceFaultHook | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<InvoicesDb>,
    private readonly deps: InvoiceDeps,
  ) {}

  /** Tests make finalization fail after the number is taken. Never in production. */
  setFaultHook(hook: InvoiceFaultHook | undefined): void {
    if (this.ctx.config.env === 'production') throw new Error('Fault hooks are for tests only.');
    this.#fault = hook;
  }

  /** The seller as configured now (snapshotted into each invoice at finalization). */
  seller(): SellerSnapshot {
    const c = this.ctx.config;
    return {
      name: c.seller.name,
      address: c.seller.address,
      country: c.sellerCountry,
      vatId: c.sellerVatId ?? null,
      taxId: c.seller.taxId ?? null,
      email: c.seller.email ?? null,
    };
  }

  // ---- finalization ---------------------------------------------------------------------------------------------

  /**
   * "Order paid": the order's invoice, finalized once (a second delivery, concurrent or later,
   * answers the first invoice). Undefined for an order that is not paid.
   */
  async finalizeForOrder(orderId: string): Promise<repo.InvoiceWithCredits | undefined> {
    const known = await repo.invoiceOfOrder(this.db, orderId);
    if (known) return known;
    const order = await this.deps.orders.service.get(orderId);
    if (!order?.row.paid_at) return undefined;
    const content = invoiceContent(soldOrder(order), MENTIONS);
    const seller = this.seller();
    let created = false;
    try {
      await inTransaction(this.db, async (tx) => {
        const now = this.ctx.clock.now();
        const period = periodOf(now);
        const seq = await repo.takeNumber(tx, 'invoice', period);
        const number = formatDocumentNumber('invoice', period, seq);
        const id = newId('inv', this.ctx.clock);
        const row: InvoiceRow = {
          id,
          number,
          period,
          seq,
          order_id: order.row.id,
          order_number: order.row.number,
          order_origin: order.row.origin,
          user_id: order.row.user_id,
          issued_at: now,
          supplied_at: order.row.paid_at!,
          tax_date: soldOrder(order).taxDate,
          currency: content.currency,
          net_total: content.netTotal,
          tax_total: content.taxTotal,
          gross_total: content.grossTotal,
          credit_applied: content.creditApplied,
          seller,
          buyer: content.buyer,
          reverse_charge: content.reverseCharge,
          notes: content.notes,
          organization_id: order.row.organization_id ?? null,
        };
        const lines: InvoiceLineRow[] = content.lines.map((l) => ({
          invoice_id: id,
          position: l.position,
          order_line_id: l.orderLineId,
          sku: l.sku,
          description: l.description,
          quantity: l.quantity,
          unit_amount: l.unitAmount,
          net: l.net,
          tax_rate_percent: l.taxRatePercent,
          tax_amount: l.taxAmount,
          gross: l.gross,
          tax_reason: l.taxReason,
          jurisdiction: l.jurisdiction,
          tax_components: l.taxComponents,
        }));
        if (!(await repo.insertInvoice(tx, row, lines))) throw new AlreadyFinalized();
        await this.#fault?.({ point: 'after-number', orderId, number });
        // The mail goes out as its own job: rendering the PDF stays out of the numbering lock.
        await this.ctx.jobs.send(INVOICE_MAIL_JOB, { invoiceId: id }, { trx: handle(tx), singletonKey: id });
        created = true;
      });
    } catch (err) {
      if (!(err instanceof AlreadyFinalized)) throw err;
    }
    const invoice = (await repo.invoiceOfOrder(this.db, orderId))!;
    if (created)
      this.ctx.log.info({ invoiceId: invoice.id, number: invoice.number, orderId }, 'invoice finalized');
    return invoice;
  }

  /**
   * "Order refunded": a credit note for the refund (once per refund), referencing the order's
   * invoice (finalized first if "order paid" has not reached us yet).
   */
  async onOrderRefunded(e: DomainEvents['orders.refunded']): Promise<CreditNoteRow | undefined> {
    const known = await repo.creditNoteOfRefund(this.db, e.refundId);
    if (known) return known;
    const refund = (await this.deps.payments.refunds.ofOrder(e.orderId)).find((r) => r.id === e.refundId);
    if (refund?.status !== 'succeeded') return undefined;
    const invoice = await this.finalizeForOrder(e.orderId);
    if (!invoice) return undefined;
    const lines = creditLines((await repo.linesOf(this.db, invoice.id)).map(lineSnapshot), refund.allocation);
    const net = lines.reduce((s, l) => s + l.net, 0);
    const tax = lines.reduce((s, l) => s + l.taxAmount, 0);
    if (net + tax !== Number(refund.amount))
      throw new Error(
        `refund ${refund.id}: its lines (${net + tax}) do not add up to its amount (${refund.amount})`,
      );
    try {
      await inTransaction(this.db, async (tx) => {
        const now = this.ctx.clock.now();
        const period = periodOf(now);
        const seq = await repo.takeNumber(tx, 'credit_note', period);
        const id = newId('crn', this.ctx.clock);
        const inserted = await repo.insertCreditNote(
          tx,
          {
            id,
            number: formatDocumentNumber('credit_note', period, seq),
            period,
            seq,
            refund_id: refund.id,
            invoice_id: invoice.id,
            user_id: invoice.user_id,
            issued_at: now,
            currency: invoice.currency,
            net_total: net,
            tax_total: tax,
            gross_total: net + tax,
            full_refund: e.full,
            organization_id: invoice.organization_id ?? null,
          },
          lines.map((l: CreditLine) => ({
            credit_note_id: id,
            position: l.position,
            sku: l.sku,
            description: l.description,
            tax_rate_percent: l.taxRatePercent,
            net: l.net,
            tax_amount: l.taxAmount,
          })),
        );
        if (!inserted) throw new AlreadyFinalized();
        // Mailed by its own job: the PDF is rendered outside the numbering lock.
        await this.ctx.jobs.send(
          CREDIT_NOTE_MAIL_JOB,
          { creditNoteId: id },
          { trx: handle(tx), singletonKey: id },
        );
      });
    } catch (err) {
      if (!(err instanceof AlreadyFinalized)) throw err;
    }
    return repo.creditNoteOfRefund(this.db, e.refundId);
  }

  // ---- documents and mail ---------------------------------------------------------------------------------------

  /** The invoice's PDF: rendered and stored the first time, the stored bytes after. */
  async invoicePdf(invoice: InvoiceRow): Promise<DocumentRow> {
    const stored = await repo.findDocument(this.db, invoice.id);
    if (stored) return stored;
    const lines = await repo.linesOf(this.db, invoice.id);
    return this.#store(
      invoice.id,
      `${invoice.number}.pdf`,
      await renderPdf(pdfInputOfInvoice(invoice, lines)),
    );
  }

  async creditNotePdf(view: CreditNoteView): Promise<DocumentRow> {
    const stored = await repo.findDocument(this.db, view.creditNote.id);
    if (stored) return stored;
    return this.#store(
      view.creditNote.id,
      `${view.creditNote.number}.pdf`,
      await renderPdf(pdfInputOfCreditNote(view.creditNote, view.invoice, view.lines)),
    );
  }

  async #store(
    documentId: string,
    filename: string,
    r: { pdf: Buffer; sha256: string },
  ): Promise<DocumentRow> {
    await repo.insertDocument(this.db, {
      document_id: documentId,
      filename,
      pdf: r.pdf,
      sha256: r.sha256,
      created_at: this.ctx.clock.now(),
    });
    return (await repo.findDocument(this.db, documentId))!;
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  async list(
    scope: Scope,
    filter: ListFilter,
  ): Promise<{ invoice: repo.InvoiceWithCredits; status: InvoiceStatus; creditNotes: CreditNoteRow[] }[]> {
    const rows = await repo.listInvoices(this.db, scope, {
      year: filter.year,
      month: filter.month,
      status: filter.status,
      q: filter.q,
      limit: Math.min(Math.max(filter.limit ?? 50, 1), 200),
      offset: Math.max(filter.offset ?? 0, 0),
    });
    const notes = await repo.creditNotesOf(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((invoice) => ({
      invoice,
      status: statusOf(invoice),
      creditNotes: notes.filter((n) => n.invoice_id === invoice.id),
    }));
  }

  async years(scope: Scope): Promise<number[]> {
    return repo.yearsOf(this.db, scope);
  }

  /** One invoice the scope may see; NOT_FOUND otherwise (another customer's is exactly an unknown id). */
  async get(scope: Scope, id: string): Promise<InvoiceView> {
    const invoice = await repo.findInvoice(this.db, id, scope);
    if (!invoice) throw new AppError('NOT_FOUND');
    const [lines, creditNotes] = await Promise.all([
      repo.linesOf(this.db, id),
      repo.creditNotesOf(this.db, [id]),
    ]);
    return { invoice, status: statusOf(invoice), amountPaid: amountPaid(invoice), lines, creditNotes };
  }

  async getCreditNote(scope: Scope, id: string): Promise<CreditNoteView> {
    const creditNote = await repo.findCreditNote(this.db, id, scope);
    if (!creditNote) throw new AppError('NOT_FOUND');
    const invoice = await repo.findInvoice(this.db, creditNote.invoice_id, scope);
    if (!invoice) throw new AppError('NOT_FOUND');
    return { creditNote, invoice, lines: await repo.creditLinesOf(this.db, id) };
  }
}

export const amountPaid = (i: InvoiceRow): number => Number(i.gross_total) - Number(i.credit_applied);
export const statusOf = (i: repo.InvoiceWithCredits): InvoiceStatus =>
  invoiceStatus(amountPaid(i), i.credited);
