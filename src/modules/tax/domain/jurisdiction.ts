import { AppError } from '../../../platform/errors.ts';
import { isCanadianProvince, isEuMemberState } from './countries.ts';
import type { ProductKind } from './quote.ts';
import { formatRate, ppmToBasisPoints, rateAt, rateIn, type TaxKind, type TaxRate } from './rates.ts';

/**
 * Where tax is due on a sale of FHIR IQ's services (software, training,
 * consulting: all electronically supplied or B2B services), at what rate, and
 * why. Pure: the caller brings the rates, the day and the standing of the
 * customer's tax number (VAT ID, GST/HST number).
 *
 * EU — place of supply follows Directive 2006/112/EC: B2B services are taxed
 * where the customer is established (Art. 44) — so a business customer with a
 * verified VAT ID in another member state accounts for the VAT itself
 * (reverse charge, Art. 196); B2C electronic services are taxed where the
 * consumer is (Art. 58), which a seller declares through the One-Stop Shop
 * (an EU seller, once above the €10,000 threshold — assumed here) or the
 * non-Union scheme (a seller outside the EU, e.g. the default US seller, for
 * whom every EU business customer is a reverse-charge customer).
 *
 * UK — the same split under the Value Added Tax Act 1994: B2B services are
 * supplied where the customer belongs (s. 7A(2)(a)) and a customer who
 * receives them from a supplier outside the UK accounts for the VAT itself
 * (reverse charge, s. 8); B2C digital services are taxed where the consumer
 * is (Sch. 4A para. 16), which a non-UK seller must register for from the
 * first sale (no threshold for non-established sellers). A UK seller charges
 * UK VAT to every UK customer, businesses included (they recover it).
 *
 * Canada — see `decideCanada` below.
 */

export const TAX_REASONS = [
  'standard',
  'reverse_charge',
  // Canada: the customer, registered for GST/HST, self-assesses the GST/HST (it is not charged).
  'self_assessed',
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
  /**
   * The customer's tax registration number and what the registry (or the
   * local check) said about it: an EU or UK VAT ID (country = its state, GR
   * for Greece), or a Canadian GST/HST number (country CA).
   */
  vat?: { id: string; country: string; status: VatStatus } | undefined;
}

/** One tax the decision charges: VAT, GST, HST, or a provincial tax charged beside the GST. */
export interface TaxComponentRule {
  kind: TaxKind;
  /** Who levies it: "DE", "CA" (the federal GST), "CA-QC" (QST), "CA-ON" (HST). */
  jurisdiction: string;
  label: string;
  ratePpm: number;
  /** The product kinds it taxes; every kind when absent (provincial sales taxes tax only software). */
  appliesTo?: readonly ProductKind[] | undefined;
}

export interface TaxDecision {
  /** "DE", "GB", "CA-ON", "CA-QC", "US-WA", "US". */
  jurisdiction: string;
  reason: TaxReason;
  /** Every component together, in basis points rounded half-up (what a fully taxed line shows). */
  rateBp: number;
  /** The main tax (VAT, GST/HST…), even when it is not charged (reverse charge). */
  kind: TaxKind | null;
  label: string;
  /** The taxes charged, each computed and rounded on its own per line (quote.ts). */
  components: TaxComponentRule[];
  /** Legal mentions and explanations, carried to the quote and the invoice. */
  notes: string[];
}

export const REVERSE_CHARGE_MENTION =
  'Reverse charge: VAT to be accounted for by the recipient under Article 196 of Council Directive 2006/112/EC.';

export const UK_REVERSE_CHARGE_MENTION =
  'Reverse charge: the customer is to account for the VAT to HMRC under section 8 of the Value Added Tax Act 1994.';

export const CA_SELF_ASSESSMENT_MENTION =
  'GST/HST not charged: the customer is registered for GST/HST and self-assesses any tax due on this imported supply (Excise Tax Act, Part IX, Division IV). The supplier collects GST/HST only from consumers, under the simplified registration regime (Excise Tax Act, Part IX, Division II, Subdivision E).';

/**
 * What provincial sales taxes (BC and SK PST, Manitoba RST) tax among our
 * products: software, including SaaS licences, and bundles, which contain
 * software and are sold at one price (taxed whole, the conservative reading
 * of the provinces' bundled-sale rules). Training and consulting are not
 * taxable services under those acts.
 */
export const PST_TAXED_KINDS: readonly ProductKind[] = ['license', 'bundle'];

