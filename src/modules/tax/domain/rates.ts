/**
 * Tax rates are data with effective dates. A rate is picked for a calendar
 * day (the order's date), never "the current one": an order placed on
 * 2024-08-31 in Finland keeps 24 % even when it is re-quoted later.
 */

/**
 * vat: EU and UK VAT (and other countries' VAT staff add). gst/hst: Canada's
 * federal GST, and the harmonized HST that replaces it in five provinces.
 * pst/qst: provincial taxes levied beside the GST (BC, SK PST, Manitoba's
 * RST; Quebec's QST). sales: US state sales tax.
 */
export const TAX_KINDS = ['vat', 'gst', 'hst', 'pst', 'qst', 'sales'] as const;
export type TaxKind = (typeof TAX_KINDS)[number];

export interface TaxRate {
  country: string;
  /** Province or state (ISO 3166-2 suffix: ON, WA); null for the whole country. */
  region: string | null;
  kind: TaxKind;
  /**
   * Parts per million of the net amount: 19 % = 190_000. Integer, so no float
   * ever reaches a tax amount; finer than basis points because Quebec's QST
   * is 9.975 % (99_750), which basis points cannot hold.
   */
  ratePpm: number;
  /** First day the rate applies (YYYY-MM-DD). */
  validFrom: string;
  /** First day it no longer applies (exclusive), or null while in force. */
  validTo: string | null;
  label: string;
}

/** 1 % in parts per million. */
export const PPM_PER_PERCENT = 10_000;
export const MAX_RATE_PPM = 100 * PPM_PER_PERCENT;

/** The calendar day of an instant, in UTC (rates change at midnight UTC in our data). */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export const isDay = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  dayOf(new Date(`${s}T00:00:00Z`)) === s;

const inForce = (r: TaxRate, day: string) => r.validFrom <= day && (r.validTo === null || day < r.validTo);

/**
 * The row of exactly this jurisdiction (region null: the country-wide row) in
 * force on `day`. Overlapping rows (legacy data: staff edits now close the old
 * period) resolve to the most recent start.
 */
export function rateIn(
  rates: readonly TaxRate[],
  country: string,
  region: string | null,
  day: string,
): TaxRate | undefined {
  let found: TaxRate | undefined;
  for (const r of rates) {
    if (r.country !== country || r.region !== region || !inForce(r, day)) continue;
    if (!found || r.validFrom > found.validFrom) found = r;
  }
  return found;
}

/** The rate in force on `day`: a region's own row first (a US state rule), else the country-wide row. */
export function rateAt(
  rates: readonly TaxRate[],
  country: string,
  region: string | null | undefined,
  day: string,
): TaxRate | undefined {
  return (region ? rateIn(rates, country, region, day) : undefined) ?? rateIn(rates, country, null, day);
}

/**
 * "9.975" (a percentage as people write it, at most 4 decimals, 0 to 100) to
 * parts per million, exactly: the decimal string is never a float. Undefined
 * for anything else.
 */
export function parsePercent(text: string): number | undefined {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return undefined;
  const ppm = Number(m[1]) * PPM_PER_PERCENT + Number((m[2] ?? '').padEnd(4, '0'));
  return ppm <= MAX_RATE_PPM ? ppm : undefined;
}

/** 99_750 → "9.975", 190_000 → "19": the exact percentage, no trailing zeros. */
export function percentOf(ppm: number): string {
  const whole = Math.trunc(ppm / PPM_PER_PERCENT);
  const frac = String(ppm % PPM_PER_PERCENT)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** "25.5 %" from 255_000 ppm, for notes and labels. */
export function formatRate(ppm: number): string {
  return `${percentOf(ppm)} %`;
}

/**
 * Basis points, rounded half-up, for the fields that have always been basis
 * points (a line's `taxRate`, orders' `tax_rate_bp`): Quebec's 14.975 % shows
 * as 1498 there, while amounts are computed from the exact rate.
 */
export function ppmToBasisPoints(ppm: number): number {
  return Math.floor((ppm + 50) / 100);
}
