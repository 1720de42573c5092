import { formatDate } from './domain/format.ts';
import type { PdfDocumentInput } from './invoice-pdf.ts';
import type { CreditNoteLineRow, CreditNoteRow, InvoiceLineRow, InvoiceRow } from './invoices.tables.ts';

/** What the PDFs print, from the stored snapshots only (never from live configuration or orders). */

const ORIGIN: Record<string, string> = {
  checkout: 'Purchase',
  renewal: 'Subscription renewal',
  plan_change: 'Subscription plan change',
  usage: 'Usage overage',
};

/** Tax totals per rate and label ("VAT 19 %"), as the lines' components give them. */
function taxRows(lines: readonly InvoiceLineRow[]): [string, number][] {
  const byLabel = new Map<string, number>();
  for (const l of lines) {
    const parts = l.tax_components.length
      ? l.tax_components.map((c) => [`${c.label} ${c.ratePercent} %`, Number(c.amount)] as const)
      : [[`Tax ${l.tax_rate_percent} %`, Number(l.tax_amount)] as const];
    for (const [label, amount] of parts) byLabel.set(label, (byLabel.get(label) ?? 0) + amount);
  }
  return [...byLabel.entries()];
}

export function pdfInputOfInvoice(invoice: InvoiceRow, lines: readonly InvoiceLineRow[]): PdfDocumentInput {
  const credit = Number(invoice.credit_applied);
  const taxes = taxRows(lines);
  return {
    kind: 'invoice',
    number: invoice.number,
    issuedAt: new Date(invoice.issued_at),
    facts: [
      ['Date of supply', formatDate(invoice.supplied_at)],
      ['Order', invoice.order_number],
      ['Type', ORIGIN[invoice.order_origin] ?? invoice.order_origin],
      ['Status', 'Paid'],
    ],
    seller: invoice.seller,
    buyer: invoice.buyer,
    currency: invoice.currency,
    lines: lines.map((l) => ({
      description: l.description,
      sku: l.sku,
      quantity: Number(l.quantity),
      unitAmount: Number(l.unit_amount),
      taxRatePercent: l.tax_rate_percent,
      taxAmount: Number(l.tax_amount),
      net: Number(l.net),
    })),
    totals: [
      ['Subtotal (net)', Number(invoice.net_total)],
      ...(taxes.length && Number(invoice.tax_total) > 0
        ? taxes
        : [['Tax', Number(invoice.tax_total)] as [string, number]]),
      // The bold last row is what the customer paid: the total, less any account credit applied.
      ...(credit > 0
        ? ([
            ['Total', Number(invoice.gross_total)],
            ['Account credit applied', -credit],
            ['Amount paid', Number(invoice.gross_total) - credit],
          ] as [string, number][])
        : ([['Total paid', Number(invoice.gross_total)]] as [string, number][])),
    ],
    notes: invoice.notes,
  };
}

export function pdfInputOfCreditNote(
  note: CreditNoteRow,
  invoice: InvoiceRow,
  lines: readonly CreditNoteLineRow[],
): PdfDocumentInput {
  return {
    kind: 'credit_note',
    number: note.number,
    issuedAt: new Date(note.issued_at),
    facts: [
      ['Credits invoice', invoice.number],
      ['Invoice date', formatDate(invoice.issued_at)],
      ['Order', invoice.order_number],
      ['Refund', note.full_refund ? 'Full' : 'Partial'],
    ],
    seller: invoice.seller,
    buyer: invoice.buyer,
    currency: note.currency,
    lines: lines.map((l) => ({
      description: l.description,
      sku: l.sku,
      quantity: null,
      unitAmount: null,
      taxRatePercent: l.tax_rate_percent,
      taxAmount: Number(l.tax_amount),
      net: Number(l.net),
    })),
    totals: [
      ['Net credited', Number(note.net_total)],
      ['Tax credited', Number(note.tax_total)],
      ['Total credited', Number(note.gross_total)],
    ],
    notes: [
      `This credit note reduces invoice ${invoice.number} by the amounts above; the refund goes back to the original means of payment.`,
      ...(invoice.reverse_charge ? invoice.notes.slice(0, 1) : []),
    ],
  };
}
