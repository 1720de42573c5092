import type { Fulfillment, LimitValue, SkuDef } from './types.ts';

/**
 * How many seats a SKU sells, pure. A per-seat SKU's line quantity is its number of seats: a
 * seat-licensed tool edition is priced per seat and its `users` limit is the most seats one
 * purchase may carry (Starter 1, Professional 5; `unlimited` falls back to the cart's general
 * cap); a live workshop sells one seat per participant up to that general cap. Every other SKU
 * is bought once per line.
 */

/** The most seats (or units of a per-seat item) one cart line, order line or subscription may hold. */
export const MAX_SEATS_PER_LINE = 1000;

type SeatFacts = Pick<SkuDef, 'perSeat' | 'fulfillment'>;

/** The `users` limit as a seat count: a positive whole number, `unlimited`, or null (absent or unusable). */
export function usersLimit(value: LimitValue | undefined): number | 'unlimited' | null {
  if (value === 'unlimited') return 'unlimited';
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Whether the SKU sells a seat license (named users), whatever its pricing. */
export function isSeatLicense(f: Fulfillment): f is Extract<Fulfillment, { kind: 'license' }> {
  return f.kind === 'license' && f.licenseType === 'SEAT';
}

/**
 * The most seats one line of the SKU may carry; null when the SKU is not sold per seat (bought
 * once). A per-seat seat license whose `users` limit is missing or unusable carries one seat
 * (the checker reports the SKU).
 */
export function seatCap(sku: SeatFacts): number | null {
  if (!sku.perSeat) return null;
  const f = sku.fulfillment;
  if (!isSeatLicense(f)) return MAX_SEATS_PER_LINE;
  const users = usersLimit(f.limits.users);
  if (users === 'unlimited') return MAX_SEATS_PER_LINE;
  return Math.min(users ?? 1, MAX_SEATS_PER_LINE);
}

/**
 * The seats `units` of a license SKU give. Sold per seat: one per unit. Otherwise the unit is
 * the edition with its users included (a SKU sold before editions were priced per seat, or a
 * fixed team pack), so each unit gives the edition's `users` when that is a number, else one —
 * organization and usage licenses count one seat per unit, as they always did.
 */
export function licenseSeats(sku: SeatFacts, units: number): number {
  const f = sku.fulfillment;
  if (sku.perSeat || f.kind !== 'license') return units;
  const users = usersLimit(f.limits.users);
  return units * (typeof users === 'number' ? users : 1);
}
