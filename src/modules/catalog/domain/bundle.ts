import type { Currency } from '../../../platform/money.ts';

/**
 * What a bundle costs against its parts, from the real component prices.
 * 002 advertised "37 % savings" on a bundle that costs more than its items;
 * here a saving exists only when the arithmetic says so.
 */

export interface BundleComponentPrice {
  quantity: number;
  /** The component's unit price in this currency (minor units), or undefined when it has none. */
  unitAmount: number | undefined;
}

export interface BundlePricing {
  currency: Currency;
  /** The bundle's own price, or null when it has none in this currency. */
  price: number | null;
  /** Sum of quantity × unit price of every component; null if one lacks a price in this currency. */
  individualPrice: number | null;
  /** individualPrice − price when positive; null when there is no real saving (or nothing to compare). */
  savings: number | null;
  /** Whole percent of the individual price, rounded down so it never overstates. */
  savingsPercent: number | null;
}

export function bundlePricing(
  currency: Currency,
  bundlePrice: number | undefined,
  components: readonly BundleComponentPrice[],
): BundlePricing {
  let individual: number | null = components.length > 0 ? 0 : null;
  for (const c of components) {
    if (individual === null || c.unitAmount === undefined) {
      individual = null;
      break;
    }
    individual += c.unitAmount * c.quantity;
  }
  const price = bundlePrice ?? null;
  const diff = price !== null && individual !== null ? individual - price : null;
  const savings = diff !== null && diff > 0 ? diff : null;
  const savingsPercent =
    savings !== null && individual !== null && individual > 0
      ? Math.floor((savings * 100) / individual)
      : null;
  return { currency, price, individualPrice: individual, savings, savingsPercent };
}
