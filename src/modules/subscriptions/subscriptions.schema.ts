import Type from 'typebox';
import { SUBSCRIPTION_STATUSES } from './domain/dunning.ts';
import type { ChangePreview } from './subscriptions.service.ts';
import type { SubscriptionEventRow, SubscriptionRow } from './subscriptions.tables.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

const closed = { additionalProperties: false } as const;
const date = Type.String({ format: 'date-time' });
const nullableDate = Type.Union([date, Type.Null()]);

export const SubscriptionIdParams = Type.Object(
  { id: Type.String({ pattern: '^sub_[0-9a-hjkmnp-tv-z]{26}$' }) },
  closed,
);

export const PlanTargetBody = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
  },
  closed,
);

/** Actions without inputs still take a (empty) JSON body: see the CSRF policy on body-less posts. */
export const EmptyBody = Type.Object({}, closed);

export const CancelBody = Type.Object(
  {
    when: Type.Enum(['period_end', 'now'], {
      description:
        '`period_end`: keep access until the period ends; `now`: end access now (no automatic refund).',
    }),
  },
  closed,
);

export const AdminSubscriptionQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...SUBSCRIPTION_STATUSES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  closed,
);

export const SubscriptionJson = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  currency: Type.String(),
  unitAmount: Type.Integer({
    description: 'Net price of one unit per period, minor units (kept from the purchase).',
  }),
  interval: Type.Enum(['month', 'year']),
  status: Type.Enum([...SUBSCRIPTION_STATUSES]),
  entitled: Type.Boolean({ description: 'Past-due subscriptions keep access during the grace period.' }),
  provider: Type.Enum(['test', 'stripe']),
  currentPeriodStart: date,
  currentPeriodEnd: date,
  cancelAtPeriodEnd: Type.Boolean(),
  canceledAt: nullableDate,
  endedAt: nullableDate,
  pastDueSince: nullableDate,
  nextRetryAt: nullableDate,
  graceEndsAt: nullableDate,
  creditBalance: Type.Integer({
    description: 'Account credit (gross, minor units) taken off the next charges.',
  }),
  originOrderId: Type.String(),
  createdAt: date,
});

export const SubscriptionDetailJson = Type.Object({
  ...SubscriptionJson.properties,
  history: Type.Array(
    Type.Object({ type: Type.String(), at: date, detail: Type.Record(Type.String(), Type.Unknown()) }),
  ),
});

export const SubscriptionList = Type.Object({ items: Type.Array(SubscriptionJson) });

export const PreviewJson = Type.Object({
  sku: Type.String(),
  quantity: Type.Integer(),
  remainingSeconds: Type.Integer(),
  periodSeconds: Type.Integer(),
  credit: Type.Integer({ description: 'Net credit for the unused time of the current plan.' }),
  charge: Type.Integer({ description: 'Net charge for the unused time of the new plan.' }),
  net: Type.Integer({ description: 'charge − credit.' }),
  tax: Type.Integer(),
  amountDue: Type.Integer({ description: 'Charged to the saved card now (after account credit).' }),
  creditAdded: Type.Integer({ description: 'Account credit added by a downgrade (gross).' }),
});

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function subscriptionJson(s: SubscriptionRow, entitledNow: boolean) {
  return {
    id: s.id,
    sku: s.sku,
    name: s.name,
    quantity: s.quantity,
    currency: s.currency,
    unitAmount: Number(s.unit_amount),
    interval: s.interval,
    status: s.status,
    entitled: entitledNow,
    provider: s.provider,
    currentPeriodStart: new Date(s.current_period_start).toISOString(),
    currentPeriodEnd: new Date(s.current_period_end).toISOString(),
    cancelAtPeriodEnd: s.cancel_at_period_end,
    canceledAt: iso(s.canceled_at),
    endedAt: iso(s.ended_at),
    pastDueSince: iso(s.past_due_since),
    nextRetryAt: iso(s.next_retry_at),
    graceEndsAt: iso(s.grace_ends_at),
    creditBalance: Number(s.credit_balance),
    originOrderId: s.origin_order_id,
    createdAt: new Date(s.created_at).toISOString(),
  };
}

export function historyJson(events: SubscriptionEventRow[]) {
  return events.map((e) => ({ type: e.type, at: new Date(e.at).toISOString(), detail: e.detail }));
}

export function previewJson(p: ChangePreview) {
  return {
    sku: p.target.sku,
    quantity: p.target.quantity,
    remainingSeconds: p.proration.remainingSeconds,
    periodSeconds: p.proration.periodSeconds,
    credit: p.proration.credit,
    charge: p.proration.charge,
    net: p.proration.net,
    tax: p.quote ? p.quote.totals.tax : 0,
    amountDue: p.amountDue,
    creditAdded: p.creditAdded,
  };
}

export const ChangedJson = Type.Object({
  subscription: SubscriptionJson,
  proration: PreviewJson,
  orderId: Type.Union([Type.String(), Type.Null()], {
    description:
      'The plan-change order that charged the difference (null for a downgrade credited to the account).',
  }),
});

export const StaffCancelBody = Type.Object(
  {
    reason: Type.String({
      minLength: 3,
      maxLength: 500,
      description: 'Why staff end it (kept in the audit log).',
    }),
  },
  closed,
);
