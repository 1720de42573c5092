import { assertMinor } from '../../../platform/money.ts';

/**
 * Proration of a plan change in the middle of a period, pure. The customer is
 * credited the unused time of what they had and charged the unused time of
 * what they take, both as fractions of the current period measured in
 * seconds; the anchor (and so the next renewal date) does not move.
 *
 * Rounding: each side is rounded half-up to the minor unit separately, so
 * each is within half a unit of the exact value, and the difference is what
 * the customer pays (positive) or is credited (negative).
 */

export interface ProrationInput {
  /** Net price of one period of the current plan (unit × quantity), minor units. */
  currentAmount: number;
  /** Net price of one period of the new plan, minor units. */
  newAmount: number;
  periodStart: Date;
  periodEnd: Date;
  /** When the change takes effect (clamped into the period). */
  at: Date;
}

export interface Proration {
  /** Seconds left in the period and the period's length, for the explanation. */
  remainingSeconds: number;
  periodSeconds: number;
  /** Unused time of the current plan, credited. */
  credit: number;
  /** Unused time of the new plan, charged. */
  charge: number;
  /** charge − credit: > 0 the customer pays it now, < 0 it becomes account credit. */
  net: number;
}

/** round(amount × remaining / total), half-up, in integers (no float drift on large amounts). */
function share(amount: number, remaining: number, total: number): number {
  return Number((BigInt(amount) * BigInt(remaining) * 2n + BigInt(total)) / (BigInt(total) * 2n));
}

export function prorate(input: ProrationInput): Proration {
  assertMinor(input.currentAmount);
  assertMinor(input.newAmount);
  if (input.currentAmount < 0 || input.newAmount < 0) throw new RangeError('negative period amount');
  const start = Math.floor(input.periodStart.getTime() / 1000);
  const end = Math.floor(input.periodEnd.getTime() / 1000);
  if (end <= start) throw new RangeError('empty period');
  const at = Math.min(Math.max(Math.floor(input.at.getTime() / 1000), start), end);
  const periodSeconds = end - start;
  const remainingSeconds = end - at;
  const credit = share(input.currentAmount, remainingSeconds, periodSeconds);
  const charge = share(input.newAmount, remainingSeconds, periodSeconds);
  return { remainingSeconds, periodSeconds, credit, charge, net: charge - credit };
}
