/**
 * What an invoice and a credit note say, built from the order (and the refund) at finalization.
 * Pure: the service passes plain data in and stores what comes out, once.
 */

/** The seller as configured (only what is set is printed: nothing is made up). */
export interface SellerSnapshot {
  name: string;
  address: string[];
  country: string;
  vatId: string | null;
  taxId: string | null;
  email: string | null;
}

/** The buyer as the order recorded the billing details at checkout. */
export interface BuyerSnapshot {
  name: string;
  /** The organization's name as billed (its legal name when checkout prefilled it). */
  organization: string | null;
  /** The FHIR IQ organization bought for; absent on invoices issued before organizations bought. */
  organizationId?: string | null;
  email: string;
  address: string[];
  country: string;
  vatId: string | null;
}

export interface InvoiceLineSnapshot {
  position: number;
  orderLineId: string;
  sku: string;
  description: string;
  quantity: number;
  unitAmount: number;
  net: number;
  taxRatePercent: string;
  taxAmount: number;
  gross: number;
  taxReason: string;
  jurisdiction: string;
  taxComponents: { label: string; ratePercent: string; amount: number }[];
}

/** The parts of an order an invoice is made from (the orders module's row and lines, as plain data). */
export interface SoldOrder {
  id: string;
  number: string;
  origin: string;
  userId: string;
  organizationId: string | null;
  paidAt: Date;
  taxDate: string;
  currency: string;
  netTotal: number;
  taxTotal: number;
  grossTotal: number;
  creditApplied: number;
  billing: {
    name: string;
    organization: string | null;
    email: string;
    line1: string;
    line2: string | null;
    city: string;
    postalCode: string;
    country: string;
    region: string | null;
    vatId: string | null;
  };
  vatId: string | null;
  taxNotes: string[];
  lines: {
    id: string;
    position: number;
    sku: string;
    name: string;
    quantity: number;
    unitAmount: number;
    net: number;
    taxRateBp: number;
    taxRatePercent: string | null;
    taxAmount: number;
    taxReason: string;
    jurisdiction: string;
    taxComponents: { label: string; ratePercent: string; amount: number }[];
  }[];
}

export interface InvoiceContent {
  currency: string;
  netTotal: number;
  taxTotal: number;
  grossTotal: number;
  creditApplied: number;
  buyer: BuyerSnapshot;
  reverseCharge: boolean;
  notes: string[];
  lines: InvoiceLineSnapshot[];
}

/** The legal mentions when the buyer, not the seller, accounts for the tax (the tax module's wording). */
export interface Mentions {
  eu: string;
  uk: string;
  canada: string;
}

/** A basis-point rate as a percentage string without trailing zeros (1900 → "19", 1498 → "14.98"). */
export function percentOfBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** The buyer's postal address lines as the order has them. */
function addressOf(b: SoldOrder['billing']): string[] {
  const cityLine = [b.postalCode, b.city].filter(Boolean).join(' ');
  return [b.line1, b.line2, [cityLine, b.region].filter(Boolean).join(', '), b.country].filter(
    (l): l is string => !!l && l.trim() !== '',
  );
}

/**
 * The invoice's content. Reverse charge applies when the order's tax decision was reverse charge
 * (EU or UK) or self-assessment (Canada) on any line: the invoice then carries the legal mention,
 * whether or not the order's notes already had it, and those lines carry no tax.
 */
export function invoiceContent(order: SoldOrder, mentions: Mentions): InvoiceContent {
  const lines: InvoiceLineSnapshot[] = order.lines.map((l) => ({
    position: l.position,
    orderLineId: l.id,
    sku: l.sku,
    description: l.name,
    quantity: l.quantity,
    unitAmount: l.unitAmount,
    net: l.net,
    taxRatePercent: l.taxRatePercent ?? percentOfBp(l.taxRateBp),
    taxAmount: l.taxAmount,
    gross: l.net + l.taxAmount,
    taxReason: l.taxReason,
    jurisdiction: l.jurisdiction,
    taxComponents: l.taxComponents.map((c) => ({
      label: c.label,
      ratePercent: c.ratePercent,
      amount: c.amount,
    })),
  }));
  const required: string[] = [];
  for (const l of lines) {
    if (l.taxReason === 'reverse_charge') required.push(l.jurisdiction === 'GB' ? mentions.uk : mentions.eu);
    if (l.taxReason === 'self_assessed') required.push(mentions.canada);
  }
  const notes = [...new Set([...required, ...order.taxNotes])];
  return {
    currency: order.currency,
    netTotal: order.netTotal,
    taxTotal: order.taxTotal,
    grossTotal: order.grossTotal,
    creditApplied: order.creditApplied,
    buyer: {
      name: order.billing.name,
      organization: order.billing.organization,
      organizationId: order.organizationId,
      email: order.billing.email,
      address: addressOf(order.billing),
      country: order.billing.country,
      vatId: order.vatId ?? order.billing.vatId,
    },
    reverseCharge: required.length > 0,
    notes,
    lines,
  };
}

/** A line's part of a refund (the payments module's allocation). */
export interface RefundPart {
  lineId: string;
  position: number;
  sku: string;
  net: number;
  tax: number;
}

export interface CreditLine {
  position: number;
  sku: string;
  description: string;
  taxRatePercent: string;
  net: number;
  taxAmount: number;
}

/** The credit note's lines: each invoice line the refund gave money back on, with its net and tax. */
export function creditLines(
  invoiceLines: readonly InvoiceLineSnapshot[],
  parts: readonly RefundPart[],
): CreditLine[] {
  const out: CreditLine[] = [];
  for (const p of parts) {
    if (p.net === 0 && p.tax === 0) continue;
    const line = invoiceLines.find((l) => l.orderLineId === p.lineId);
    if (!line) throw new RangeError(`refund part for line ${p.lineId} is not on the invoice`);
    out.push({
      position: out.length + 1,
      sku: line.sku,
      description: line.description,
      taxRatePercent: line.taxRatePercent,
      net: p.net,
      taxAmount: p.tax,
    });
  }
  return out;
}

export type InvoiceStatus = 'paid' | 'partially_credited' | 'credited';

/** Paid, or credited in part or in full (credit notes against what the customer paid). */
export function invoiceStatus(amountPaid: number, credited: number): InvoiceStatus {
  if (credited <= 0) return 'paid';
  return credited >= amountPaid ? 'credited' : 'partially_credited';
}

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  paid: 'Paid',
  partially_credited: 'Partially credited',
  credited: 'Credited',
};
