import Stripe from 'stripe';
import type { HttpServer } from '../../platform/http/server.ts';

/** Helpers for the Stripe webhook tests and benchmark: events shaped like Stripe's, signed like Stripe signs them. */

export const TEST_STRIPE_ENV = {
  STRIPE_SECRET_KEY: 'sk_test_fake_key_for_offline_tests',
  STRIPE_WEBHOOK_SECRET: 'whsec_offline_test_secret',
};

let seq = 0;

export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  id = `evt_test_${++seq}_${Date.now()}`,
) {
  return {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export const sessionCompleted = (orderId: string, extra: Record<string, unknown> = {}) => ({
  id: `cs_test_${orderId}`,
  object: 'checkout.session',
  mode: 'payment',
  client_reference_id: orderId,
  metadata: { order_id: orderId },
  payment_status: 'paid',
  status: 'complete',
  payment_intent: `pi_${orderId}`,
  subscription: null,
  ...extra,
});

export const paymentIntent = (orderId: string, extra: Record<string, unknown> = {}) => ({
  id: `pi_${orderId}`,
  object: 'payment_intent',
  metadata: { order_id: orderId },
  status: 'succeeded',
  latest_charge: `ch_${orderId}`,
  last_payment_error: null,
  ...extra,
});

const stripe = new Stripe(TEST_STRIPE_ENV.STRIPE_SECRET_KEY);

/** POSTs an event to /webhooks/stripe, signed (or not) as Stripe would. */
export async function deliver(
  http: HttpServer,
  event: unknown,
  options: { secret?: string; timestamp?: number; tamper?: boolean; signature?: string | null } = {},
) {
  const payload = JSON.stringify(event);
  const header =
    options.signature === undefined
      ? stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? TEST_STRIPE_ENV.STRIPE_WEBHOOK_SECRET,
          ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
        })
      : options.signature;
  return http.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      accept: '*/*; q=0.5, application/xml',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      ...(header === null ? {} : { 'stripe-signature': header }),
    },
    payload: options.tamper ? payload.replace('"paid"', '"PAID"').replace('}', ' }') : payload,
  });
}
