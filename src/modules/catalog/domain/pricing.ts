/**
 * What annual billing saves against paying monthly, from the two real prices.
 * "2 months free" is claimed only when the annual price is exactly ten
 * monthly payments (or N free months, exactly); otherwise the saving is shown
 * as an amount and a percentage rounded down.
 */

export interface AnnualSaving {
  /** 12 × monthly − annual, minor units; positive. */
  amount: number;
  /** Whole percent of a year of monthly payments, rounded down. */
  percent: number;
  /** N when the annual price is exactly (12 − N) monthly payments, else null. */
  monthsFree: number | null;
}

export function annualSaving(monthly: number, annual: number): AnnualSaving | null {
  if (monthly <= 0 || annual <= 0) return null;
  const year = monthly * 12;
  const amount = year - annual;
  if (amount <= 0) return null;
  const months = amount / monthly;
  return {
    amount,
    percent: Math.floor((amount * 100) / year),
    monthsFree: Number.isInteger(months) ? months : null,
  };
}
