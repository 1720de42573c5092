import { AppError } from '../../../platform/errors.ts';
import { isCanadianProvince, isEuMemberState } from './countries.ts';
import { formatRate, rateAt, type TaxKind, type TaxRate } from './rates.ts';

/**
 * Where tax is due on a sale of FHIR IQ's services (software, training,
 * consulting: all electronically supplied or B2B services), at what rate, and
 * why. Pure: the caller brings the rates, the day and the VAT ID's
 * verification status.
 *
 * Place of supply follows Directive 2006/112/EC: B2B services are taxed where
 * the customer is established (Art. 44) — so a business customer with a
 * verified VAT ID in another member state accounts for the VAT itself
 * (reverse charge, Art. 196); B2C electronic services are taxed where the
 * consumer is (Art. 58), which a seller declares through the One-Stop Shop
 * (an EU seller, once above the €10,000 threshold — assumed here) or the
 * non-Union scheme (a seller outside the EU, e.g. the default US seller, for
 * whom every EU business customer is a reverse-charge customer).
 */

export const TAX_REASONS = [
  'standard',
  'reverse_charge',
  'vat_pending_verification',
  'not_collected',
  'exempt_export',
] as const;
export type TaxReason = (typeof TAX_REASONS)[number];

export type VatStatus = 'pending' | 'valid' | 'invalid';

export interface TaxCustomer {
  country: string;
  region?: string | undefined;
  business: boolean;
  /** A parsed VAT ID and what the registry (or the local check) said about it. */
  vat?: { id: string; country: string; status: VatStatus } | undefined;
}

export interface TaxDecision {
  /** "DE", "GB", "CA-ON", "US-WA", "US". */
  jurisdiction: string;
  reason: TaxReason;
  rateBp: number;
  kind: TaxKind | null;
  label: string;
  /** Legal mentions and explanations, carried to the quote and the invoice. */
  notes: string[];
}

export const REVERSE_CHARGE_MENTION =
  'Reverse charge: VAT to be accounted for by the recipient under Article 196 of Council Directive 2006/112/EC.';

export interface DecideInput {
  sellerCountry: string;
  customer: TaxCustomer;
  rates: readonly TaxRate[];
  /** The order's day (YYYY-MM-DD). */
  day: string;
}

export function decideTax(input: DecideInput): TaxDecision {
  const { sellerCountry, customer, rates, day } = input;
  const country = customer.country;
  const region = customer.region || undefined;

  const charge = (jurisdiction: string, rate: TaxRate, notes: string[] = []): TaxDecision => ({
    jurisdiction,
    reason: 'standard',
    rateBp: rate.rateBp,
    kind: rate.kind,
    label: rate.label,
    notes,
  });
  const required = (c: string, r?: string): TaxRate => {
    const rate = rateAt(rates, c, r, day);
    // Tax is due here by law: quoting 0 % because a row is missing would be a silent error.
    if (!rate) throw new AppError('TAX_RATE_MISSING', `No tax rate for ${r ? `${c}-${r}` : c} on ${day}.`);
    return rate;
  };

  if (isEuMemberState(country)) {
    const vat = customer.business ? customer.vat : undefined;
    const rate = required(country);
    if (!vat) {
      const notes = customer.business ? [`No VAT ID given: ${rate.label} is charged as for a consumer.`] : [];
      return charge(country, rate, notes);
    }
    if (vat.country !== country) {
      throw new AppError(
        'VAT_ID_INVALID',
        `The VAT ID ${vat.id} is not from the billing country ${country}.`,
      );
    }
    // A domestic sale is taxed at home whatever the customer's VAT status.
    if (sellerCountry === country) return charge(country, rate);
    if (vat.status === 'valid') {
      return {
        jurisdiction: country,
        reason: 'reverse_charge',
        rateBp: 0,
        kind: 'vat',
        label: rate.label,
        notes: [REVERSE_CHARGE_MENTION, `Customer VAT ID: ${vat.id}.`],
      };
    }
    if (vat.status === 'pending') {
      // Not silently B2B nor B2C: the VAT that is due if the ID is not confirmed, and the reason why.
      return {
        ...charge(country, rate),
        reason: 'vat_pending_verification',
        notes: [
          `The VAT ID ${vat.id} is awaiting verification with the EU's VIES registry: ${rate.label} at ` +
            `${formatRate(rate.rateBp)} is shown until it is confirmed. Once confirmed, the reverse charge applies and no VAT is due.`,
        ],
      };
    }
    throw new AppError('VAT_ID_INVALID', `The VAT ID ${vat.id} is not registered according to VIES.`);
  }

  if (country === 'CA') {
    if (!region || !isCanadianProvince(region)) {
      throw new AppError(
        'REGION_REQUIRED',
        'Canadian GST/HST depends on the province: give `region` as a province or territory code (e.g. ON, QC, BC).',
      );
    }
    return charge(`CA-${region}`, required('CA', region));
  }

  if (country === 'US') {
    const rule = rateAt(rates, 'US', region, day);
    const jurisdiction = region ? `US-${region}` : 'US';
    if (rule) return charge(rule.region ? `US-${rule.region}` : 'US', rule);
    return {
      jurisdiction,
      reason: 'not_collected',
      rateBp: 0,
      kind: null,
      label: 'No sales tax',
      notes: [`Sales tax is not collected for ${jurisdiction}: no state rule is configured.`],
    };
  }

  // GB and any country staff gave a rate (e.g. Norway, Australia): that country's tax.
  const local = rateAt(rates, country, region, day);
  if (local) return charge(local.region ? `${country}-${local.region}` : country, local);
  return {
    jurisdiction: country,
    reason: 'exempt_export',
    rateBp: 0,
    kind: null,
    label: 'No tax (export)',
    notes: [
      isEuMemberState(sellerCountry)
        ? `Export of services to ${country}: outside the scope of EU VAT (Article 44/59 of Council Directive 2006/112/EC); no tax collected.`
        : `Export of services to ${country}: no VAT or sales tax collected.`,
    ],
  };
}
