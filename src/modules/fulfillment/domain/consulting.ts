/**
 * Consulting balances, pure. Hours are kept in whole minutes (integers add up exactly; a
 * consultant books 0.25 h or 0.1 h, both whole minutes) and shown as hours with two decimals.
 */

export const MAX_ENTRY_MINUTES = 24 * 60;

/** Hours as typed or sent (1.5, 0.25, 0.1) → whole minutes; null when not whole minutes or out of 1 min … 24 h. */
export function minutesFromHours(hours: number): number | null {
  if (!Number.isFinite(hours)) return null;
  const exact = hours * 60;
  const minutes = Math.round(exact);
  // 0.1 h is 6.000000000000001 minutes in binary floating point: a whole minute all the same.
  if (Math.abs(exact - minutes) > 1e-6) return null;
  return minutes >= 1 && minutes <= MAX_ENTRY_MINUTES ? minutes : null;
}

/** Minutes as hours with at most two decimals (the JSON and the pages). */
export const hoursOf = (minutes: number): number => Math.round((minutes / 60) * 100) / 100;

/** "12.5 h", "1 h", "0.25 h". */
export const formatHours = (minutes: number): string => `${hoursOf(minutes)} h`;

export interface Balance {
  /** null: a fixed-scope engagement (no hours). */
  allocated: number | null;
  used: number;
  canceled: number;
  remaining: number | null;
}

export function balanceOf(a: {
  minutes_allocated: number | null;
  minutes_used: number;
  minutes_canceled: number;
}): Balance {
  const allocated = a.minutes_allocated;
  return {
    allocated,
    used: a.minutes_used,
    canceled: a.minutes_canceled,
    remaining: allocated === null ? null : allocated - a.minutes_used - a.minutes_canceled,
  };
}

export type EntryRefusal = 'canceled' | 'expired' | 'exceeded';

/**
 * Whether `minutes` may be booked on an allocation now: an allocation canceled by a refund or
 * past its expiry takes nothing, and a block of hours never goes below zero.
 */
export function entryRefusal(
  a: {
    status: 'active' | 'canceled';
    expires_at: Date | null;
    minutes_allocated: number | null;
    minutes_used: number;
    minutes_canceled: number;
  },
  minutes: number,
  now: Date,
): EntryRefusal | null {
  if (a.status === 'canceled') return 'canceled';
  if (a.expires_at && new Date(a.expires_at).getTime() <= now.getTime()) return 'expired';
  const { remaining } = balanceOf(a);
  if (remaining !== null && minutes > remaining) return 'exceeded';
  return null;
}

/** Minutes a refund takes back: its whole hours' worth, never more than is still unused. */
export function canceledAfterRefund(
  a: { minutes_allocated: number | null; minutes_used: number; minutes_canceled: number },
  effect: { full: boolean; units: number },
): number {
  if (a.minutes_allocated === null) return a.minutes_canceled;
  const unused = a.minutes_allocated - a.minutes_used;
  const wanted = effect.full ? unused : Math.floor(effect.units / 60) * 60;
  // Monotone: a stale read never gives minutes back, and used minutes are never canceled.
  return Math.max(a.minutes_canceled, Math.min(unused, wanted));
}
