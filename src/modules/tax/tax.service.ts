import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { isEuMemberState } from './domain/countries.ts';
import { decideTax, type TaxCustomer } from './domain/jurisdiction.ts';
import { type PricedItem, totalsOf } from './domain/quote.ts';
import { dayOf, isDay, type TaxRate } from './domain/rates.ts';
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
        Number.isSafeInteger(r.rateBp) &&
        r.rateBp >= 0 &&
        r.rateBp <= 10_000 &&
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
    const euBusiness = customer.business && isEuMemberState(customer.country) && Boolean(customer.vatId);
    const parsed =
      euBusiness && customer.vatId ? this.vat.parse(customer.vatId, customer.country) : undefined;
    if (parsed && parsed.country !== customer.country) {
      throw new AppError(
        'VAT_ID_INVALID',
        `The VAT ID ${parsed.id} is from ${parsed.country}, not from the billing country ${customer.country}.`,
      );
    }
    const rates = await this.rates.all();
    const base: TaxCustomer = {
      country: customer.country,
      region: customer.region,
      business: customer.business,
    };
    // Dry run with the ID pending: a missing province or rate fails here, before the record is written.
    const dry = decideTax({
      sellerCountry: seller,
      customer: parsed
        ? { ...base, vat: { id: parsed.id, country: parsed.country, status: 'pending' } }
        : base,
      rates,
      day,
    });

    let decision = dry;
    let vat: TaxQuote['vat'] = { status: 'not_provided' };
    // Only a reverse-charge candidate needs the registry's word (a domestic sale is taxed anyway).
    if (parsed && seller !== customer.country) {
      const status = await this.vat.requestVerification(parsed, options.trx);
      decision = decideTax({
        sellerCountry: seller,
        customer: { ...base, vat: { id: parsed.id, country: parsed.country, status: status.status } },
        rates,
        day,
      });
      const state: VatIdState = status.status === 'valid' ? 'valid' : 'pending';
      vat = { status: state, vatId: parsed.id, ...(status.source ? { source: status.source } : {}) };
    } else if (parsed) {
      vat = { status: 'not_required', vatId: parsed.id };
    }

    const calc = await this.calculator.calculate({
      currency,
      customer,
      decision,
      vatId: decision.reason === 'reverse_charge' ? parsed?.id : undefined,
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
