import type Stripe from 'stripe';
import { AppError } from '../../platform/errors.ts';
import type { TaxReason } from './domain/jurisdiction.ts';
import { TAX_CODES, type TaxComponent, type TaxLine } from './domain/quote.ts';
import { percentOf, ppmToBasisPoints, type TaxKind } from './domain/rates.ts';
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

/** Stripe's tax types → ours; anything else (e.g. a US county's tax) is a sales tax. */
const KINDS: Record<string, TaxKind> = {
  vat: 'vat',
  gst: 'gst',
  hst: 'hst',
  pst: 'pst',
  qst: 'qst',
  rst: 'pst',
  sales_tax: 'sales',
};

/** "9.975" (percent, decimal string, as Stripe gives it) → 99_750 parts per million, without floats. */
export function percentToPpm(percent: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(percent.trim());
  if (!m) throw new RangeError(`not a percentage: ${percent}`);
  const frac = (m[2] ?? '').padEnd(4, '0');
  const ppm = Number(m[1]) * 10_000 + Number(frac.slice(0, 4));
  // Stripe gives at most 4 decimals; a fifth rounds half-up.
  return Number(frac[4] ?? '0') >= 5 ? ppm + 1 : ppm;
}

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
    // Canada: Stripe gets the GST/HST number and decides itself (a provincial tax may still apply).
    const gstNumber = decision.reason === 'self_assessed' && input.vatId;
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
                tax_ids: [
                  { type: input.customer.country === 'GB' ? 'gb_vat' : 'eu_vat', value: input.vatId ?? '' },
                ],
                taxability_override: 'reverse_charge',
              }
            : {}),
          ...(gstNumber ? { tax_ids: [{ type: 'ca_gst_hst', value: input.vatId ?? '' }] } : {}),
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
      const components = breakdown
        .filter((b) => b.amount > 0 && b.tax_rate_details)
        .map((b): TaxComponent => {
          const details = b.tax_rate_details!;
          return {
            kind: KINDS[details.tax_type] ?? 'sales',
            jurisdiction: jurisdictionOf(b, decision.jurisdiction),
            label: details.display_name,
            ratePercent: percentOf(percentToPpm(details.percentage_decimal)),
            amount: b.amount,
          };
        });
      const ppm = breakdown.reduce(
        (a, b) => a + (b.tax_rate_details ? percentToPpm(b.tax_rate_details.percentage_decimal) : 0),
        0,
      );
      const stripeReason = taxed ? (REASONS[taxed.taxability_reason] ?? 'standard') : 'not_collected';
      return {
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
        unitAmount: item.unitAmount,
        net: line.amount,
        taxRate: ppmToBasisPoints(ppm),
        taxRatePercent: percentOf(ppm),
        taxAmount: line.amount_tax,
        components,
        jurisdiction: jurisdictionOf(taxed, decision.jurisdiction),
        // A pending VAT ID and a self-assessing Canadian registrant are our decisions, not Stripe's.
        reason:
          decision.reason === 'vat_pending_verification' || decision.reason === 'self_assessed'
            ? decision.reason
            : stripeReason,
        taxCode: line.tax_code,
      };
    });
    return { lines, notes: decision.notes, provider: 'stripe', ...(calc.id ? { reference: calc.id } : {}) };
  }
}
