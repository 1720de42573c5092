import type { Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/client.ts';
import type { BillingDetails } from '../orders/index.ts';
import type { SubscriptionStatus } from './domain/dunning.ts';
import type { Interval } from './domain/periods.ts';

/** What a plan change turns the subscription into once it is paid. */
export interface PlanChange {
  sku: string;
  name: string;
  priceId: string | null;
  unitAmount: number;
  quantity: number;
  /** Net proration: > 0 charged by the plan-change order, ≤ 0 credited. */
  prorationNet: number;
}

/** The tables of migrations/202611240410_subscriptions_init.sql. */
export type SubscriptionsTables = {
  subscription: {
    id: string;
    user_id: string;
    origin_order_id: string;
    origin_line: number;
    sku: string;
    name: string;
    price_id: string | null;
    unit_amount: number;
    quantity: number;
    currency: string;
    interval: Interval;
    status: SubscriptionStatus;
    provider: 'test' | 'stripe';
    provider_subscription_id: string | null;
    provider_event_at: number;
    payment_method_id: string | null;
    billing: BillingDetails;
    anchor_at: Date;
    period_index: number;
    current_period_start: Date;
    current_period_end: Date;
    cancel_at_period_end: boolean;
    canceled_at: Date | null;
    ended_at: Date | null;
    past_due_since: Date | null;
    failures: number;
    next_retry_at: Date | null;
    grace_ends_at: Date | null;
    suspended_at: Date | null;
    credit_balance: number;
    created_at: Date;
    updated_at: Date;
  };
  subscription_charge: {
    order_id: string;
    subscription_id: string;
    kind: 'renewal' | 'plan_change';
    period_index: number;
    change: PlanChange | null;
    status: 'open' | 'paid' | 'void';
    created_at: Date;
    applied_at: Date | null;
  };
  subscription_event: {
    id: string;
    subscription_id: string;
    type: string;
    detail: Record<string, unknown>;
    at: Date;
    seq: Generated<number>;
  };
};

export type SubscriptionsDb = PlatformTables & SubscriptionsTables;
export type SubscriptionRow = SubscriptionsTables['subscription'];
export type ChargeRow = SubscriptionsTables['subscription_charge'];
export type SubscriptionEventRow = Omit<SubscriptionsTables['subscription_event'], 'seq'>;
