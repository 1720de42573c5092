import Type, { type Static, type TSchema } from 'typebox';
import { ID_PATTERN } from '../../platform/ids.ts';
import { QUOTE_STATUSES, STATUS_NOTE_MAX } from './domain/quote-status.ts';
import { PRODUCT_TYPES } from './domain/types.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

/**
 * Request and response schemas of the catalog's JSON API. Every request
 * object is closed (an unknown field is a 400) and every string bounded.
 */

const closed = { additionalProperties: false } as const;

export const ProductTypeSchema = Type.Enum([...PRODUCT_TYPES], {
  description:
    'How the product reaches the buyer, which decides the activation steps of the delivery mail: `desktop_software` (download, install, enter the key), `web_service` (hosted by FHIR IQ: sign in, enter the key), `training_course`, `consulting`, or `bundle` (each component by its own type).',
});

export const CurrencySchema = Type.Union(
  [Type.Literal('USD'), Type.Literal('EUR'), Type.Literal('GBP'), Type.Literal('CAD')],
  { description: 'ISO 4217 currency.' },
);
/** The shape is checked by the SKU parser (against the codes the catalog defines), which says what is wrong. */
export const SkuCode = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'A SKU code, CATEGORY-PRODUCT-EDITION-TERM (e.g. `TL-MAPPER-PR-A`).',
});
/** Minor units; at most 1,000,000,000.00. */
export const Amount = Type.Integer({
  minimum: 1,
  maximum: 100_000_000_000,
  description: 'Minor units (cents).',
});
const DateTime = Type.String({ format: 'date-time' });

// ---- public --------------------------------------------------------------------------------------------------

export const CatalogQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'TL, TR, CS or BN.' })),
    currency: Type.Optional(CurrencySchema),
  },
  closed,
);
export const SkuQuery = Type.Object({ currency: Type.Optional(CurrencySchema) }, closed);
export const SkuParams = Type.Object({ sku: SkuCode }, closed);

const Prices = Type.Object(
  {
    USD: Type.Optional(Type.Integer()),
    EUR: Type.Optional(Type.Integer()),
    GBP: Type.Optional(Type.Integer()),
    CAD: Type.Optional(Type.Integer()),
  },
  { ...closed, description: 'Active price per currency, in minor units.' },
);
const LimitValue = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
const LimitsOut = Type.Record(Type.String(), LimitValue, {
  description: 'The edition\u2019s limits: a number, `unlimited`, a flag, or a level.',
});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Code = Type.Object({ code: Type.String(), name: Type.String() }, closed);

const Fulfillment = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('license'),
      licenseType: Type.Union([Type.Literal('SEAT'), Type.Literal('ORGANIZATION'), Type.Literal('USAGE')]),
    },
    closed,
  ),
  Type.Object(
    {
      kind: Type.Literal('training'),
      format: Type.Union([Type.Literal('self_paced'), Type.Literal('live')]),
      hours: Nullable(Type.Integer()),
      seatsPerUnit: Type.Integer(),
      accessMonths: Nullable(Type.Integer({ description: 'null: lifetime access' })),
    },
    closed,
  ),
  Type.Object(
    {
      kind: Type.Literal('consulting'),
      engagement: Type.Union([Type.Literal('hours'), Type.Literal('fixed_scope'), Type.Literal('project')]),
      hours: Nullable(Type.Integer()),
      expiryMonths: Nullable(Type.Integer({ description: 'Months in which the hours must be used.' })),
    },
    closed,
  ),
  Type.Object({ kind: Type.Literal('bundle') }, closed),
]);

const BundlePricing = Type.Object(
  {
    currency: CurrencySchema,
    price: Nullable(Type.Integer()),
    individualPrice: Nullable(Type.Integer({ description: 'Sum of the components\u2019 real prices.' })),
    savings: Nullable(Type.Integer({ description: 'null when the bundle saves nothing.' })),
    savingsPercent: Nullable(Type.Integer()),
  },
  closed,
);

export const CatalogEntrySchema = Type.Object(
  {
    sku: Type.String(),
    name: Type.String(),
    description: Type.String(),
    product: Type.Object(
      {
        key: Type.String(),
        slug: Type.String(),
        name: Type.String(),
        kind: Type.String(),
        type: ProductTypeSchema,
      },
      closed,
    ),
    category: Type.String(),
    edition: Nullable(Code),
    term: Nullable(Code),
    purchase: Type.Union([Type.Literal('buyable'), Type.Literal('contact_sales')]),
    billing: Type.Union([Type.Literal('recurring'), Type.Literal('one_time')]),
    interval: Nullable(Type.Union([Type.Literal('month'), Type.Literal('year')])),
    perSeat: Type.Boolean({
      description: 'The line quantity is a number of seats and the price is per seat (and per period).',
    }),
    maxSeats: Nullable(
      Type.Integer({
        description:
          'Per-seat items: the most seats one purchase may carry (a tool edition’s `users` limit; beyond it, the next edition or a quote). null: bought once (quantity 1).',
      }),
    ),
    fulfillment: Fulfillment,
    limits: Nullable(LimitsOut),
    features: Type.Array(Type.String()),
    prices: Prices,
    bundle: Nullable(
      Type.Object(
        {
          items: Type.Array(
            Type.Object(
              { sku: Type.String(), name: Type.String(), quantity: Type.Integer(), prices: Prices },
              closed,
            ),
          ),
          pricing: Type.Array(BundlePricing),
        },
        closed,
      ),
    ),
  },
  closed,
);
export const CatalogList = Type.Object(
  { version: Type.Integer(), items: Type.Array(CatalogEntrySchema) },
  closed,
);

