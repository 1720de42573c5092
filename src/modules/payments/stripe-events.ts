import type Stripe from 'stripe';
import type { ProviderSubscriptionUpdate } from '../../platform/jobs/events.ts';
import type { PaymentService } from './payments.service.ts';
import type { PaymentEvent } from './provider.ts';
import { fromStripeRefund } from './refund-gateway.ts';

/**
 * Stripe webhook events → the internal payment events, applied by the one
 * idempotent handler (deduplicated by Stripe's event id in payment_event).
 * Our objects carry `metadata.order_id` (the session, its payment intent or
 * subscription), so each event finds its payment whatever the order of
 * arrival: `payment_intent.succeeded` before `checkout.session.completed`
 * marks the order paid and the session event is then a no-op; a late
 * `payment_failed` never undoes a success (PaymentService).
 */

export const HANDLED_STRIPE_EVENTS = [
  'checkout.session.completed',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice_payment.paid',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refund.updated',
] as const;

export interface MappedStripeEvent {
  ref: {
    orderId?: string;
    paymentIntentId?: string;
    subscriptionId?: string;
    sessionId?: string;
    invoiceId?: string;
  };
  event: Omit<PaymentEvent, 'paymentId'>;
}

const idOf = (v: string | { id: string } | null | undefined): string | undefined =>
  typeof v === 'string' ? v : (v?.id ?? undefined);

/** The mapping, or null for an event type we do not handle. */
export function mapStripeEvent(e: Stripe.Event): MappedStripeEvent | null {
  const base = { id: e.id, provider: 'stripe' as const, providerType: e.type };
  switch (e.type) {
    case 'checkout.session.completed': {
      const s = e.data.object;
      const paymentIntentId = idOf(s.payment_intent);
      const subscriptionId = idOf(s.subscription);
      const invoiceId = idOf(s.invoice);
      const paid = s.payment_status === 'paid' || s.payment_status === 'no_payment_required';
      return {
        ref: { orderId: s.metadata?.order_id ?? s.client_reference_id ?? undefined, sessionId: s.id },
        event: {
          ...base,
          // "unpaid" (a delayed payment method): the payment intent's own events decide.
          type: paid ? 'payment.succeeded' : 'payment.noted',
          refs: {
            ...(paymentIntentId ? { paymentIntentId } : {}),
            ...(subscriptionId ? { subscriptionId } : {}),
            ...(invoiceId ? { invoiceId } : {}),
          },
        },
      };
    }
    case 'invoice_payment.paid': {
      // Which payment intent paid an invoice (Stripe no longer puts it on the invoice): linked to
      // the payment of that invoice, so refunds of subscription payments reach the right charge.
      const ip = e.data.object;
      const invoiceId = idOf(ip.invoice);
      const paymentIntentId = idOf(ip.payment?.payment_intent);
      if (!invoiceId) return null;
      return {
        ref: { invoiceId },
        event: { ...base, type: 'payment.noted', ...(paymentIntentId ? { refs: { paymentIntentId } } : {}) },
      };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const pi = e.data.object;
      const err = pi.last_payment_error;
      return {
        ref: { orderId: pi.metadata?.order_id, paymentIntentId: pi.id },
        event: {
          ...base,
          type: e.type === 'payment_intent.succeeded' ? 'payment.succeeded' : 'payment.failed',
          attemptId: idOf(pi.latest_charge) ?? pi.id,
          refs: { paymentIntentId: pi.id },
          ...(e.type === 'payment_intent.payment_failed'
            ? {
                declineCode: err?.decline_code ?? err?.code ?? 'payment_failed',
                message: err?.message ?? 'The payment failed.',
              }
            : {}),
        },
      };
    }
    case 'invoice.payment_succeeded':
    case 'invoice.payment_failed': {
      const inv = e.data.object;
      const sub = inv.parent?.subscription_details;
      const subscriptionId = idOf(sub?.subscription);
      // Only the invoice that starts the subscription pays the order; the later ones (renewals,
      // Stripe's retries of them) move the subscription, through the subscriptions module.
      const first = inv.billing_reason === 'subscription_create';
      const periodEnds = (inv.lines?.data ?? []).map((l) => l.period?.end ?? 0);
      const subscriptionUpdate: ProviderSubscriptionUpdate | undefined =
        !first && subscriptionId
          ? {
              provider: 'stripe',
              subscriptionId,
              kind: e.type === 'invoice.payment_succeeded' ? 'invoice_paid' : 'invoice_failed',
              eventCreated: e.created,
              invoiceId: inv.id,
              ...(inv.billing_reason ? { billingReason: inv.billing_reason } : {}),
              periodEnd: periodEnds.length ? Math.max(...periodEnds) : null,
              nextAttemptAt: inv.next_payment_attempt,
              amountPaid: inv.amount_paid,
              currency: inv.currency,
              ...(e.type === 'invoice.payment_failed' ? { message: 'The renewal payment failed.' } : {}),
            }
          : undefined;
      return {
        ref: { orderId: sub?.metadata?.order_id, ...(subscriptionId ? { subscriptionId } : {}) },
        event: {
          ...base,
          type: !first
            ? 'payment.noted'
            : e.type === 'invoice.payment_succeeded'
              ? 'payment.succeeded'
              : 'payment.failed',
          attemptId: inv.id,
          ...(subscriptionId ? { refs: { subscriptionId, ...(first ? { invoiceId: inv.id } : {}) } } : {}),
          ...(subscriptionUpdate ? { subscriptionUpdate } : {}),
          ...(first && e.type === 'invoice.payment_failed'
            ? { declineCode: 'invoice_payment_failed', message: 'The payment failed.' }
            : {}),
        },
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = e.data.object;
      return {
        ref: { orderId: sub.metadata?.order_id, subscriptionId: sub.id },
        event: {
          ...base,
          type: 'payment.noted',
          refs: { subscriptionId: sub.id },
          subscription: {
            id: sub.id,
            status: sub.status,
            customerId: idOf(sub.customer) ?? null,
            eventCreated: e.created,
          },
          subscriptionUpdate: {
            provider: 'stripe',
            subscriptionId: sub.id,
            kind: 'status',
            eventCreated: e.created,
            status: e.type === 'customer.subscription.deleted' ? 'canceled' : sub.status,
            cancelAtPeriodEnd: sub.cancel_at_period_end,
          },
        },
      };
    }
    case 'charge.refunded': {
      // Stripe leaves a charge's refunds out of it (API 2022-11-15 on): its embedded ones, when
      // present, are applied; otherwise its refunded total tells whether to fetch them
      // (RefundService). Each refund also has its own refund.* events, which converge with this.
      const ch = e.data.object;
      const paymentIntentId = idOf(ch.payment_intent);
      const embedded = ch.refunds?.data ?? [];
      return {
        ref: { orderId: ch.metadata?.order_id, ...(paymentIntentId ? { paymentIntentId } : {}) },
        event: {
          ...base,
          type: 'payment.noted',
          attemptId: ch.id,
          ...(paymentIntentId ? { refs: { paymentIntentId } } : {}),
          refundedTotal: ch.amount_refunded,
          ...(embedded.length ? { refunds: embedded.map(fromStripeRefund) } : {}),
        },
      };
    }
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated': {
      // One refund, ours (metadata.refundId, metadata.orderId) or made in the Dashboard (found by
      // its payment intent); the refund's status decides (RefundService.applyProviderRefund).
      const re = e.data.object;
      const paymentIntentId = idOf(re.payment_intent);
      return {
        ref: { orderId: re.metadata?.orderId, ...(paymentIntentId ? { paymentIntentId } : {}) },
        event: {
          ...base,
          type: 'payment.noted',
          attemptId: idOf(re.charge) ?? re.id,
          ...(paymentIntentId ? { refs: { paymentIntentId } } : {}),
          refunds: [fromStripeRefund(re)],
        },
      };
    }
    default:
      return null;
  }
}

