import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { registerSubscriptionPages } from './subscriptions.pages.tsx';
import { registerSubscriptionRoutes } from './subscriptions.routes.ts';
import { type SubscriptionDeps, SubscriptionService } from './subscriptions.service.ts';
import type { SubscriptionsDb } from './subscriptions.tables.ts';

/**
 * Subscriptions: recurring lines of paid orders, renewed every period,
 * changed with proration, canceled now or at period end, and — when a
 * renewal fails — past due, retried, suspended after the grace period and
 * reinstated when paid. `subscriptions.changed` tells entitlements.
 */

export {
  dunningAfter,
  entitled,
  GRACE_DAYS,
  RETRY_DAYS,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from './domain/dunning.ts';
export { type Interval, type Period, period, periodStart } from './domain/periods.ts';
export { type Proration, prorate } from './domain/proration.ts';
export { SUBSCRIPTION_MAIL_TEMPLATES } from './subscriptions.mail.ts';
export { type ChangePreview, type PlanTarget, SubscriptionService } from './subscriptions.service.ts';
export type { PlanChange, SubscriptionRow, SubscriptionsTables } from './subscriptions.tables.ts';

const SWEEP_BATCH = 500;
/** Less than the cron interval, so two runs never overlap for long. */
const SWEEP_BUDGET_MS = 8 * 60 * 1000;

/** The cron job that renews, retries, suspends and ends what is due. */
export const SUBSCRIPTIONS_SWEEP_JOB = 'subscriptions.sweep';

export interface SubscriptionsModule extends AppModule {
  name: 'subscriptions';
  service: SubscriptionService;
}

export function createSubscriptionsModule(
  ctx: PlatformContext,
  deps: SubscriptionDeps & { accounts: AccountsModule },
): SubscriptionsModule {
  const db = ctx.db.withTables<SubscriptionsDb>();
  const service = new SubscriptionService(ctx, db, deps);

  // A paid checkout creates subscriptions; a paid renewal or plan change moves one. Idempotent.
  ctx.events.subscribe('orders.paid', {
    name: 'subscriptions',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async ({ orderId }) => service.onOrderPaid(orderId),
  });
  // Stripe Billing's renewals, failures and cancellations, as the payments module received them.
  ctx.events.subscribe('payments.subscription-updated', {
    name: 'subscriptions',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async (update) => void (await service.applyProviderUpdate(update)),
  });
  ctx.jobs.define({
    name: SUBSCRIPTIONS_SWEEP_JOB,
    // Every 10 minutes: a renewal is charged within minutes of its period end.
    cron: '*/10 * * * *',
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async () => {
      // Batches until nothing is due or the run's budget is spent (the next run continues):
      // a busy renewal day is worked off in one run instead of 500 per 10 minutes.
      const started = Date.now();
      for (;;) {
        const counts = await service.sweep(SWEEP_BATCH);
        if (Object.entries(counts).some(([k, n]) => k !== 'skipped' && n > 0))
          ctx.log.info({ ...counts }, 'subscriptions sweep');
        const handled = counts.renewed + counts.failed + counts.suspended + counts.ended + counts.canceled;
        if (handled + counts.skipped < SWEEP_BATCH || handled === 0 || Date.now() - started > SWEEP_BUDGET_MS)
          break;
      }
    },
  });

  return {
    name: 'subscriptions',
    service,
    async registerRoutes(app: HttpServer) {
      registerSubscriptionRoutes(app, { subscriptions: service, accounts: deps.accounts });
      registerSubscriptionPages(app, {
        subscriptions: service,
        accounts: deps.accounts,
        payments: deps.payments,
      });
    },
  };
}
