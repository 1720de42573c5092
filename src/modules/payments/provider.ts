import type { ProviderSubscriptionUpdate } from '../../platform/jobs/events.ts';
import type { PaymentRow } from './payments.tables.ts';
import type { ProviderRefund } from './refund-gateway.ts';

/**
 * What every payment provider gives FHIR IQ: a payment for an order, a hosted
 * page where the customer pays it, and events that say how it went. The
 * built-in test provider and Stripe produce the same events, and one
 * idempotent handler (PaymentService.handleEvent) applies them.
 */

/**
 * `payment.noted` changes no payment state: it records a provider event (a
 * subscription update, a refund) and the provider ids it names.
 */
export type PaymentEventType = 'payment.succeeded' | 'payment.failed' | 'payment.noted';

export interface PaymentEvent {
  /** The provider's event id: the deduplication key. */
  id: string;
  provider: 'test' | 'stripe';
  type: PaymentEventType;
  paymentId: string;
  /** The attempt (charge) the event is about. */
  attemptId?: string;
  declineCode?: string;
  message?: string;
  /** The provider's own event type (Stripe: `checkout.session.completed`, …). */
  providerType?: string;
  /** Provider ids the event links to the payment (kept when not known yet). */
  refs?: { paymentIntentId?: string; subscriptionId?: string; invoiceId?: string };
  /** A subscription's status as of the event (recorded in stripe_subscription). */
  subscription?: { id: string; status: string; customerId: string | null; eventCreated: number };
  /** Published to the subscriptions module (`payments.subscription-updated`) with the event. */
  subscriptionUpdate?: ProviderSubscriptionUpdate;
  /** Refunds as the provider reports them (Stripe `refund.*` events, or a charge's embedded list). */
  refunds?: ProviderRefund[];
  /** The charge's refunded total (`charge.refunded`): more than we applied means refunds to fetch. */
  refundedTotal?: number;
}

export interface CreatePaymentInput {
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
}

export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /**
   * Where the customer pays this payment: a page of ours for the test provider, a Stripe
   * Checkout Session for Stripe (created on first call, outside any transaction, and reused).
   */
  payUrl(payment: PaymentRow): Promise<string>;
  /**
   * Providers that bill subscriptions themselves (Stripe Billing): cancel now or at the period
   * end, or take a scheduled cancellation back. `idempotencyKey` names the business operation.
   */
  updateSubscription?(
    providerSubscriptionId: string,
    change: ProviderSubscriptionChange,
    idempotencyKey: string,
  ): Promise<void>;
  /**
   * Changes the plan now with the provider's proration, charged at once: a declined card
   * refuses it (402 PAYMENT_DECLINED) and nothing changes.
   */
  changeSubscriptionPlan?(
    providerSubscriptionId: string,
    change: ProviderPlanChange,
    idempotencyKey: string,
  ): Promise<void>;
}

export type ProviderSubscriptionChange = 'cancel_at_period_end' | 'resume' | 'cancel_now';

/** A plan change of a provider-billed subscription: the item of `fromSku` becomes this plan. */
export interface ProviderPlanChange {
  fromSku: string;
  toSku: string;
  name: string;
  /** Net per unit per period, minor units. */
  unitAmount: number;
  quantity: number;
  /** The new plan's tax per period (billed as its own recurring price, like at checkout). */
  taxAmount: number;
  taxLabel: string;
  currency: string;
  interval: 'month' | 'year';
}

/** The built-in provider: the page is served by FHIR IQ itself at /pay/test/<paymentId>. */
export const testProvider: PaymentProvider = {
  name: 'test',
  payUrl: async (payment) => `/pay/test/${payment.id}`,
};
