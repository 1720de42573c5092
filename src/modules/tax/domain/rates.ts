/**
 * Tax rates are data with effective dates. A rate is picked for a calendar
 * day (the order's date), never "the current one": an order placed on
 * 2024-08-31 in Finland keeps 24 % even when it is re-quoted later.
 */

export const TAX_KINDS = ['vat', 'gst', 'hst', 'sales'] as const;
export type TaxKind = (typeof TAX_KINDS)[number];

export interface TaxRate {
  country: string;
  /** Province or state (ISO 3166-2 suffix: ON, WA); null for the whole country. */
  region: string | null;
  kind: TaxKind;
  /** 19 % = 1900. Integer, so no float ever reaches a tax amount. */
  rateBp: number;
  /** First day the rate applies (YYYY-MM-DD). */
  validFrom: string;
  /** First day it no longer applies (exclusive), or null while in force. */
  validTo: string | null;
  label: string;
}

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
 * The rate in force on `day`: a region's own row first (Canadian HST, a US
 * state rule), else the country-wide row. Overlapping rows (a staff edit that
 * forgot to close the old one) resolve to the most recent start.
 */
export function rateAt(
  rates: readonly TaxRate[],
  country: string,
  region: string | null | undefined,
  day: string,
): TaxRate | undefined {
  let regional: TaxRate | undefined;
  let national: TaxRate | undefined;
  for (const r of rates) {
    if (r.country !== country || !inForce(r, day)) continue;
    if (r.region === null) {
      if (!national || r.validFrom > national.validFrom) national = r;
    } else if (region && r.region === region) {
      if (!regional || r.validFrom > regional.validFrom) regional = r;
    }
  }
  return regional ?? national;
}

/** "25.5 %" from 2550 basis points, for notes and labels. */
export function formatRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} %`;
}
