import Type, { type Static } from 'typebox';
import type { InvoiceWithCredits } from './invoices.repository.ts';
import type { InvoiceView } from './invoices.service.ts';
import { amountPaid, statusOf } from './invoices.service.ts';
import type { CreditNoteRow, InvoiceLineRow } from './invoices.tables.ts';

/** Request and response schemas of the invoice API (customer and staff), and the serializers. */

const ID = '[0-9a-hjkmnp-tv-z]{26}';
export const INVOICE_ID = `^inv_${ID}$`;
export const CREDIT_NOTE_ID = `^crn_${ID}$`;
const closed = { additionalProperties: false } as const;

export const STATUSES = ['paid', 'partially_credited', 'credited'] as const;

export const InvoiceIdParams = Type.Object({ id: Type.String({ pattern: INVOICE_ID }) }, closed);
export const CreditNoteParams = Type.Object(
  { id: Type.String({ pattern: INVOICE_ID }), creditNoteId: Type.String({ pattern: CREDIT_NOTE_ID }) },
  closed,
);

export const AccountListQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2999, description: 'Issue year (UTC).' })),
    status: Type.Optional(Type.Enum([...STATUSES])),
  },
  closed,
);

export const StaffListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 254,
        description: 'Part of an invoice or credit note number, an order number or the buyer’s email.',
      }),
    ),
    month: Type.Optional(
      Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'Issue month, YYYY-MM.' }),
    ),
    status: Type.Optional(Type.Enum([...STATUSES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
  },
  closed,
);

const Amount = Type.Integer({ description: 'Minor units (cents).' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CreditNoteJson = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'FHIR-CN-YYYY-MM-NNNN' }),
  invoiceNumber: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  currency: Type.String(),
  net: Amount,
  tax: Amount,
  total: Amount,
  fullRefund: Type.Boolean(),
  pdfUrl: Type.String(),
});

export const InvoiceSummaryJson = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'FHIR-YYYY-MM-NNNN' }),
  issuedAt: Type.String({ format: 'date-time' }),
  orderId: Type.String(),
  orderNumber: Type.String(),
  buyerEmail: Type.String(),
  currency: Type.String(),
  total: Amount,
  amountPaid: Amount,
  credited: Amount,
  status: Type.Enum([...STATUSES]),
  pdfUrl: Type.String(),
  creditNotes: Type.Array(CreditNoteJson),
});

const Party = Type.Object({
  name: Type.String(),
  organization: Type.Optional(Nullable(Type.String())),
  address: Type.Array(Type.String()),
  country: Type.String(),
  vatId: Nullable(Type.String()),
  email: Nullable(Type.String()),
});

export const InvoiceJson = Type.Intersect([
  InvoiceSummaryJson,
  Type.Object({
    suppliedAt: Type.String({ format: 'date-time' }),
    origin: Type.String({ description: 'checkout, renewal, plan_change or usage' }),
    seller: Party,
    buyer: Party,
    net: Amount,
    tax: Amount,
    creditApplied: Amount,
    reverseCharge: Type.Boolean(),
    notes: Type.Array(Type.String()),
    lines: Type.Array(
      Type.Object({
        position: Type.Integer(),
        sku: Type.String(),
        description: Type.String(),
        quantity: Type.Integer(),
        unitAmount: Amount,
        net: Amount,
        taxRatePercent: Type.String(),
        tax: Amount,
        total: Amount,
      }),
    ),
  }),
]);

const iso = (d: Date | string) => new Date(d).toISOString();

/** Where the caller downloads PDFs: the customer's API or the staff API. */
export type Base =
  | '/api/v1/account/invoices'
  | '/api/v1/admin/invoices'
  | '/account/invoices'
  | '/admin/invoices';

export function creditNoteJson(
  n: CreditNoteRow,
  invoiceNumber: string,
  base: Base,
): Static<typeof CreditNoteJson> {
  return {
    id: n.id,
    number: n.number,
    invoiceNumber,
    issuedAt: iso(n.issued_at),
    currency: n.currency,
    net: Number(n.net_total),
    tax: Number(n.tax_total),
    total: Number(n.gross_total),
    fullRefund: n.full_refund,
    pdfUrl: `${base}/${n.invoice_id}/credit-notes/${n.id}/pdf`,
  };
}

export function invoiceSummaryJson(
  i: InvoiceWithCredits,
  creditNotes: readonly CreditNoteRow[],
  base: Base,
): Static<typeof InvoiceSummaryJson> {
  return {
    id: i.id,
    number: i.number,
    issuedAt: iso(i.issued_at),
    orderId: i.order_id,
    orderNumber: i.order_number,
    buyerEmail: i.buyer.email,
    currency: i.currency,
    total: Number(i.gross_total),
    amountPaid: amountPaid(i),
    credited: i.credited,
    status: statusOf(i),
    pdfUrl: `${base}/${i.id}/pdf`,
    creditNotes: creditNotes.map((n) => creditNoteJson(n, i.number, base)),
  };
}

const lineJson = (l: InvoiceLineRow) => ({
  position: l.position,
  sku: l.sku,
  description: l.description,
  quantity: Number(l.quantity),
  unitAmount: Number(l.unit_amount),
  net: Number(l.net),
  taxRatePercent: l.tax_rate_percent,
  tax: Number(l.tax_amount),
  total: Number(l.gross),
});

export function invoiceJson(v: InvoiceView, base: Base): Static<typeof InvoiceJson> {
  const i = v.invoice;
  return {
    ...invoiceSummaryJson(i, v.creditNotes, base),
    suppliedAt: iso(i.supplied_at),
    origin: i.order_origin,
    seller: {
      name: i.seller.name,
      address: i.seller.address,
      country: i.seller.country,
      vatId: i.seller.vatId,
      email: i.seller.email,
    },
    buyer: {
      name: i.buyer.name,
      organization: i.buyer.organization,
      address: i.buyer.address,
      country: i.buyer.country,
      vatId: i.buyer.vatId,
      email: i.buyer.email,
    },
    net: Number(i.net_total),
    tax: Number(i.tax_total),
    creditApplied: Number(i.credit_applied),
    reverseCharge: i.reverse_charge,
    notes: i.notes,
    lines: v.lines.map(lineJson),
  };
}
