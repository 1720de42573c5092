import type { Currency } from '../../platform/money.ts';
import type { TaxDecision } from './domain/jurisdiction.ts';
import { type PricedItem, priceLines, type TaxLine } from './domain/quote.ts';

/**
 * Who computes the amounts once the built-in rules have decided the
 * jurisdiction and the VAT ID's standing: the built-in engine (default), or
 * Stripe Tax when the payments part configures Stripe (stripe-tax.ts).
 */
export interface CalculationInput {
  currency: Currency;
  customer: { country: string; region?: string | undefined; postalCode?: string | undefined };
  /** The built-in decision: the engine applies it; Stripe gets the VAT ID only when it says reverse charge. */
  decision: TaxDecision;
  /** The verified VAT ID (reverse charge) or GST/HST number (self-assessed), when the decision says so. */
  vatId?: string | undefined;
  items: readonly PricedItem[];
}

export interface Calculation {
  lines: TaxLine[];
  notes: string[];
  provider: 'builtin' | 'stripe';
  /** The provider's calculation id (Stripe: taxcalc_…), to turn into a transaction at payment. */
  reference?: string;
}

export interface TaxCalculator {
  readonly provider: Calculation['provider'];
  calculate(input: CalculationInput): Promise<Calculation>;
}

export const builtinCalculator: TaxCalculator = {
  provider: 'builtin',
  calculate: async (input) => ({
    lines: priceLines(input.items, input.decision).lines,
    notes: input.decision.notes,
    provider: 'builtin',
  }),
};
