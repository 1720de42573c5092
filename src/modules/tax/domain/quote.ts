import { assertMinor, mulDivRound, sum } from '../../../platform/money.ts';
import type { TaxDecision, TaxReason } from './jurisdiction.ts';
import { percentOf, ppmToBasisPoints, type TaxKind } from './rates.ts';

/**
 * Lines and totals of a quote. Each tax component of a line (VAT; or GST and
 * QST…) is net × its rate rounded half-up in minor units (money.ts), the
 * line's tax is the sum of its components, and the totals are the sums of the
 * lines, so an invoice built from the lines always adds up — and shows GST
 * and QST separately, as Quebec requires.
 */

export const PRODUCT_KINDS = ['license', 'training', 'consulting', 'bundle'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

/** Stripe Tax product tax codes (002's list). */
export const TAX_CODES: Record<ProductKind, string> = {
  license: 'txcd_10103001', // Software as a service
  training: 'txcd_10401400', // Educational services
  consulting: 'txcd_10401300', // Professional services
  // Bundles mix software and training; 002 falls back to a general code. Stripe's general code for
  // electronically supplied services (not txcd_99999999, which is tangible goods).
  bundle: 'txcd_10000000',
};

export interface PricedItem {
  sku: string;
  name: string;
  kind: ProductKind;
  quantity: number;
  /** Price of one unit in minor units, from the catalog (never from the request). */
  unitAmount: number;
}

/** One tax on one line. */
export interface TaxComponent {
  kind: TaxKind;
  /** Who levies it: "CA" for the GST, "CA-QC" for the QST, "DE"… */
  jurisdiction: string;
  label: string;
  /** The exact rate, percent as a decimal string: "5", "9.975". */
  ratePercent: string;
  /** net × rate, half-up, minor units. */
  amount: number;
}

export interface TaxLine {
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  net: number;
  /** Basis points, every component together, rounded half-up (Quebec's 14.975 % is 1498): see taxRatePercent. */
  taxRate: number;
  /** The exact combined rate, percent as a decimal string ("14.975"). */
  taxRatePercent: string;
  /** The sum of the components' amounts. */
  taxAmount: number;
  /** Each tax charged on the line (none under reverse charge or an export). */
  components: TaxComponent[];
  jurisdiction: string;
  reason: TaxReason;
  taxCode: string;
}

export interface Totals {
  net: number;
  tax: number;
  gross: number;
}

export function taxLine(item: PricedItem, decision: TaxDecision): TaxLine {
  assertMinor(item.unitAmount, 'unitAmount');
  if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) throw new RangeError('quantity must be ≥ 1');
  if (item.unitAmount < 0) throw new RangeError('unitAmount must not be negative');
  const net = item.unitAmount * item.quantity;
  assertMinor(net, 'net');
  const applicable = decision.components.filter((c) => !c.appliesTo || c.appliesTo.includes(item.kind));
  const ppm = applicable.reduce((a, c) => a + c.ratePpm, 0);
  // Rounded per component, not on the combined rate: each tax is declared to its own authority.
  const components = applicable.map(
    (c): TaxComponent => ({
      kind: c.kind,
      jurisdiction: c.jurisdiction,
      label: c.label,
      ratePercent: percentOf(c.ratePpm),
      amount: mulDivRound(net, c.ratePpm, 1_000_000),
    }),
  );
  return {
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unitAmount: item.unitAmount,
    net,
    taxRate: ppmToBasisPoints(ppm),
    taxRatePercent: percentOf(ppm),
    taxAmount: sum(components.map((c) => c.amount)),
    components,
    jurisdiction: decision.jurisdiction,
    reason: decision.reason,
    taxCode: TAX_CODES[item.kind],
  };
}

export function totalsOf(lines: readonly TaxLine[]): Totals {
  const net = sum(lines.map((l) => l.net));
  const tax = sum(lines.map((l) => l.taxAmount));
  return { net, tax, gross: sum([net, tax]) };
}

export function priceLines(
  items: readonly PricedItem[],
  decision: TaxDecision,
): { lines: TaxLine[]; totals: Totals } {
  const lines = items.map((item) => taxLine(item, decision));
  return { lines, totals: totalsOf(lines) };
}