// ---- staff ---------------------------------------------------------------------------------------------------

export const PriceSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    currency: CurrencySchema,
    amount: Type.Integer(),
    status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
    createdAt: DateTime,
    archivedAt: Nullable(DateTime),
  },
  closed,
);
export const PriceParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN, maxLength: 40 }) }, closed);
export const CreatePriceBody = Type.Object(
  { sku: SkuCode, currency: CurrencySchema, amount: Amount },
  closed,
);
export const ChangePriceBody = Type.Object({ amount: Amount }, closed);
export const EmptyBody = Type.Object({}, closed);

const LimitsIn = Type.Record(
  Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,39}$' }),
  Type.Union([
    Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    Type.Boolean(),
    Type.String({ minLength: 1, maxLength: 40 }),
  ]),
  { ...closed, maxProperties: 30, description: 'The whole set of limits (replaces the old one).' },
);
export const SkuPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
    limits: Type.Optional(LimitsIn),
  },
  { ...closed, minProperties: 1 },
);
export const ProductParams = Type.Object(
  { key: Type.String({ pattern: '^[A-Z0-9]+-[A-Z0-9]+$', maxLength: 40 }) },
  closed,
);
export const ProductPatchBody = Type.Object({ type: ProductTypeSchema }, closed);
export const ProductAdminSchema = Type.Object(
  {
    key: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    type: ProductTypeSchema,
  },
  closed,
);
export const BundleItemsBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ sku: SkuCode, quantity: Type.Integer({ minimum: 1, maximum: 1000 }) }, closed),
      {
        minItems: 1,
        maxItems: 50,
      },
    ),
  },
  closed,
);

export const SkuAdminSchema = Type.Object(
  {
    sku: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
    purchase: Type.Union([Type.Literal('buyable'), Type.Literal('contact_sales')]),
    limits: Nullable(LimitsOut),
    prices: Type.Array(PriceSchema, { description: 'Every price the SKU ever had, archived ones included.' }),
  },
  closed,
);
export const BundleItemsSchema = Type.Object(
  { items: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer() }, closed)) },
  closed,
);
export const IssuesSchema = Type.Object(
  {
    issues: Type.Array(
      Type.Object(
        {
          severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
          code: Type.String(),
          subject: Type.String(),
          currency: Type.Optional(CurrencySchema),
          message: Type.String(),
        },
        closed,
      ),
    ),
  },
  closed,
);

// ---- quotes --------------------------------------------------------------------------------------------------

export const QuoteBody = Type.Object(
  {
    sku: SkuCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    organization: Type.Optional(Type.String({ maxLength: 200 })),
    message: Type.String({ minLength: 1, maxLength: 5000 }),
    website: Type.Optional(
      Type.String({ maxLength: 200, description: 'Leave empty. (A field people never see: bots fill it.)' }),
    ),
  },
  closed,
);
export type QuoteBodyInput = Static<typeof QuoteBody>;
export const QuoteAccepted = Type.Object(
  { status: Type.Literal('accepted'), message: Type.String() },
  closed,
);
export const QuoteSchema = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    email: Type.String(),
    organization: Nullable(Type.String()),
    message: Type.String(),
    status: Type.String({ description: 'new, contacted, won or lost.' }),
    createdAt: DateTime,
    statusNote: Nullable(Type.String({ description: 'The note of the latest status change.' })),
    statusChangedAt: Nullable(DateTime),
    statusChangedBy: Nullable(Type.String({ description: 'Email of the staff member who made it.' })),
  },
  closed,
);
export const QuoteParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN, maxLength: 40 }) }, closed);
export const QuoteStatusBody = Type.Object(
  {
    status: Type.Enum([...QUOTE_STATUSES], {
      description: 'The next status: new → contacted → won | lost (won and lost are final).',
    }),
    note: Type.Optional(Type.String({ maxLength: STATUS_NOTE_MAX, description: 'Why, for the team.' })),
  },
  closed,
);
export const QuoteListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  closed,
);

// ---- errors --------------------------------------------------------------------------------------------------
