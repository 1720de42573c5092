import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import { registerTestPaymentPages } from './payments.pages.tsx';
import { PaymentService } from './payments.service.ts';
import type { PaymentsTables } from './payments.tables.ts';
import { type PaymentProvider, testProvider } from './provider.ts';
import { StripeRefundGateway, testRefundGateway } from './refund-gateway.ts';
import { registerRefundPages } from './refunds.pages.tsx';
import { registerRefundRoutes } from './refunds.routes.ts';
import { REFUND_JOB, REFUND_SYNC_JOB, RefundService } from './refunds.service.ts';
import type { RefundsTables } from './refunds.tables.ts';
import { type IntervalOf, StripePaymentProvider, stripeClient } from './stripe-provider.ts';
import { registerStripeWebhook } from './stripe-webhook.ts';
import type { StaffOrderAction } from './views/admin-order-views.tsx';

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
  ProviderPlanChange,
  ProviderSubscriptionChange,
} from './provider.ts';
export type { ProviderRefund, RefundGateway } from './refund-gateway.ts';
export { REFUND_PERMISSION } from './refunds.routes.ts';
export { REFUND_JOB, REFUND_SYNC_JOB, RefundService } from './refunds.service.ts';
export type { RefundRow, RefundsTables } from './refunds.tables.ts';
export { applyStripeEvent, HANDLED_STRIPE_EVENTS, mapStripeEvent } from './stripe-events.ts';
export { type IntervalOf, StripePaymentProvider, stripeClient } from './stripe-provider.ts';
export type { StaffOrderAction } from './views/admin-order-views.tsx';

export interface PaymentsModule extends AppModule {
  name: 'payments';
  service: PaymentService;
  refunds: RefundService;
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
  deps: {
    orders: OrdersModule;
    accounts: AccountsModule;
    audit: AuditModule;
    intervalOf: IntervalOf;
    /** Staff actions later modules offer on the order page (they are created after payments). */
    orderActions?: (orderId: string) => Promise<StaffOrderAction[]>;
  },
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

  // Refunds go back through the provider that took the payment: test payments through the test
  // provider (no money moved), Stripe payments through Stripe when it is configured.
  const refunds = new RefundService(
    ctx,
    ctx.db.withTables<PaymentsTables & RefundsTables>(),
    deps.orders,
    deps.audit,
    {
      test: testRefundGateway,
      ...(chosen.provider instanceof StripePaymentProvider
        ? { stripe: new StripeRefundGateway(chosen.provider.stripe) }
        : {}),
    },
  );
  service.handleRefundsWith((payment, event, trx) => refunds.handlePaymentEvent(payment, event, trx));
  ctx.jobs.define<{ refundId: string }>({
    name: REFUND_JOB,
    // Stripe unreachable: retried with backoff for about a day before staff see it in /admin/jobs.
    retryLimit: 12,
    retryDelaySeconds: 30,
    retryBackoff: true,
    handler: async ({ refundId }) => refunds.process(refundId),
  });
  ctx.jobs.define<{ paymentId: string }>({
    name: REFUND_SYNC_JOB,
    retryLimit: 12,
    retryDelaySeconds: 30,
    retryBackoff: true,
    handler: async ({ paymentId }) => refunds.syncFromProvider(paymentId),
  });

  return {
    name: 'payments',
    service,
    refunds,
    async registerRoutes(app: HttpServer) {
      registerRefundRoutes(app, { refunds, accounts: deps.accounts });
      registerRefundPages(app, {
        refunds,
        accounts: deps.accounts,
        orderActions: deps.orderActions ?? (async () => []),
      });
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
