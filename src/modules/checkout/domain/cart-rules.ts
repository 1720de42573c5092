/** Cart rules, pure: how many of an item one cart may hold, and merging two carts. */

export const MAX_SEATS = 1000;
export const MAX_LINES = 50;

export interface CartItem {
  sku: string;
  quantity: number;
}

/** null when allowed, else the reason. Per-seat items take 1–1000 seats; others are bought once. */
export function quantityProblem(quantity: number, perSeat: boolean): string | null {
  if (!Number.isSafeInteger(quantity) || quantity < 1)
    return 'Quantity must be a whole number of at least 1.';
  if (perSeat && quantity > MAX_SEATS) return `At most ${MAX_SEATS} seats per order.`;
  if (!perSeat && quantity !== 1) return 'This item is bought once per order (quantity 1).';
  return null;
}

/**
 * A guest cart merged into a customer's: quantities of per-seat items add up (capped), other items
 * appear once. Neither input is changed.
 */
export function mergeItems(
  into: readonly CartItem[],
  from: readonly CartItem[],
  perSeat: (sku: string) => boolean,
): CartItem[] {
  const out = new Map(into.map((i) => [i.sku, i.quantity]));
  for (const item of from) {
    const had = out.get(item.sku);
    if (had === undefined) out.set(item.sku, item.quantity);
    else if (perSeat(item.sku)) out.set(item.sku, Math.min(MAX_SEATS, had + item.quantity));
  }
  return [...out].map(([sku, quantity]) => ({ sku, quantity })).slice(0, MAX_LINES);
}
