import { CURRENCIES, type Currency, isCurrency, mulDivRound, sum } from '../../../platform/money.ts';

/**
 * Usage metering, pure: which meters a license has, its monthly periods, the
 * warning thresholds a new total crosses, and 002's calculateUsageBilling
 * (overage × rate per meter) in integer minor units.
 *
 * Everything comes from the license's `limits` (copied from the SKU when the
 * license is issued), with flat keys so staff edit them like any other limit:
 *
 * - `<meter>PerMonth`: the quantity included per period, an integer ≥ 0, or
 *   `'unlimited'` (the meter exists, with no cap). `recordsPerMonth: 10000`
 *   defines the meter `records`; `appsPerMonth: 3` the meter `apps`.
 * - `<meter>OveragePer1000`: the overage price in minor units per 1,000 units
 *   above the included quantity (`recordsOveragePer1000: 50` = 0.50 per
 *   thousand records). Per thousand so that cheap units (a record at a
 *   fraction of a cent) have an integer price; an app at 5.00 is `500000`.
 *   Missing: 0 (overage recorded, nothing billed).
 * - `usagePolicy`: `'block'` (default) refuses usage above the included
 *   quantity; `'overage'` records it and bills it at period end.
 * - `overageCurrency`: the currency of the rates (default `USD`).
 */

export const USAGE_POLICIES = ['block', 'overage'] as const;
export type UsagePolicy = (typeof USAGE_POLICIES)[number];

/** Percentages of the included quantity at which the owner is warned, once per period and meter. */
export const USAGE_THRESHOLDS = [80, 100] as const;
export type UsageThreshold = (typeof USAGE_THRESHOLDS)[number];

const PER_MONTH = 'PerMonth';
const OVERAGE = 'OveragePer1000';
/** A meter name: what precedes `PerMonth`, lower camel case like the limit keys themselves. */
export const METER_PATTERN = '^[a-z][a-zA-Z0-9]{0,39}$';
const METER = new RegExp(METER_PATTERN);

export type Limits = Readonly<Record<string, number | boolean | string>>;

export interface MeterDef {
  meter: string;
  /** Included per period; null = unlimited. */
  included: number | null;
  /** Minor units per 1,000 units of overage. */
  ratePer1000: number;
}

export interface UsagePlan {
  policy: UsagePolicy;
  currency: Currency;
  /** Sorted by name. Empty: the license meters nothing. */
  meters: MeterDef[];
}

const wholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The meters a license's limits define (see the key conventions above), sorted by name. */
export function metersOf(limits: Limits): MeterDef[] {
  const meters: MeterDef[] = [];
  for (const [key, value] of Object.entries(limits)) {
    if (!key.endsWith(PER_MONTH)) continue;
    const meter = key.slice(0, -PER_MONTH.length);
    if (!METER.test(meter)) continue;
    // A malformed quantity (negative, fractional, another word) defines no meter rather than a wrong one.
    const included = value === 'unlimited' ? null : wholeNumber(value) ? value : undefined;
    if (included === undefined) continue;
    const rate = limits[`${meter}${OVERAGE}`];
    meters.push({ meter, included, ratePer1000: wholeNumber(rate) ? rate : 0 });
  }
  return meters.sort((a, b) => (a.meter < b.meter ? -1 : a.meter > b.meter ? 1 : 0));
}

/** Meters, policy and currency of a license. An unknown policy blocks: refusing is the safe mistake. */
export function usagePlanOf(limits: Limits): UsagePlan {
  const currency = typeof limits.overageCurrency === 'string' ? limits.overageCurrency.toUpperCase() : '';
  return {
    policy: limits.usagePolicy === 'overage' ? 'overage' : 'block',
    currency: isCurrency(currency) ? currency : CURRENCIES[0],
    meters: metersOf(limits),
  };
}

export interface Period {
  /** 0 = the period starting at the anchor; negative before it. */
  index: number;
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * The start of monthly period `n` from `anchor`: the anchor's day of month clamped to the month's
 * length, at the anchor's time of day. Always from the anchor, never from the previous start, so the
 * clamp never drifts (31 Jan → 28 Feb → 31 Mar).
 */
export function periodStartOf(anchor: Date, n: number): Date {
  const months = anchor.getUTCMonth() + n;
  const year = anchor.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(anchor.getUTCDate(), daysInMonth(year, month)),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** The monthly period (anchored on the license's valid_from) that contains `at`. */
export function periodOf(anchor: Date, at: Date): Period {
  // A first guess from the calendar months between them, then corrected: the period starting in
  // `at`'s month may start later in that month than `at`.
  let n = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  while (periodStartOf(anchor, n).getTime() > at.getTime()) n--;
  while (periodStartOf(anchor, n + 1).getTime() <= at.getTime()) n++;
  return { index: n, start: periodStartOf(anchor, n), end: periodStartOf(anchor, n + 1) };
}

/** The smallest total that reaches `percent` % of `included`. */
export function thresholdQuantity(included: number, percent: number): number {
  return Math.ceil((included * percent) / 100);
}

/**
 * Where a meter stands in its period, as the owner's pages show it: under 80 % of what is included,
 * past 80 % (the first warning mail), at 100 % (used up: refused under the block policy, billed as
 * overage otherwise), or unlimited. The same thresholds as the warning mails.
 */
export type MeterLevel = 'under' | 'warning' | 'reached' | 'unlimited';

export function meterLevel(included: number | null, used: number): MeterLevel {
  if (included === null) return 'unlimited';
  if (used >= thresholdQuantity(included, 100)) return 'reached';
  if (used >= thresholdQuantity(included, 80)) return 'warning';
  return 'under';
}

/**
 * The thresholds a total crosses going from `before` to `after`: reached now and not before. Totals
 * only grow, so each threshold is crossed by exactly one write per period and meter. Nothing for
 * unlimited meters or a zero included quantity (there is nothing to approach).
 */
export function crossedThresholds(included: number | null, before: number, after: number): UsageThreshold[] {
  if (included === null || included <= 0) return [];
  return USAGE_THRESHOLDS.filter((t) => {
    const q = thresholdQuantity(included, t);
    return before < q && q <= after;
  });
}

export interface BillingLine {
  meter: string;
  included: number | null;
  used: number;
  overage: number;
  ratePer1000: number;
  /** overage × rate / 1000, minor units, rounded half up. */
  amount: number;
}

export interface UsageBilling {
  lines: BillingLine[];
  /** Sum of the lines, minor units. */
  overageAmount: number;
}

/**
 * 002's calculateUsageBilling: for every meter, the overage above the included quantity times the
 * overage rate, summed. Integer minor units (rates per 1,000 units, each line rounded half up).
 * A meter used but no longer in the tiers (the limits changed) bills nothing: its price is unknown.
 */
export function calculateUsageBilling(
  usage: Readonly<Record<string, number>>,
  tiers: readonly MeterDef[],
): UsageBilling {
  const byMeter = new Map(tiers.map((t) => [t.meter, t]));
  const names = [...new Set([...tiers.map((t) => t.meter), ...Object.keys(usage)])].sort();
  const lines = names.map((meter): BillingLine => {
    const tier = byMeter.get(meter);
    const used = usage[meter] ?? 0;
    const included = tier ? tier.included : null;
    const overage = included === null ? 0 : Math.max(0, used - included);
    const ratePer1000 = tier?.ratePer1000 ?? 0;
    return { meter, included, used, overage, ratePer1000, amount: mulDivRound(overage, ratePer1000, 1000) };
  });
  return { lines, overageAmount: sum(lines.map((l) => l.amount)) };
}