export interface DecideInput {
  sellerCountry: string;
  customer: TaxCustomer;
  rates: readonly TaxRate[];
  /** The order's day (YYYY-MM-DD). */
  day: string;
}

const component = (
  rate: TaxRate,
  jurisdiction: string,
  appliesTo?: readonly ProductKind[],
): TaxComponentRule => ({
  kind: rate.kind,
  jurisdiction,
  label: rate.label,
  ratePpm: rate.ratePpm,
  ...(appliesTo ? { appliesTo } : {}),
});

const combinedBp = (components: readonly TaxComponentRule[]) =>
  ppmToBasisPoints(components.reduce((a, c) => a + c.ratePpm, 0));

function charge(jurisdiction: string, rate: TaxRate, notes: string[] = []): TaxDecision {
  const components = [component(rate, jurisdiction)];
  return {
    jurisdiction,
    reason: 'standard',
    rateBp: combinedBp(components),
    kind: rate.kind,
    label: rate.label,
    components,
    notes,
  };
}

function requiredRate(rates: readonly TaxRate[], country: string, region: string | null, day: string) {
  const rate = region === null ? rateIn(rates, country, null, day) : rateAt(rates, country, region, day);
  // Tax is due here by law: quoting 0 % because a row is missing would be a silent error.
  if (!rate) {
    throw new AppError(
      'TAX_RATE_MISSING',
      `No tax rate for ${region ? `${country}-${region}` : country} on ${day}.`,
    );
  }
  return rate;
}

export function decideTax(input: DecideInput): TaxDecision {
  const { sellerCountry, customer, rates, day } = input;
  const country = customer.country;
  const region = customer.region || undefined;

  if (isEuMemberState(country)) {
    return decideVat(input, requiredRate(rates, country, null, day), {
      mention: REVERSE_CHARGE_MENTION,
      registry: 'the EU’s VIES registry',
      registryShort: 'VIES',
    });
  }

  if (country === 'GB') {
    return decideVat(input, requiredRate(rates, 'GB', null, day), {
      mention: UK_REVERSE_CHARGE_MENTION,
      registry: 'HMRC',
      registryShort: 'HMRC',
    });
  }

  if (country === 'CA') return decideCanada(input);

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
      components: [],
      notes: [`Sales tax is not collected for ${jurisdiction}: no state rule is configured.`],
    };
  }

  // Any country staff gave a rate (e.g. Norway, Australia): that country's tax.
  const local = rateAt(rates, country, region, day);
  if (local) return charge(local.region ? `${country}-${local.region}` : country, local);
  return {
    jurisdiction: country,
    reason: 'exempt_export',
    rateBp: 0,
    kind: null,
    label: 'No tax (export)',
    components: [],
    notes: [
      isEuMemberState(sellerCountry)
        ? `Export of services to ${country}: outside the scope of EU VAT (Article 44/59 of Council Directive 2006/112/EC); no tax collected.`
        : `Export of services to ${country}: no VAT or sales tax collected.`,
    ],
  };
}

/** EU and UK VAT: the same B2B/B2C split, with each side's legal mention and registry. */
function decideVat(
  input: DecideInput,
  rate: TaxRate,
  law: { mention: string; registry: string; registryShort: string },
): TaxDecision {
  const { sellerCountry, customer } = input;
  const country = customer.country;
  const vat = customer.business ? customer.vat : undefined;
  if (!vat) {
    // Without a VAT number a business cannot be told from a consumer: both tax authorities
    // let the supplier treat it as one, so VAT is charged.
    const notes = customer.business ? [`No VAT ID given: ${rate.label} is charged as for a consumer.`] : [];
    return charge(country, rate, notes);
  }
  if (vat.country !== country) {
    throw new AppError('VAT_ID_INVALID', `The VAT ID ${vat.id} is not from the billing country ${country}.`);
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
      components: [],
      notes: [law.mention, `Customer VAT ID: ${vat.id}.`],
    };
  }
  if (vat.status === 'pending') {
    // Not silently B2B nor B2C: the VAT that is due if the ID is not confirmed, and the reason why.
    return {
      ...charge(country, rate),
      reason: 'vat_pending_verification',
      notes: [
        `The VAT ID ${vat.id} is awaiting verification with ${law.registry}: ${rate.label} at ` +
          `${formatRate(rate.ratePpm)} is shown until it is confirmed. Once confirmed, the reverse charge applies and no VAT is due.`,
      ],
    };
  }
  throw new AppError(
    'VAT_ID_INVALID',
    `The VAT ID ${vat.id} is not registered according to ${law.registryShort}.`,
  );
}