export type StripeEventOutcome = 'applied' | 'duplicate' | 'ignored';

/** Questions to Stripe about objects an event names but we have not linked yet. */
export interface StripeLookups {
  /** The order a payment intent was created for (its `metadata.order_id`); undefined when not ours. */
  orderOfPaymentIntent(paymentIntentId: string): Promise<string | undefined>;
}

/**
 * A refund made in the Stripe Dashboard names only its payment intent. When its event comes
 * before the payment's own events (a delayed delivery), the intent is not linked to a payment
 * yet: Stripe says which order it was for, and the refund waits (refused, so Stripe delivers it
 * again) until the payment is recorded. A payment intent that is not ours stays ignored.
 */
async function paymentOfUnlinkedRefund(
  payments: PaymentService,
  mapped: MappedStripeEvent,
  lookups: StripeLookups | undefined,
) {
  const paymentIntentId = mapped.ref.paymentIntentId;
  const aboutRefunds = Boolean(mapped.event.refunds?.length || mapped.event.refundedTotal);
  if (!lookups || !paymentIntentId || !aboutRefunds || mapped.ref.orderId) return undefined;
  const orderId = await lookups.orderOfPaymentIntent(paymentIntentId);
  return orderId ? payments.findByRef({ orderId }) : undefined;
}

/** Applies one verified Stripe event. Throws (→ 5xx, Stripe retries) when it cannot be applied now. */
export async function applyStripeEvent(
  payments: PaymentService,
  e: Stripe.Event,
  lookups?: StripeLookups,
): Promise<StripeEventOutcome> {
  const mapped = mapStripeEvent(e);
  if (!mapped) return 'ignored';
  const payment =
    (await payments.findByRef(mapped.ref)) ?? (await paymentOfUnlinkedRefund(payments, mapped, lookups));
  // An invoice's payment before the payment of that invoice is recorded (a renewal's comes from
  // the subscriptions job): kept, and linked when it is.
  if (
    !payment &&
    e.type === 'invoice_payment.paid' &&
    mapped.ref.invoiceId &&
    mapped.event.refs?.paymentIntentId
  ) {
    await payments.rememberInvoicePayment(mapped.ref.invoiceId, mapped.event.refs.paymentIntentId);
    return 'applied';
  }
  // Not one of ours (another integration on the same Stripe account): acknowledged, nothing changes.
  if (payment?.provider !== 'stripe') return 'ignored';
  return payments.handleEvent({ ...mapped.event, paymentId: payment.id });
}
