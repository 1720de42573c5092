import Type from 'typebox';
import { CURRENCIES } from '../../platform/money.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

/**
 * Cart and checkout JSON. Closed objects: a price, total or any other field
 * the client adds is refused (400 VALIDATION_FAILED); prices always come from
 * the catalog. The only numbers a client sends are quantities.
 */

const closed = { additionalProperties: false } as const;

export const Sku = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Z0-9]+(-[A-Z0-9]+)+$' });
export const CurrencySchema = Type.Enum([...CURRENCIES], { description: 'ISO 4217 currency.' });
const Quantity = Type.Integer({
  minimum: 1,
  maximum: 1000,
  description: 'Seats (per-seat items, 1–1000) or 1.',
});

export const AddItemBody = Type.Object(
  { sku: Sku, quantity: Quantity, currency: Type.Optional(CurrencySchema) },
  closed,
);
export const QuantityBody = Type.Object({ quantity: Quantity }, closed);
export const CurrencyBody = Type.Object({ currency: CurrencySchema }, closed);
export const SkuParams = Type.Object({ sku: Sku }, closed);

export const CartJson = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer({ description: 'Grows with every change; send it back with the checkout.' }),
  currency: CurrencySchema,
  status: Type.Enum(['open', 'empty']),
  lines: Type.Array(
    Type.Object({
      sku: Type.String(),
      name: Type.String(),
      quantity: Type.Integer({ description: 'Per-seat items: the number of seats.' }),
      perSeat: Type.Boolean(),
      maxSeats: Type.Union([Type.Integer(), Type.Null()], {
        description:
          'Per-seat items: the most seats this line may hold (the edition’s cap); null: bought once.',
      }),
      interval: Type.Union([Type.Enum(['month', 'year']), Type.Null()], {
        description: 'Recurring items: the price (per seat, for per-seat items) is for this period.',
      }),
      unitAmount: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Catalog price of one unit (one seat, for per-seat items), minor units.',
      }),
      amount: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  subtotal: Type.Integer({ description: 'Net, before tax, minor units.' }),
});

const text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
export const BillingSchema = Type.Object(
  {
    name: text(100),
    organization: Type.Optional(text(100, 0)),
    email: Type.String({ format: 'email', maxLength: 254 }),
    line1: text(200),
    line2: Type.Optional(text(200, 0)),
    city: text(100),
    postalCode: Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 (GB, not UK).' }),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 3, pattern: '^[A-Za-z0-9]{1,3}$' })),
    vatId: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    business: Type.Boolean({ description: 'Buying as a business (true) or as a consumer.' }),
  },
  closed,
);

export const QuoteBody = Type.Object({ billing: BillingSchema }, closed);
export const CheckoutBody = Type.Object(
  {
    billing: BillingSchema,
    cartId: Type.Optional(Type.String({ pattern: '^crt_[0-9a-hjkmnp-tv-z]{26}$' })),
    cartVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_000_000_000 })),
  },
  closed,
);

export const QuoteJson = Type.Object({
  cartId: Type.String(),
  cartVersion: Type.Integer(),
  currency: CurrencySchema,
  lines: Type.Array(
    Type.Object({
      sku: Type.String(),
      name: Type.String(),
      quantity: Type.Integer(),
      unitAmount: Type.Integer(),
      net: Type.Integer(),
      taxRate: Type.Integer({ description: 'Basis points.' }),
      taxAmount: Type.Integer(),
      reason: Type.String(),
      jurisdiction: Type.String(),
    }),
  ),
  totals: Type.Object({ net: Type.Integer(), tax: Type.Integer(), gross: Type.Integer() }),
  notes: Type.Array(Type.String()),
  vat: Type.Object({ status: Type.String(), vatId: Type.Optional(Type.String()) }),
});

export const CheckoutJson = Type.Object({
  orderId: Type.String(),
  orderNumber: Type.String(),
  state: Type.String(),
  currency: Type.String(),
  totals: Type.Object({ net: Type.Integer(), tax: Type.Integer(), gross: Type.Integer() }),
  payUrl: Type.Union([Type.String(), Type.Null()]),
  confirmationUrl: Type.String(),
  created: Type.Boolean(),
});
