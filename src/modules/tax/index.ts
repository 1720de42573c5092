import { ConfigError } from '../../config.ts';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { Currency } from '../../platform/money.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { PricedItem } from './domain/quote.ts';
import type { TaxRate } from './domain/rates.ts';
import { parseVatId, type VatId } from './domain/vat-id.ts';
import type {
  PriceSource,
  QuoteCustomer,
  QuoteRequest,
  TaxQuote,
  VerificationStatus,
} from './tax.contract.ts';
import { registerTaxRoutes } from './tax.routes.ts';
import { taxRateSeeder } from './tax.seeder.ts';
import { type QuoteOptions, TaxQuoteService, TaxRateService } from './tax.service.ts';
import type { TaxDb } from './tax.tables.ts';
import { registerTaxAdminPages } from './tax-admin.pages.tsx';
import { registerTaxAdminRoutes } from './tax-admin.routes.ts';
import { builtinCalculator, type TaxCalculator } from './tax-calculator.ts';
import { checkTaxNumber, type TaxNumberStatus, taxNumberStatus } from './tax-numbers.ts';
import { TaxRateAdminService } from './tax-rates-admin.service.ts';
import { localFormatRegistry, type VatRegistry, ViesRestRegistry } from './vat-registry.ts';
import { VatVerificationService, VERIFY_VAT_JOB, VERIFY_VAT_SWEEP_JOB } from './vat-verification.service.ts';

export {
  CA_SELF_ASSESSMENT_MENTION,
  REVERSE_CHARGE_MENTION,
  TAX_REASONS,
  type TaxReason,
  UK_REVERSE_CHARGE_MENTION,
} from './domain/jurisdiction.ts';
export {
  PRODUCT_KINDS,
  type PricedItem,
  type ProductKind,
  TAX_CODES,
  type TaxComponent,
  type TaxLine,
  type Totals,
} from './domain/quote.ts';
export type { TaxKind, TaxRate } from './domain/rates.ts';
export { StripeTaxCalculator } from './stripe-tax.ts';
export type * from './tax.contract.ts';
export type { TaxTables } from './tax.tables.ts';
export {
  builtinCalculator,
  type Calculation,
  type CalculationInput,
  type TaxCalculator,
} from './tax-calculator.ts';
export type { TaxNumberStatus } from './tax-numbers.ts';
export type { RegistryAnswer, VatRegistry } from './vat-registry.ts';
export { VERIFY_VAT_JOB, VERIFY_VAT_SWEEP_JOB };

export interface TaxModule extends AppModule {
  name: 'tax';
  /** A quote for a basket; checkout passes its transaction and the order's date. Needs a PriceSource. */
  quote(request: QuoteRequest, options?: QuoteOptions): Promise<TaxQuote>;
  /** A quote for items the caller priced (renewals at the subscription's price, prorations). */
  quotePriced(
    items: readonly PricedItem[],
    currency: Currency,
    customer: QuoteCustomer,
    options?: Omit<QuoteOptions, 'priced'>,
  ): Promise<TaxQuote>;
  /** Starts (or reuses) the VIES check of a VAT ID and returns its current status; 400 VAT_ID_INVALID if malformed. */
  requestVerification(vatId: string, trx?: DbHandle): Promise<VerificationStatus>;
  /** The recorded status of a VAT ID, or undefined if it was never checked. */
  verificationStatus(vatId: string): Promise<VerificationStatus | undefined>;
  /**
   * A customer's tax number for a billing country, checked as checkout checks it (EU/UK VAT IDs
   * through the registry, `pending` while VIES cannot answer; GST/HST by format; others kept
   * `unchecked`); 400 VAT_ID_INVALID when malformed. With `trx` the check's record commits with it.
   */
  checkTaxNumber(raw: string, country: string, trx?: DbHandle): Promise<TaxNumberStatus>;
  /** The current status of a number `checkTaxNumber` accepted before (reads only). */
  taxNumberStatus(id: string, country: string): Promise<TaxNumberStatus>;
  /** Rates as data: every period, and adding new ones (a US state rule, a rate change). */
  rates: {
    all(): Promise<TaxRate[]>;
    add(rates: readonly TaxRate[], createdBy?: string | null): Promise<number>;
  };
}

