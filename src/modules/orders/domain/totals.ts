import { sum } from '../../../platform/money.ts';

/** A priced, taxed line as an order keeps it. */
export interface LineAmounts {
  unitAmount: number;
  quantity: number;
  net: number;
  taxAmount: number;
  gross: number;
}

export interface OrderTotals {
  net: number;
  tax: number;
  gross: number;
}

/** Totals are always the sums of the lines; a line whose parts disagree is refused. */
export function orderTotals(lines: readonly LineAmounts[]): OrderTotals {
  for (const l of lines) {
    if (l.net !== l.unitAmount * l.quantity) throw new RangeError('line net must be unit amount × quantity');
    if (l.gross !== l.net + l.taxAmount) throw new RangeError('line gross must be net + tax');
    if (l.net < 0 || l.taxAmount < 0) throw new RangeError('line amounts must not be negative');
  }
  const net = sum(lines.map((l) => l.net));
  const tax = sum(lines.map((l) => l.taxAmount));
  return { net, tax, gross: net + tax };
}

/** FIQ-2026-000123: the year of the order and a sequence number (gaps allowed, never reused). */
export function formatOrderNumber(year: number, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError('sequence must be a positive integer');
  return `FIQ-${year}-${String(seq).padStart(6, '0')}`;
}
