import { allocate, assertMinor } from '../../../platform/money.ts';

/**
 * How a refund splits over the order's lines, net and tax apart, so a credit
 * note can reverse exactly what was invoiced. Pure.
 *
 * The gross amount is spread over the lines in proportion to what each line
 * still has to refund (largest remainder, so the parts add up exactly), then
 * each line's part is split between its remaining net and tax the same way.
 * Both steps are proportional to amounts the part never exceeds, so no line
 * ever gives back more net or tax than it has left, and refunding the whole
 * remaining balance returns exactly every line's remaining net and tax.
 */

/** A line's part of one refund (also what is still refundable on a line). */
export interface LineAllocation {
  lineId: string;
  position: number;
  sku: string;
  net: number;
  tax: number;
}

export interface RefundAllocation {
  net: number;
  tax: number;
  lines: LineAllocation[];
}

/** An order line as sold (the snapshot's net and tax). */
export interface SoldLine {
  id: string;
  position: number;
  sku: string;
  net: number;
  taxAmount: number;
}

/** What each line still has to refund after the given refunds' allocations. */
export function remainingPerLine(
  lines: readonly SoldLine[],
  refunds: readonly (readonly LineAllocation[])[],
): LineAllocation[] {
  return lines.map((l) => {
    let net = l.net;
    let tax = l.taxAmount;
    for (const parts of refunds)
      for (const p of parts)
        if (p.lineId === l.id) {
          net -= p.net;
          tax -= p.tax;
        }
    if (net < 0 || tax < 0) throw new RangeError(`line ${l.id} is refunded beyond its amount`);
    return { lineId: l.id, position: l.position, sku: l.sku, net, tax };
  });
}

/** Splits a gross refund over the lines' remaining amounts; RangeError beyond what is left. */
export function allocateRefund(amount: number, remaining: readonly LineAllocation[]): RefundAllocation {
  assertMinor(amount, 'refund amount');
  if (amount <= 0) throw new RangeError('a refund must be positive');
  const left = remaining.reduce((s, l) => s + l.net + l.tax, 0);
  if (amount > left) throw new RangeError(`a refund of ${amount} exceeds the ${left} left to refund`);
  const gross = allocate(
    amount,
    remaining.map((l) => l.net + l.tax),
  );
  const lines = remaining.map((l, i) => {
    const [net, tax] = allocate(gross[i]!, [l.net, l.tax]) as [number, number];
    return { lineId: l.lineId, position: l.position, sku: l.sku, net, tax };
  });
  return {
    net: lines.reduce((s, l) => s + l.net, 0),
    tax: lines.reduce((s, l) => s + l.tax, 0),
    lines,
  };
}