export interface TaxModuleDeps {
  /** Catalog prices. Without one, the quote route is not registered (and `quote` throws). */
  prices?: PriceSource | undefined;
  /** Overrides the registry chosen from VIES_URL (tests). */
  registry?: VatRegistry;
  /** Computes the amounts; default the built-in engine. `new StripeTaxCalculator(stripe)` when Stripe is configured. */
  calculator?: TaxCalculator;
  /** Staff guards and pages' chrome, and the audit log: with both, the staff tax-rate routes are served. */
  accounts?: AccountsModule;
  audit?: AuditModule;
}

/** SELLER_VAT_ID as VIES wants it (prefix and number); config.ts already refused an invalid one. */
function sellerVatId(raw: string | undefined): VatId | undefined {
  if (!raw) return undefined;
  const r = parseVatId(raw);
  if (!r.ok) throw new ConfigError([`SELLER_VAT_ID is not a valid EU VAT number: it ${r.reason}`]);
  return r.vatId;
}

export function createTaxModule(ctx: PlatformContext, deps: TaxModuleDeps = {}): TaxModule {
  const db = ctx.db.withTables<TaxDb>();
  const requester = sellerVatId(ctx.config.sellerVatId);
  const registry =
    deps.registry ??
    (ctx.config.viesUrl
      ? new ViesRestRegistry(ctx.config.viesUrl, ctx.config.viesTimeoutMs, { requester })
      : localFormatRegistry);
  const rates = new TaxRateService(ctx, db);
  const vat = new VatVerificationService(ctx, db, registry);
  const admin = deps.audit ? new TaxRateAdminService(ctx, db, rates, deps.audit) : undefined;
  const quotes = deps.prices
    ? new TaxQuoteService(ctx, rates, deps.prices, vat, deps.calculator ?? builtinCalculator)
    : undefined;

  ctx.jobs.define<{ vatId: string }>({
    name: VERIFY_VAT_JOB,
    // VIES outages last minutes to hours: 10 retries, doubling from VIES_RETRY_DELAY_SECONDS.
    retryLimit: 10,
    retryDelaySeconds: ctx.config.viesRetryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    handler: async ({ vatId }) => vat.runCheck(vatId),
  });
  ctx.jobs.define({
    name: VERIFY_VAT_SWEEP_JOB,
    cron: '41 * * * *',
    retryLimit: 2,
    handler: async () => {
      const requeued = await vat.sweep();
      if (requeued) ctx.log.warn({ requeued }, 'pending VAT ID checks queued again');
    },
  });

  return {
    name: 'tax',
    seeders: [taxRateSeeder(ctx.clock)],
    quote: (request, options) => {
      if (!quotes) throw new Error('The tax module was created without a PriceSource');
      return quotes.quote(request, options);
    },
    quotePriced: (items, currency, customer, options) => {
      if (!quotes) throw new Error('The tax module was created without a PriceSource');
      return quotes.quote(
        { items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })), currency, customer },
        { ...options, priced: items },
      );
    },
    requestVerification: (vatId, trx) => vat.requestVerification(vatId, trx),
    verificationStatus: (vatId) => vat.verificationStatus(vatId),
    checkTaxNumber: (raw, country, trx) => checkTaxNumber(vat, raw, country, trx),
    taxNumberStatus: (id, country) => taxNumberStatus(vat, id, country),
    rates: { all: () => rates.all(), add: (r, by) => rates.add(r, by ?? null) },
    async registerRoutes(app: HttpServer) {
      if (quotes) registerTaxRoutes(app, { quotes });
      else ctx.log.warn('tax: no PriceSource wired, POST /api/v1/tax/quote is not served');
      if (admin && deps.accounts) {
        registerTaxAdminRoutes(app, { admin, accounts: deps.accounts });
        registerTaxAdminPages(app, { admin, accounts: deps.accounts, today: () => ctx.clock.now() });
      }
    },
  };
}
