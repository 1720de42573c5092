/**
 * Billing periods, pure. A subscription keeps its anchor: period n starts at
 * anchor + n intervals, with the day of month clamped to the month's length
 * (an anchor on 31 January renews on 28/29 February, then on 31 March — the
 * clamp never drifts the anchor, unlike adding a month to the previous end).
 */

export type Interval = 'month' | 'year';

const MONTHS: Record<Interval, number> = { month: 1, year: 12 };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The start of period `n` (0 = the first) of a subscription anchored at `anchor`. */
export function periodStart(anchor: Date, interval: Interval, n: number): Date {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`period index ${n}`);
  const months = anchor.getUTCMonth() + MONTHS[interval] * n;
  const year = anchor.getUTCFullYear() + Math.floor(months / 12);
  const month = months % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

export interface Period {
  index: number;
  start: Date;
  end: Date;
}

/** Period `n`: [start, end), end being the start of the next one. */
export function period(anchor: Date, interval: Interval, n: number): Period {
  return { index: n, start: periodStart(anchor, interval, n), end: periodStart(anchor, interval, n + 1) };
}
