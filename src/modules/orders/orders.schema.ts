import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { ORDER_STATES } from './domain/state.ts';
import type { OrderViewer } from './orders.repository.ts';
import type { Order } from './orders.service.ts';
import type { OrderRow } from './orders.tables.ts';

export { errorResponses as errors } from '../../platform/http/schemas.ts';

const closed = { additionalProperties: false } as const;

export const OrderIdParams = Type.Object(
  { id: Type.String({ pattern: '^ord_[0-9a-hjkmnp-tv-z]{26}$' }) },
  closed,
);

const OrderLineJson = Type.Object({
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitAmount: Type.Integer(),
  net: Type.Integer(),
  taxRate: Type.Integer({ description: 'Basis points (1900 = 19 %), rounded: see taxRatePercent.' }),
  taxRatePercent: Type.String({ description: 'The exact combined rate, percent ("14.975").' }),
  taxComponents: Type.Array(
    Type.Object({
      kind: Type.String(),
      jurisdiction: Type.String(),
      label: Type.String(),
      ratePercent: Type.String(),
      amount: Type.Integer(),
    }),
    {
      description:
        'Each tax on the line, rounded on its own (Quebec: GST and QST); empty under reverse charge.',
    },
  ),
  taxAmount: Type.Integer(),
  gross: Type.Integer(),
  taxReason: Type.String(),
  jurisdiction: Type.String(),
});

export const OrderSummaryJson = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'Human order number, e.g. FIQ-2026-000123.' }),
  state: Type.Enum([...ORDER_STATES]),
  currency: Type.String(),
  totals: Type.Object({ net: Type.Integer(), tax: Type.Integer(), gross: Type.Integer() }),
  refundedTotal: Type.Integer({ description: 'Gross amount refunded so far, minor units.' }),
  createdAt: Type.String({ format: 'date-time' }),
  paidAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  organizationId: Type.Union([Type.String(), Type.Null()], {
    description: 'The organization it was bought for; null: a personal order.',
  }),
});

export const OrderJson = Type.Object({
  ...OrderSummaryJson.properties,
  lines: Type.Array(OrderLineJson),
  billing: Type.Object({
    name: Type.String(),
    organization: Type.Union([Type.String(), Type.Null()]),
    email: Type.String(),
    line1: Type.String(),
    line2: Type.Union([Type.String(), Type.Null()]),
    city: Type.String(),
    postalCode: Type.String(),
    country: Type.String(),
    region: Type.Union([Type.String(), Type.Null()]),
    business: Type.Boolean(),
  }),
  vat: Type.Object({
    id: Type.Union([Type.String(), Type.Null()]),
    status: Type.String({ description: 'not_provided, not_required, pending_verification or valid.' }),
  }),
  taxNotes: Type.Array(Type.String()),
  paymentError: Type.Union([Type.String(), Type.Null()]),
});

export const OrderList = Type.Object({ items: Type.Array(OrderSummaryJson) });

export const AdminOrderQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    state: Type.Optional(Type.Enum([...ORDER_STATES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  closed,
);

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const orderSummaryJson = (o: OrderRow) => ({
  id: o.id,
  number: o.number,
  state: o.state,
  currency: o.currency,
  totals: { net: Number(o.net_total), tax: Number(o.tax_total), gross: Number(o.gross_total) },
  refundedTotal: Number(o.refunded_total),
  createdAt: iso(o.created_at)!,
  paidAt: iso(o.paid_at),
  organizationId: o.organization_id ?? null,
});

export const orderJson = ({ row, lines }: Order) => ({
  ...orderSummaryJson(row),
  lines: lines.map((l) => ({
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    unitAmount: Number(l.unit_amount),
    net: Number(l.net),
    taxRate: l.tax_rate_bp,
    taxRatePercent: l.tax_rate_percent ?? String(l.tax_rate_bp / 100),
    taxComponents: l.tax_components ?? [],
    taxAmount: Number(l.tax_amount),
    gross: Number(l.gross),
    taxReason: l.tax_reason,
    jurisdiction: l.jurisdiction,
  })),
  billing: {
    name: row.billing.name,
    organization: row.billing.organization,
    email: row.billing.email,
    line1: row.billing.line1,
    line2: row.billing.line2,
    city: row.billing.city,
    postalCode: row.billing.postalCode,
    country: row.billing.country,
    region: row.billing.region,
    business: row.billing.business,
  },
  vat: { id: row.vat_id, status: row.vat_status },
  taxNotes: row.tax_notes,
  paymentError: row.last_payment_error,
});

/**
 * The signed-in caller as an order reader: their own orders, and every order of the organizations
 * where they hold `org.orders.read` (owners, admins, billing). The repository filters by it.
 */
export function viewerOf(request: FastifyRequest, accounts: AccountsModule): OrderViewer {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return { userId: actor.userId, orgIds: accounts.orgIdsWith(actor, 'org.orders.read') };
}