/**
 * Canada: GST/HST by the customer's province, plus Quebec's QST or a
 * provincial sales tax (BC, SK, MB) beside the GST.
 *
 * - GST/HST (Excise Tax Act, Part IX). A seller outside Canada (the default
 *   US seller) that is not registered under the normal regime must register
 *   under the simplified regime once its sales of digital services to
 *   Canadian consumers pass CAD 30,000 a year (Subdivision E of Division II,
 *   in force 2021-07-01; assumed here, like the EU's OSS threshold) and then
 *   collects GST/HST at the rate of the consumer's province. It collects
 *   nothing from a customer registered for GST/HST under the normal regime
 *   who gives its number: that customer self-assesses any tax due (Division
 *   IV, imported taxable supplies) — reason `self_assessed`. A business that
 *   gives no number is charged as a consumer. A Canadian seller charges
 *   GST/HST to every Canadian customer (businesses claim input tax credits).
 * - QST (Act respecting the Quebec sales tax): 9.975 % of the net price (not
 *   of the GST-inclusive price, since 2013), on services as well as software.
 *   A seller outside Quebec collects it from Quebec consumers under the
 *   specified registration system; that system relieves it only when the
 *   customer gives its QST registration number, which this quote does not
 *   take (only a GST/HST number), so QST is charged to Quebec businesses too
 *   and the decision says so.
 * - PST / RST (BC, SK, MB): retail sales taxes, not VATs. They tax software
 *   (PST_TAXED_KINDS), whoever buys it: a GST/HST registration does not
 *   exempt a business from them.
 */
function decideCanada(input: DecideInput): TaxDecision {
  const { sellerCountry, customer, rates, day } = input;
  const region = customer.region || undefined;
  if (!region || !isCanadianProvince(region)) {
    throw new AppError(
      'REGION_REQUIRED',
      'Canadian GST/HST depends on the province: give `region` as a province or territory code (e.g. ON, QC, BC).',
    );
  }
  const jurisdiction = `CA-${region}`;
  const own = rateIn(rates, 'CA', region, day);
  const federal = own?.kind === 'hst' ? own : requiredRate(rates, 'CA', null, day);
  const provincial = own && (own.kind === 'pst' || own.kind === 'qst') ? own : undefined;
  const federalComponent = component(federal, federal.kind === 'hst' ? jurisdiction : 'CA');
  const provincialComponent = provincial
    ? component(provincial, jurisdiction, provincial.kind === 'pst' ? PST_TAXED_KINDS : undefined)
    : undefined;

  const number = customer.business ? customer.vat : undefined;
  if (number && number.country !== 'CA') {
    throw new AppError('VAT_ID_INVALID', `${number.id} is not a Canadian GST/HST number.`);
  }
  if (number?.status === 'invalid') {
    throw new AppError('VAT_ID_INVALID', `The GST/HST number ${number.id} is not registered.`);
  }
  const selfAssessed = number?.status === 'valid' && sellerCountry !== 'CA';
  const pending = number?.status === 'pending' && sellerCountry !== 'CA';

  const components = [
    ...(selfAssessed ? [] : [federalComponent]),
    ...(provincialComponent ? [provincialComponent] : []),
  ];
  const notes: string[] = [];
  if (selfAssessed && number)
    notes.push(CA_SELF_ASSESSMENT_MENTION, `Customer GST/HST number: ${number.id}.`);
  if (pending && number) {
    notes.push(
      `The GST/HST number ${number.id} is awaiting verification: ${federal.label} is shown until it is confirmed.`,
    );
  }
  if (customer.business && !number) {
    notes.push(`No GST/HST number given: ${federal.label} is charged as for a consumer.`);
  }
  if (provincial?.kind === 'pst') {
    notes.push(
      `${provincial.label} (${formatRate(provincial.ratePpm)}) applies to software (licences and bundles) only, not to training or consulting.`,
    );
  }
  if (provincial?.kind === 'qst' && customer.business) {
    notes.push(
      `${provincial.label} is charged: a supplier registered under Quebec's specified system is relieved of it only with the customer's QST registration number, which is not collected here.`,
    );
  }
  return {
    jurisdiction,
    reason: selfAssessed ? 'self_assessed' : pending ? 'vat_pending_verification' : 'standard',
    rateBp: combinedBp(components),
    kind: federal.kind,
    label: [federal, ...(provincial ? [provincial] : [])].map((r) => r.label).join(' + '),
    components,
    notes,
  };
}
