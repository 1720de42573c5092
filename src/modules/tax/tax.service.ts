import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { isEuMemberState } from './domain/countries.ts';
import { decideTax, type TaxCustomer, type VatStatus } from './domain/jurisdiction.ts';
import { type PricedItem, totalsOf } from './domain/quote.ts';
import { dayOf, isDay, MAX_RATE_PPM, type TaxRate } from './domain/rates.ts';
import { parseGstHstNumber, type VatId } from './domain/vat-id.ts';
import type { PriceSource, QuoteRequest, TaxQuote, VatIdState } from './tax.contract.ts';
import { insertMissingRates, listRates } from './tax.repository.ts';
import type { TaxDb } from './tax.tables.ts';
import type { TaxCalculator } from './tax-calculator.ts';
import type { VatVerificationService } from './vat-verification.service.ts';

/** Rates change a few times a year; a quote should not cost a query for them. */
const RATES_TTL_MS = 60_000;

/** Rates as data: read (cached briefly) and added by staff. */
export class TaxRateService {
  #cache: { rates: TaxRate[]; loadedAt: number } | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<TaxDb>,
  ) {}

  async all(): Promise<TaxRate[]> {
    const now = Date.now(); // cache age is process time, not business time
    if (this.#cache && now - this.#cache.loadedAt < RATES_TTL_MS) return this.#cache.rates;
    const rates = await listRates(this.db);
    this.#cache = { rates, loadedAt: now };
    return rates;
  }

  /**
   * Adds rate rows (a new period, a US state rule…). Existing periods are left
   * alone: history is corrected by adding rows, not by rewriting them.
   */
  async add(rates: readonly TaxRate[], createdBy: string | null = null): Promise<number> {
    for (const r of rates) {
      const valid =
        /^[A-Z]{2}$/.test(r.country) &&
        (r.region === null || /^[A-Z0-9]{1,3}$/.test(r.region)) &&
        Number.isSafeInteger(r.ratePpm) &&
        r.ratePpm >= 0 &&
        r.ratePpm <= MAX_RATE_PPM &&
        isDay(r.validFrom) &&
        (r.validTo === null || (isDay(r.validTo) && r.validTo > r.validFrom));
      if (!valid) throw new AppError('VALIDATION_FAILED', `Not a valid tax rate: ${JSON.stringify(r)}`);
    }
    const added = await insertMissingRates(
      this.db,
      rates.map((r) => ({ ...r, id: newId('txr', this.ctx.clock) })),
      this.ctx.clock.now(),
      createdBy,
    );
    this.#cache = undefined;
    return added;
  }

  invalidate(): void {
    this.#cache = undefined;
  }
}

export interface QuoteOptions {
  /** The order's date (default: now, from the clock). */
  at?: Date;
  /** Join the caller's transaction (checkout): the VAT verification record commits with it. */
  trx?: DbHandle;
  /**
   * Items already priced by the caller, instead of the catalog's current prices: a renewal
   * at the subscription's own (possibly archived) price, a prorated plan change. Server-side
   * only: no route passes it.
   */
  priced?: readonly PricedItem[];
}

type RegistrationNumber =
  | { scheme: 'vat'; id: string; country: string; vatId: VatId }
  | { scheme: 'gst_hst'; id: string; country: string };

