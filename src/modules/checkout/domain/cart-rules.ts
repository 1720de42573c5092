import { MAX_SEATS_PER_LINE } from '../../catalog/index.ts';

/** Cart rules, pure: how many of an item one cart may hold, and merging two carts. */

export const MAX_SEATS = MAX_SEATS_PER_LINE;
export const MAX_LINES = 50;

export interface CartItem {
  sku: string;
  quantity: number;
}

/** Why a quantity is refused: its error code and the message the buyer reads. */
export interface QuantityProblem {
  code: 'QUANTITY_NOT_ALLOWED' | 'EDITION_SEAT_LIMIT_EXCEEDED';
  message: string;
}

/**
 * null when allowed, else the problem. `maxSeats` is the SKU's seat cap (null: bought once).
 * Per-seat items take 1 seat up to their cap: above an edition's own cap (Professional: 5) the
 * refusal is EDITION_SEAT_LIMIT_EXCEEDED — the buyer needs another edition, not a smaller number — and
 * above the cart's general cap QUANTITY_NOT_ALLOWED; other items are bought once.
 */
export function quantityProblem(quantity: number, maxSeats: number | null): QuantityProblem | null {
  const refused = (message: string): QuantityProblem => ({ code: 'QUANTITY_NOT_ALLOWED', message });
  if (!Number.isSafeInteger(quantity) || quantity < 1)
    return refused('Quantity must be a whole number of at least 1.');
  if (maxSeats === null)
    return quantity === 1 ? null : refused('This item is bought once per order (quantity 1).');
  if (quantity > MAX_SEATS) return refused(`At most ${MAX_SEATS} seats per order.`);
  if (quantity > maxSeats)
    return {
      code: 'EDITION_SEAT_LIMIT_EXCEEDED',
      message: `At most ${maxSeats} ${maxSeats === 1 ? 'seat' : 'seats'} per purchase of this edition.`,
    };
  return null;
}

/**
 * A guest cart merged into a customer's: quantities of per-seat items add up (capped at the
 * item's seat cap), other items appear once. Neither input is changed.
 */
export function mergeItems(
  into: readonly CartItem[],
  from: readonly CartItem[],
  maxSeats: (sku: string) => number | null,
): CartItem[] {
  const out = new Map(into.map((i) => [i.sku, i.quantity]));
  for (const item of from) {
    const had = out.get(item.sku);
    const cap = maxSeats(item.sku);
    if (had === undefined) out.set(item.sku, item.quantity);
    else if (cap !== null) out.set(item.sku, Math.max(had, Math.min(cap, had + item.quantity)));
  }
  return [...out].map(([sku, quantity]) => ({ sku, quantity })).slice(0, MAX_LINES);
}
