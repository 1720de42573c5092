import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/202611230200_payments_init.sql and 202611230300_payments_stripe.sql. */
export type PaymentsTables = {
  payment: {
    id: string;
    order_id: string;
    user_id: string;
    provider: 'test' | 'stripe';
    amount: number;
    currency: string;
    status: 'requires_payment' | 'succeeded' | 'failed' | 'canceled';
    failure_code: string | null;
    failure_message: string | null;
    created_at: Date;
    updated_at: Date;
    succeeded_at: Date | null;
    /** Stripe: the current Checkout Session, its URL and expiry, and which attempt it is (1, 2, …). */
    checkout_session_id: string | null;
    checkout_url: string | null;
    checkout_expires_at: Date | null;
    checkout_attempt: number;
    provider_payment_intent: string | null;
    provider_subscription_id: string | null;
    /** Stripe Billing: the invoice this payment paid (the subscription's first, or a renewal's). */
    provider_invoice_id: string | null;
  };
  payment_method: {
    id: string;
    user_id: string;
    provider: string;
    card_brand: string;
    card_last4: string;
    exp_month: number;
    exp_year: number;
    fails_on_renewal: boolean;
    created_at: Date;
  };
  payment_attempt: {
    id: string;
    payment_id: string;
    payment_method_id: string | null;
    card_brand: string;
    card_last4: string;
    outcome: 'succeeded' | 'declined';
    decline_code: string | null;
    created_at: Date;
  };
  payment_event: {
    id: string;
    provider: string;
    type: string;
    payment_id: string;
    payload: unknown;
    received_at: Date;
  };
  stripe_customer: { user_id: string; customer_id: string; created_at: Date };
  stripe_invoice_payment: {
    invoice_id: string;
    payment_intent_id: string;
    received_at: Date;
  };
  stripe_subscription: {
    id: string;
    payment_id: string | null;
    customer_id: string | null;
    status: string;
    event_created: number;
    updated_at: Date;
  };
};

export type PaymentsDb = PlatformTables & PaymentsTables;
export type PaymentRow = PaymentsTables['payment'];
export type PaymentAttemptRow = PaymentsTables['payment_attempt'];