/** Tax quotes: catalog prices × the jurisdiction's rules, per line. */
export class TaxQuoteService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly rates: TaxRateService,
    private readonly prices: PriceSource,
    private readonly vat: VatVerificationService,
    private readonly calculator: TaxCalculator,
  ) {}

  async quote(request: QuoteRequest, options: QuoteOptions = {}): Promise<TaxQuote> {
    const { currency } = request;
    const customer = { ...request.customer, region: request.customer.region?.toUpperCase() || undefined };
    const day = dayOf(options.at ?? this.ctx.clock.now());
    const seller = this.ctx.config.sellerCountry;

    // Everything that can reject the request is checked before anything is written.
    const items = options.priced ? [...options.priced] : await this.#price(request);
    const number = this.#registrationNumber(customer);
    const rates = await this.rates.all();
    const base: TaxCustomer = {
      country: customer.country,
      region: customer.region,
      business: customer.business,
    };
    const withStatus = (status: VatStatus): TaxCustomer =>
      number ? { ...base, vat: { id: number.id, country: number.country, status } } : base;
    // Dry run with a VAT ID pending: a missing province or rate fails here, before the record is written.
    let decision = decideTax({
      sellerCountry: seller,
      customer: withStatus(number?.scheme === 'gst_hst' ? 'valid' : 'pending'),
      rates,
      day,
    });

    let vat: TaxQuote['vat'] = { status: 'not_provided' };
    if (number && seller === customer.country) {
      // A domestic sale is taxed whatever the number's standing: it is not sent to a registry.
      vat = { status: 'not_required', vatId: number.id };
    } else if (number?.scheme === 'vat') {
      // Only a reverse-charge candidate needs the registry's word.
      const status = await this.vat.requestVerification(number.vatId, options.trx);
      decision = decideTax({ sellerCountry: seller, customer: withStatus(status.status), rates, day });
      const state: VatIdState = status.status === 'valid' ? 'valid' : 'pending';
      vat = { status: state, vatId: number.id, ...(status.source ? { source: status.source } : {}) };
    } else if (number) {
      // A GST/HST number is checked by format and check digit only (no CRA API): said so in `source`.
      vat = { status: 'valid', vatId: number.id, source: 'local-format' };
    }

    const calc = await this.calculator.calculate({
      currency,
      customer,
      decision,
      vatId:
        decision.reason === 'reverse_charge' || decision.reason === 'self_assessed' ? number?.id : undefined,
      items,
    });
    return {
      currency,
      date: day,
      sellerCountry: seller,
      lines: calc.lines,
      // Always the sum of the lines, whoever computed them.
      totals: totalsOf(calc.lines),
      notes: calc.notes,
      vat,
      calculation: { provider: calc.provider, ...(calc.reference ? { reference: calc.reference } : {}) },
      evidence: {
        billingCountry: customer.country,
        region: customer.region ?? null,
        postalCode: customer.postalCode ?? null,
        reason: decision.reason,
      },
    };
  }

  /**
   * The business customer's tax number, parsed, or undefined when there is
   * none or it plays no part (a consumer; a country whose rules ignore it).
   * Malformed, or from another country: 400 VAT_ID_INVALID.
   */
  #registrationNumber(customer: QuoteRequest['customer']): RegistrationNumber | undefined {
    if (!customer.business || !customer.vatId) return undefined;
    const country = customer.country;
    if (isEuMemberState(country) || country === 'GB') {
      const vatId = this.vat.parse(customer.vatId, country);
      if (vatId.country !== country) {
        throw new AppError(
          'VAT_ID_INVALID',
          `The VAT ID ${vatId.id} is from ${vatId.country}, not from the billing country ${country}.`,
        );
      }
      return { scheme: 'vat', id: vatId.id, country, vatId };
    }
    if (country === 'CA') {
      const r = parseGstHstNumber(customer.vatId);
      if (!r.ok) throw new AppError('VAT_ID_INVALID', `The GST/HST number ${r.reason}.`);
      return { scheme: 'gst_hst', id: r.id, country };
    }
    return undefined;
  }

  async #price(request: QuoteRequest): Promise<PricedItem[]> {
    const found = await Promise.all(request.items.map((i) => this.prices.price(i.sku, request.currency)));
    const unknown: ErrorDetail[] = [];
    const items: PricedItem[] = [];
    request.items.forEach((item, index) => {
      const price = found[index];
      if (!price) {
        unknown.push({
          path: `/items/${index}/sku`,
          message: `${item.sku} is not a buyable SKU with a ${request.currency} price`,
        });
      } else {
        items.push({ sku: item.sku, quantity: item.quantity, ...price });
      }
    });
    if (unknown.length) throw new AppError('UNKNOWN_SKU', undefined, { details: unknown });
    return items;
  }
}
