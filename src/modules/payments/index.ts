import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import { registerTestPaymentPages } from './payments.pages.tsx';
import { PaymentService } from './payments.service.ts';
import type { PaymentsTables } from './payments.tables.ts';
import { type PaymentProvider, testProvider } from './provider.ts';
import { type IntervalOf, StripePaymentProvider, stripeClient } from './stripe-provider.ts';
import { registerStripeWebhook } from './stripe-webhook.ts';

/**
 * Payments: a provider interface, the built-in test provider (default when
 * no Stripe keys are set; refused in production) and the one idempotent
 * event handler that turns provider events into order states.
 */

export {
  type CardForm,
  type CardOutcome,
  DECLINE_MESSAGES,
  type DeclineCode,
  luhnValid,
  testCardOutcome,
  validateCardForm,
} from './domain/test-cards.ts';
export { type Availability, type CardResult, PaymentService } from './payments.service.ts';
export type { PaymentRow, PaymentsTables } from './payments.tables.ts';
export type {
  CreatePaymentInput,
  PaymentEvent,
  PaymentEventType,
  PaymentProvider,
  ProviderSubscriptionChange,
} from './provider.ts';
export { applyStripeEvent, HANDLED_STRIPE_EVENTS, mapStripeEvent } from './stripe-events.ts';
export { type IntervalOf, StripePaymentProvider, stripeClient } from './stripe-provider.ts';

export interface PaymentsModule extends AppModule {
  name: 'payments';
  service: PaymentService;
}

/** Which provider serves payments (Stripe when its keys are set), or why none does. */
export function chooseProvider(
  ctx: PlatformContext,
  stripe: () => PaymentProvider,
): { provider?: PaymentProvider; reason: string } {
  if (ctx.config.stripeSecretKey && ctx.config.stripeWebhookSecret) return { provider: stripe(), reason: '' };
  if (ctx.config.env === 'production')
    return {
      reason:
        'No payment provider: the built-in test provider is refused in production. Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.',
    };
  return { provider: testProvider, reason: '' };
}

export function createPaymentsModule(
  ctx: PlatformContext,
  deps: { orders: OrdersModule; accounts: AccountsModule; intervalOf: IntervalOf },
): PaymentsModule {
  const db = ctx.db.withTables<PaymentsTables>();
  const chosen = chooseProvider(
    ctx,
    () =>
      new StripePaymentProvider(ctx, db, stripeClient(ctx.config), {
        orders: deps.orders,
        intervalOf: deps.intervalOf,
      }),
  );
  if (!chosen.provider) ctx.log.warn({ reason: chosen.reason }, 'checkout is disabled');
  const service = new PaymentService(ctx, db, deps.orders, chosen.provider, chosen.reason);
  return {
    name: 'payments',
    service,
    async registerRoutes(app: HttpServer) {
      if (chosen.provider?.name === 'test') registerTestPaymentPages(app, { payments: service, ...deps });
      if (chosen.provider instanceof StripePaymentProvider && ctx.config.stripeWebhookSecret)
        registerStripeWebhook(app, {
          stripe: chosen.provider.stripe,
          webhookSecret: ctx.config.stripeWebhookSecret,
          payments: service,
        });
    },
  };
}
