import type Stripe from 'stripe';
import { AppError } from '../../platform/errors.ts';
import type { TaxReason } from './domain/jurisdiction.ts';
import { TAX_CODES, type TaxLine } from './domain/quote.ts';
import type { Calculation, CalculationInput, TaxCalculator } from './tax-calculator.ts';

/**
 * Stripe Tax (`POST /v1/tax/calculations`) on the official SDK. Amounts and
 * rates come from Stripe; the VAT ID's standing stays ours: Stripe only gets
 * the ID (and a reverse-charge override) once VIES has verified it, so a
 * pending ID is taxed and flagged exactly as with the built-in engine.
 * Tested offline against a local server speaking the same protocol; never run
 * against the live API.
 */

type Breakdown = Stripe.Tax.CalculationLineItem.TaxBreakdown;

const REASONS: Record<string, TaxReason> = {
  reverse_charge: 'reverse_charge',
  not_collecting: 'not_collected',
  not_supported: 'not_collected',
  not_subject_to_tax: 'exempt_export',
  customer_exempt: 'not_collected',
  product_exempt: 'not_collected',
};

/** "25.5" (percent, decimal string) → 2550 basis points, without floats. */
export function percentToBasisPoints(percent: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(percent.trim());
  if (!m) throw new RangeError(`not a percentage: ${percent}`);
  const frac = (m[2] ?? '').padEnd(2, '0');
  const bp = Number(m[1]) * 100 + Number(frac.slice(0, 2));
  // Stripe gives at most 4 decimals (e.g. 9.975 % QST); a third decimal rounds half-up.
  return Number(frac[2] ?? '0') >= 5 ? bp + 1 : bp;
}

function jurisdictionOf(b: Breakdown | undefined, fallback: string): string {
  if (!b) return fallback;
  return b.jurisdiction.state ? `${b.jurisdiction.country}-${b.jurisdiction.state}` : b.jurisdiction.country;
}

export class StripeTaxCalculator implements TaxCalculator {
  readonly provider = 'stripe' as const;

  constructor(private readonly stripe: Stripe) {}

  async calculate(input: CalculationInput): Promise<Calculation> {
    const { decision } = input;
    const reverseCharge = decision.reason === 'reverse_charge' && input.vatId;
    let calc: Stripe.Tax.Calculation;
    try {
      calc = await this.stripe.tax.calculations.create({
        currency: input.currency.toLowerCase(),
        customer_details: {
          address: {
            country: input.customer.country,
            ...(input.customer.region ? { state: input.customer.region } : {}),
            ...(input.customer.postalCode ? { postal_code: input.customer.postalCode } : {}),
          },
          address_source: 'billing',
          ...(reverseCharge
            ? {
                tax_ids: [{ type: 'eu_vat', value: input.vatId ?? '' }],
                taxability_override: 'reverse_charge',
              }
            : {}),
        },
        line_items: input.items.map((item, i) => ({
          amount: item.unitAmount * item.quantity,
          quantity: item.quantity,
          // References must be unique within a calculation; the same SKU may appear twice.
          reference: `${i}:${item.sku}`,
          tax_behavior: 'exclusive',
          tax_code: TAX_CODES[item.kind],
        })),
        expand: ['line_items', 'line_items.data.tax_breakdown'],
      });
    } catch (err) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Tax calculation is temporarily unavailable.', {
        cause: err,
      });
    }
    const byRef = new Map((calc.line_items?.data ?? []).map((l) => [l.reference, l]));
    const lines = input.items.map((item, i): TaxLine => {
      const line = byRef.get(`${i}:${item.sku}`);
      if (!line)
        throw new AppError('SERVICE_UNAVAILABLE', 'Stripe Tax answered without a line for every item.');
      const breakdown = line.tax_breakdown ?? [];
      const taxed = breakdown.find((b) => b.amount > 0) ?? breakdown[0];
      const rate = breakdown.reduce(
        (bp, b) =>
          bp + (b.tax_rate_details ? percentToBasisPoints(b.tax_rate_details.percentage_decimal) : 0),
        0,
      );
      const stripeReason = taxed ? (REASONS[taxed.taxability_reason] ?? 'standard') : 'not_collected';
      return {
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
        unitAmount: item.unitAmount,
        net: line.amount,
        taxRate: rate,
        taxAmount: line.amount_tax,
        jurisdiction: jurisdictionOf(taxed, decision.jurisdiction),
        // A pending VAT ID is our state, not Stripe's: keep saying so.
        reason: decision.reason === 'vat_pending_verification' ? decision.reason : stripeReason,
        taxCode: line.tax_code,
      };
    });
    return { lines, notes: decision.notes, provider: 'stripe', ...(calc.id ? { reference: calc.id } : {}) };
  }
}
