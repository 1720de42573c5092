import { assertMinor, sum, taxOn } from '../../../platform/money.ts';
import type { TaxDecision, TaxReason } from './jurisdiction.ts';

/**
 * Lines and totals of a quote. Each line is net × rate rounded half-up in
 * minor units (money.ts), and the totals are the sums of the lines, so an
 * invoice built from the lines always adds up.
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

export interface TaxLine {
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  net: number;
  /** Basis points. */
  taxRate: number;
  taxAmount: number;
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
  return {
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unitAmount: item.unitAmount,
    net,
    taxRate: decision.rateBp,
    taxAmount: taxOn(net, decision.rateBp),
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
