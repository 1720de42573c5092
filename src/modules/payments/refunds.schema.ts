import Type from 'typebox';
import { OrderJson, orderJson } from '../orders/index.ts';
import type { StaffOrderView } from './refunds.service.ts';
import type { RefundRow } from './refunds.tables.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

const closed = { additionalProperties: false } as const;
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A SQL date as YYYY-MM-DD: the driver gives local midnight, so read it back in local time. */
export const dateOnly = (d: Date | string): string =>
  d instanceof Date
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : String(d).slice(0, 10);

/** The largest refund the API even considers (a billion in major units); larger is malformed. */
export const MAX_REFUND_MINOR = 100_000_000_000;

export const RefundBody = Type.Object(
  {
    amount: Type.Integer({
      minimum: 1,
      maximum: MAX_REFUND_MINOR,
      description: 'Gross amount to refund, minor units of the order’s currency (tax included).',
    }),
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: 'Kept with the refund and audited.',
    }),
  },
  closed,
);

export const IdempotencyHeaders = Type.Object(
  {
    'idempotency-key': Type.String({
      minLength: 8,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Required. Repeating a request with the same key answers its first refund (200).',
    }),
  },
  { additionalProperties: true },
);

export const RefundJson = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  paymentId: Type.String(),
  provider: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  net: Type.Integer(),
  tax: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      lineId: Type.String(),
      position: Type.Integer(),
      sku: Type.String(),
      net: Type.Integer(),
      tax: Type.Integer(),
    }),
    { description: 'The refund split over the order’s lines (for the credit note); final once succeeded.' },
  ),
  reason: Type.String(),
  status: Type.Enum(['pending', 'succeeded', 'failed']),
  failureMessage: nullable(Type.String()),
  providerRefundId: nullable(Type.String()),
  requestedBy: nullable(
    Type.String({ description: 'Staff user id; null for a refund made at the provider.' }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  succeededAt: nullable(Type.String({ format: 'date-time' })),
  failedAt: nullable(Type.String({ format: 'date-time' })),
});

export const StaffOrderJson = Type.Object({
  order: OrderJson,
  evidence: Type.Object({
    customerType: Type.String(),
    billingCountry: Type.String(),
    vatId: nullable(Type.String()),
    vatStatus: Type.String(),
    ipAddress: nullable(Type.String()),
    ipCountry: nullable(Type.String()),
    taxDate: Type.String({ format: 'date' }),
  }),
  payment: nullable(
    Type.Object({
      id: Type.String(),
      provider: Type.String(),
      status: Type.String(),
      amount: Type.Integer(),
      currency: Type.String(),
      failureMessage: nullable(Type.String()),
      providerPaymentIntent: nullable(Type.String()),
      attempts: Type.Array(
        Type.Object({
          cardBrand: Type.String(),
          cardLast4: Type.String(),
          outcome: Type.String(),
          declineCode: nullable(Type.String()),
          createdAt: Type.String({ format: 'date-time' }),
        }),
      ),
      events: Type.Array(
        Type.Object({
          id: Type.String(),
          type: Type.String(),
          providerType: nullable(Type.String()),
          receivedAt: Type.String({ format: 'date-time' }),
        }),
      ),
    }),
  ),
  refunds: Type.Array(RefundJson),
  refundable: Type.Integer({ description: 'What can still be refunded now: gross − refunded − pending.' }),
});

export const refundJson = (r: RefundRow) => ({
  id: r.id,
  orderId: r.order_id,
  paymentId: r.payment_id,
  provider: r.provider,
  amount: Number(r.amount),
  currency: r.currency.trim(),
  net: Number(r.net),
  tax: Number(r.tax),
  lines: r.allocation.map((l) => ({ ...l, position: Number(l.position) })),
  reason: r.reason,
  status: r.status,
  failureMessage: r.failure_message,
  providerRefundId: r.provider_refund_id,
  requestedBy: r.requested_by,
  createdAt: iso(r.created_at)!,
  succeededAt: iso(r.succeeded_at),
  failedAt: iso(r.failed_at),
});

const providerTypeOf = (payload: unknown): string | null => {
  const t =
    payload && typeof payload === 'object' ? (payload as { providerType?: unknown }).providerType : null;
  return typeof t === 'string' ? t : null;
};

export const staffOrderJson = (v: StaffOrderView) => {
  const { row } = v.order;
  return {
    order: orderJson(v.order),
    evidence: {
      customerType: row.customer_type,
      billingCountry: row.billing_country,
      vatId: row.vat_id,
      vatStatus: row.vat_status,
      ipAddress: row.ip_address,
      ipCountry: row.ip_country,
      taxDate: dateOnly(row.tax_date),
    },
    payment: v.payment
      ? {
          id: v.payment.id,
          provider: v.payment.provider,
          status: v.payment.status,
          amount: Number(v.payment.amount),
          currency: v.payment.currency.trim(),
          failureMessage: v.payment.failure_message,
          providerPaymentIntent: v.payment.provider_payment_intent,
          attempts: v.attempts.map((a) => ({
            cardBrand: a.card_brand,
            cardLast4: a.card_last4,
            outcome: a.outcome,
            declineCode: a.decline_code,
            createdAt: iso(a.created_at)!,
          })),
          events: v.events.map((e) => ({
            id: e.id,
            type: e.type,
            providerType: providerTypeOf(e.payload),
            receivedAt: iso(e.received_at)!,
          })),
        }
      : null,
    refunds: v.refunds.map(refundJson),
    refundable: v.refundable,
  };
};
