import Stripe from 'stripe';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { PaymentService } from './payments.service.ts';
import { applyStripeEvent, type StripeLookups } from './stripe-events.ts';

/**
 * `POST /webhooks/stripe`, in its own plugin scope so that only this route
 * keeps the raw body (a Buffer: the signature is over the exact bytes).
 * Authenticated by the `Stripe-Signature` header (SDK default tolerance,
 * 300 s), so no CSRF token; always answers JSON. A missing, bad or stale
 * signature → 400 `WEBHOOK_SIGNATURE_INVALID` with nothing written; a failure
 * while applying → 5xx so Stripe retries; unknown event types → 200.
 */
export function registerStripeWebhook(
  app: HttpServer,
  deps: { stripe: Stripe; webhookSecret: string; payments: PaymentService },
): void {
  const lookups: StripeLookups = {
    orderOfPaymentIntent: async (id) => {
      try {
        return (await deps.stripe.paymentIntents.retrieve(id)).metadata?.order_id ?? undefined;
      } catch (err) {
        // Unknown to this Stripe account (or not retrievable with our key): not ours.
        if (err instanceof Stripe.errors.StripeInvalidRequestError) return undefined;
        throw err;
      }
    },
  };
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // Stripe is no browser: errors of this scope are JSON, never the HTML error pages.
    scope.addHook('onRequest', async (request) => {
      request.headers.accept = 'application/json';
    });
    scope.post(
      '/webhooks/stripe',
      {
        config: { csrf: false },
        schema: {
          tags: ['webhooks'],
          summary: 'Stripe webhook events (signed)',
          description:
            'Verified on the raw body with `STRIPE_WEBHOOK_SECRET`; deduplicated by event id. Handled: checkout.session.completed, payment_intent.succeeded / payment_failed, invoice.payment_succeeded / payment_failed, customer.subscription.created / updated / deleted, charge.refunded, refund.created / updated / failed, charge.refund.updated; other types are acknowledged and ignored.',
        },
      },
      async (request) => {
        const signature = request.headers['stripe-signature'];
        const raw = request.body;
        if (typeof signature !== 'string' || !Buffer.isBuffer(raw))
          throw new AppError('WEBHOOK_SIGNATURE_INVALID');
        let event: Stripe.Event;
        try {
          event = deps.stripe.webhooks.constructEvent(raw, signature, deps.webhookSecret);
        } catch {
          throw new AppError('WEBHOOK_SIGNATURE_INVALID');
        }
        const outcome = await applyStripeEvent(deps.payments, event, lookups);
        request.log.info({ eventId: event.id, type: event.type, outcome }, 'stripe webhook');
        return { received: true, outcome };
      },
    );
  });
}
