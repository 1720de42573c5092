import type { Currency } from '../../platform/money.ts';
import type { TaxReason } from './domain/jurisdiction.ts';
import type { ProductKind, TaxLine, Totals } from './domain/quote.ts';

/** The tax module's public types, for checkout, orders and invoices. */

/** Where prices come from: the catalog (wired in modules/index.ts). Never from the request. */
export interface PriceSource {
  price(
    sku: string,
    currency: Currency,
  ): Promise<{ unitAmount: number; kind: ProductKind; name: string } | undefined>;
}

export interface QuoteCustomer {
  country: string;
  region?: string | undefined;
  postalCode?: string | undefined;
  vatId?: string | undefined;
  business: boolean;
}

export interface QuoteRequest {
  items: { sku: string; quantity: number }[];
  currency: Currency;
  customer: QuoteCustomer;
}

/** not_required: a domestic sale, taxed whatever the ID's status, so it is not sent to VIES. */
export type VatIdState = 'not_provided' | 'not_required' | 'pending' | 'valid';

export interface TaxQuote {
  currency: Currency;
  /** The day whose rates were used (the order's date), YYYY-MM-DD. */
  date: string;
  sellerCountry: string;
  lines: TaxLine[];
  totals: Totals;
  /** Legal mentions (reverse charge…) and explanations, for the quote page and the invoice. */
  notes: string[];
  vat: { status: VatIdState; vatId?: string; source?: 'vies' | 'local-format' };
  /** Who computed the amounts; Stripe's calculation id becomes a tax transaction at payment. */
  calculation: { provider: 'builtin' | 'stripe'; reference?: string };
  /** The evidence an order keeps with this quote. */
  evidence: { billingCountry: string; region: string | null; postalCode: string | null; reason: TaxReason };
}

export interface VerificationStatus {
  vatId: string;
  country: string;
  status: 'pending' | 'valid' | 'invalid';
  source: 'vies' | 'local-format' | null;
  checkedAt: Date | null;
  /** VIES's consultation number (only when SELLER_VAT_ID was sent as the requester). */
  requestIdentifier: string | null;
  /** The requester VAT ID the consultation number was issued to. */
  requesterVatId: string | null;
  registeredName: string | null;
  attempts: number;
  lastError: string | null;
}

export type { StaffContext } from '../audit/index.ts';
