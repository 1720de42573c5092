import { isCurrency, MINOR_DIGITS } from '../../../platform/money.ts';

/** How invoices write amounts, rates and dates (PDF, pages and mail alike). Pure. */

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount in minor units as the currency is written (`€1,234.50`, `CA$12.00`), with exactly
 * the currency's minor digits. English (en-US) for every currency: invoices are in English.
 */
export function formatAmount(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError('amount must be an integer number of minor units');
  const digits = isCurrency(currency) ? MINOR_DIGITS[currency] : 2;
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(currency, f);
  }
  // Minor units to major exactly: integer division in BigInt, so no binary float rounds a cent.
  const sign = minor < 0 ? '-' : '';
  const abs = BigInt(Math.abs(minor));
  const scale = 10n ** BigInt(digits);
  const text = `${sign}${abs / scale}${digits ? `.${String(abs % scale).padStart(digits, '0')}` : ''}`;
  return f.format(text as `${number}`);
}

/** A rate as sold ("19" → "19 %", "14.975" → "14.975 %"). */
export function formatRate(percent: string): string {
  return `${percent} %`;
}

/** A date as invoices print it: `22 Nov 2026` (UTC, unambiguous in every country). */
export function formatDate(at: Date | string): string {
  const d = new Date(at);
  const month = d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}
