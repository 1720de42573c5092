/**
 * Money: integer minor units and an ISO 4217 currency, never floats. Every
 * rounding rule of the platform lives here, so tax, proration and invoices
 * round the same way.
 */

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Digits after the decimal point (all four supported currencies use cents). */
export const MINOR_DIGITS: Record<Currency, number> = { USD: 2, EUR: 2, GBP: 2, CAD: 2 };

export interface Money {
  /** Integer amount in minor units (cents). */
  amount: number;
  currency: Currency;
}

export function isCurrency(value: string): value is Currency {
  return (CURRENCIES as readonly string[]).includes(value);
}

export function assertMinor(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${what} must be an integer number of minor units`);
}

/** Major units (as written in a price list, e.g. 29 or 1499.5) to minor units, exactly. */
export function toMinor(major: number | string, currency: Currency): number {
  const digits = MINOR_DIGITS[currency];
  const text = typeof major === 'number' ? major.toFixed(digits + 2) : major.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal amount: ${major}`);
  const [, sign, whole, frac = ''] = m;
  // Round half-up on the decimal string itself, so no binary float ever rounds.
  const kept = frac.padEnd(digits, '0').slice(0, digits);
  const next = frac.length > digits ? Number(frac[digits]) : 0;
  let minor = Number(whole) * 10 ** digits + Number(kept || '0');
  if (next >= 5) minor += 1;
  return sign ? -minor : minor;
}

/**
 * `amount × numerator / denominator`, rounded half-up (away from zero at .5),
 * in integer arithmetic. Used for tax (rate in basis points) and proration.
 */
export function mulDivRound(amount: number, numerator: number, denominator: number): number {
  assertMinor(amount);
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('numerator and denominator must be integers, denominator positive');
  }
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  const result = Number(negative ? -q : q);
  assertMinor(result, 'result');
  return result;
}

/** Tax on a net amount at a rate given in basis points (19 % = 1900), half-up per line. */
export function taxOn(netMinor: number, rateBasisPoints: number): number {
  return mulDivRound(netMinor, rateBasisPoints, 10_000);
}

/**
 * Splits `total` into parts proportional to `weights`, so the parts always add
 * up to the total exactly (largest-remainder method). For spreading a
 * discount or a bundle price over its lines.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertMinor(total, 'total');
  if (weights.length === 0) return [];
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0))
    throw new RangeError('weights must be non-negative integers');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    const out = weights.map(() => 0);
    out[0] = total;
    return out;
  }
  const bigTotal = BigInt(total);
  const bigSum = BigInt(sum);
  const exact = weights.map((w) => bigTotal * BigInt(w));
  const floors = exact.map((e) => {
    const q = e / bigSum;
    return e < 0n && e % bigSum !== 0n ? q - 1n : q;
  });
  let rest = bigTotal - floors.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((e, i) => ({ i, r: e - floors[i]! * bigSum }))
    .sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  const out = floors.slice();
  for (let k = 0; rest > 0n; k = (k + 1) % order.length, rest--) out[order[k]!.i]! += 1n;
  return out.map(Number);
}

export function sum(amounts: readonly number[]): number {
  const total = amounts.reduce((a, b) => a + b, 0);
  assertMinor(total, 'sum');
  return total;
}

/** "€1,499.00", "$29.00", "CA$99.00" — for pages, mail and invoices. */
export function formatMoney(amount: number, currency: Currency, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: MINOR_DIGITS[currency],
  }).format(amount / 10 ** MINOR_DIGITS[currency]);
}
