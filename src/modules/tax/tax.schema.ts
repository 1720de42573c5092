import Type, { type Static } from 'typebox';
import { CURRENCIES } from '../../platform/money.ts';
import { ISO_COUNTRIES } from './domain/countries.ts';
import { TAX_REASONS } from './domain/jurisdiction.ts';
import { TAX_KINDS } from './domain/rates.ts';

/**
 * The tax quote API. Closed objects (an unknown field, such as a price sent by
 * the client, is a 400) and bounded values: the only numbers a client sends
 * are quantities.
 */

const closed = { additionalProperties: false } as const;

export const Sku = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Z0-9]+(-[A-Z0-9]+)+$' });
export const CurrencySchema = Type.Enum([...CURRENCIES], { description: 'ISO 4217 currency.' });
export const Country = Type.Enum([...ISO_COUNTRIES], {
  description: 'ISO 3166-1 alpha-2 country code (GB, not UK).',
});

export const QuoteBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          sku: Sku,
          quantity: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Units or seats.' }),
        },
        closed,
      ),
      { minItems: 1, maxItems: 50 },
    ),
    currency: CurrencySchema,
    customer: Type.Object(
      {
        country: Country,
        region: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 3,
            pattern: '^[A-Za-z0-9]{1,3}$',
            description: 'Province or state code (ISO 3166-2 suffix): required in Canada (ON, QC…).',
          }),
        ),
        postalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' })),
        vatId: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 40,
            description:
              'The business customer’s tax number: an EU VAT ID (with or without the member state prefix, EL for Greece), a UK VAT number (GB…), or a Canadian GST/HST number (123456789 RT 0001). Ignored for consumers and other countries.',
          }),
        ),
        business: Type.Boolean({ description: 'Buying as a business (true) or as a consumer.' }),
      },
      closed,
    ),
  },
  closed,
);
export type QuoteBodyInput = Static<typeof QuoteBody>;

const Minor = Type.Integer({ minimum: 0, description: 'Minor units (cents).' });
const Percent = Type.String({
  pattern: '^\\d{1,3}(\\.\\d{1,4})?$',
  description: 'Percent, exact decimal: "9.975".',
});

const Component = Type.Object(
  {
    kind: Type.Enum([...TAX_KINDS]),
    jurisdiction: Type.String({ description: 'Who levies it: CA (GST), CA-QC (QST), CA-ON (HST), DE…' }),
    label: Type.String(),
    ratePercent: Percent,
    amount: Minor,
  },
  { ...closed, description: 'One tax on the line, rounded half-up on its own.' },
);

export const QuoteResponse = Type.Object(
  {
    currency: CurrencySchema,
    date: Type.String({ format: 'date', description: 'The day whose rates were used.' }),
    sellerCountry: Type.String(),
    lines: Type.Array(
      Type.Object(
        {
          sku: Type.String(),
          name: Type.String(),
          quantity: Type.Integer(),
          unitAmount: Minor,
          net: Minor,
          taxRate: Type.Integer({
            minimum: 0,
            maximum: 10_000,
            description:
              'Basis points: 19 % = 1900; every component together, rounded half-up (Quebec’s 14.975 % is 1498). The exact rate is `taxRatePercent`.',
          }),
          taxRatePercent: Percent,
          taxAmount: Type.Integer({
            minimum: 0,
            description: 'Minor units: the sum of `components[].amount`.',
          }),
          components: Type.Array(Component),
          jurisdiction: Type.String({ description: 'DE, GB, CA-ON, US-WA, US…' }),
          reason: Type.Enum([...TAX_REASONS]),
          taxCode: Type.String({ description: 'Stripe Tax product tax code.' }),
        },
        closed,
      ),
    ),
    totals: Type.Object({ net: Minor, tax: Minor, gross: Minor }, closed),
    notes: Type.Array(Type.String(), {
      description: 'Legal mentions (reverse charge…) to show and invoice.',
    }),
    vat: Type.Object(
      {
        status: Type.Enum(['not_provided', 'not_required', 'pending', 'valid']),
        vatId: Type.Optional(Type.String()),
        source: Type.Optional(Type.Enum(['vies', 'local-format'])),
      },
      closed,
    ),
    calculation: Type.Object(
      { provider: Type.Enum(['builtin', 'stripe']), reference: Type.Optional(Type.String()) },
      closed,
    ),
    evidence: Type.Object(
      {
        billingCountry: Type.String(),
        region: Type.Union([Type.String(), Type.Null()]),
        postalCode: Type.Union([Type.String(), Type.Null()]),
        reason: Type.Enum([...TAX_REASONS]),
      },
      closed,
    ),
  },
  closed,
);

// ---- staff: tax rates ------------------------------------------------------------------------------------------

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD.' });

export const TaxRateSchema = Type.Object(
  {
    id: Type.String(),
    country: Type.String(),
    region: Type.Union([Type.String(), Type.Null()]),
    jurisdiction: Type.String({ description: 'CA-QC, DE…' }),
    kind: Type.Enum([...TAX_KINDS]),
    ratePercent: Percent,
    validFrom: Day,
    validTo: Type.Union([Day, Type.Null()], { description: 'First day without the rate; null while open.' }),
    label: Type.String(),
    status: Type.Enum(['past', 'current', 'future'], { description: 'Relative to today (UTC).' }),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.Union([Type.String(), Type.Null()], { description: 'A user id, or `seed`.' }),
  },
  closed,
);

export const TaxRateListQuery = Type.Object(
  {
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Only this country.' })),
    scope: Type.Optional(
      Type.Enum(['current', 'all'], {
        description: '`current` (default): periods in force today or later; `all`: the whole history.',
      }),
    ),
  },
  closed,
);

/**
 * What staff send. Strings checked by the service (domain/rate-schedule.ts),
 * which names each bad field with TAX_RATE_INVALID, as the page form does.
 */
export const NewTaxRateBody = Type.Object(
  {
    country: Type.String({ maxLength: 10, description: 'ISO 3166-1 alpha-2 (GB, CA…).' }),
    region: Type.Optional(
      Type.Union([Type.String({ maxLength: 10 }), Type.Null()], {
        description: 'Province or state (QC, WA); empty or null for the whole country.',
      }),
    ),
    kind: Type.String({
      maxLength: 10,
      description: 'vat, gst, hst, pst, qst or sales, as the jurisdiction has.',
    }),
    rate: Type.Union([Type.String({ maxLength: 20 }), Type.Number()], {
      description: 'Percent, 0 to 100, at most 4 decimals: "9.975" (a JSON number is read the same way).',
    }),
    validFrom: Type.String({ maxLength: 20, description: 'First day, YYYY-MM-DD, today or later.' }),
    validTo: Type.Optional(
      Type.Union([Type.String({ maxLength: 20 }), Type.Null()], {
        description:
          'First day without it (exclusive), for a temporary rate; the period it replaces resumes then.',
      }),
    ),
    label: Type.String({ maxLength: 200, description: 'Shown on quotes and invoices: "Quebec QST".' }),
  },
  closed,
);

export const ScheduledRateSchema = Type.Object(
  {
    rate: TaxRateSchema,
    closed: Type.Union([TaxRateSchema, Type.Null()], {
      description: 'The period the new rate supersedes, now ending on its start.',
    }),
    resumed: Type.Union([TaxRateSchema, Type.Null()], {
      description: 'That period going on after a temporary rate ends.',
    }),
  },
  closed,
);
