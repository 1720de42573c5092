import Stripe from 'stripe';

/**
 * Where refunds go: the provider side of a refund. The built-in test provider
 * refunds at once; Stripe through `POST /v1/refunds` with the refund's own
 * idempotency key, so a retried job never refunds twice.
 */

export interface RefundRequest {
  refundId: string;
  orderId: string;
  amount: number;
  currency: string;
  /** Stripe: the payment intent that was charged (null when the payment never named one). */
  paymentIntentId: string | null;
  /** `refund:<refundId>`. */
  idempotencyKey: string;
}

/** A refund as the provider knows it (from its API answer, its list, or one of its events). */
export interface ProviderRefund {
  id: string;
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** Stripe's statuses; `requires_action` and `pending` are both "not final yet". */
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  /** Our refund id when we created it (`metadata.refundId`). */
  refundId: string | null;
  reason: string | null;
  failureReason: string | null;
}

export type RefundOutcome =
  | { kind: 'sent'; refund: ProviderRefund }
  /** Definitive: the provider will not make this refund (retrying changes nothing). */
  | { kind: 'refused'; message: string };

export interface RefundGateway {
  /** Sends a refund. Throws when the provider could not be reached or failed (retry later). */
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** Every refund the provider holds for a payment intent (reconciliation after `charge.refunded`). */
  list(paymentIntentId: string): Promise<ProviderRefund[]>;
}

/** The built-in test provider: a refund succeeds immediately. */
export const testRefundGateway: RefundGateway = {
  refund: async (r) => ({
    kind: 'sent',
    refund: {
      id: `re_test_${r.refundId.replace(/^ref_/, '')}`,
      amount: r.amount,
      currency: r.currency,
      status: 'succeeded',
      refundId: r.refundId,
      reason: null,
      failureReason: null,
    },
  }),
  list: async () => [],
};

const STATUSES: readonly ProviderRefund['status'][] = [
  'pending',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
];

export function fromStripeRefund(re: Stripe.Refund): ProviderRefund {
  const status = STATUSES.find((s) => s === re.status) ?? 'pending';
  return {
    id: re.id,
    amount: re.amount,
    currency: re.currency.toUpperCase(),
    status,
    refundId: re.metadata?.refundId ?? null,
    reason: re.reason ?? null,
    failureReason: re.failure_reason ?? null,
  };
}

/**
 * Errors after which the same request can never succeed: Stripe refused it (already refunded,
 * amount too large, unknown payment intent, a key reused with other parameters). Anything else
 * (a 5xx, rate limiting, the network, bad credentials until someone fixes them) is retried.
 */
function definitive(err: unknown): err is Stripe.errors.StripeError {
  return (
    err instanceof Stripe.errors.StripeInvalidRequestError ||
    err instanceof Stripe.errors.StripeCardError ||
    err instanceof Stripe.errors.StripeIdempotencyError
  );
}

export class StripeRefundGateway implements RefundGateway {
  constructor(private readonly stripe: Stripe) {}

  async refund(r: RefundRequest): Promise<RefundOutcome> {
    if (!r.paymentIntentId)
      return {
        kind: 'refused',
        message: 'This payment names no Stripe payment intent; refund it in the Stripe Dashboard.',
      };
    try {
      const re = await this.stripe.refunds.create(
        {
          payment_intent: r.paymentIntentId,
          amount: r.amount,
          metadata: { refundId: r.refundId, orderId: r.orderId },
        },
        { idempotencyKey: r.idempotencyKey },
      );
      return { kind: 'sent', refund: fromStripeRefund(re) };
    } catch (err) {
      if (definitive(err)) return { kind: 'refused', message: `Stripe refused the refund: ${err.message}` };
      throw err;
    }
  }

  async list(paymentIntentId: string): Promise<ProviderRefund[]> {
    const out: ProviderRefund[] = [];
    for await (const re of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 }))
      out.push(fromStripeRefund(re));
    return out;
  }
}
