import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import { registerOnboardingPages } from './onboarding.pages.tsx';
import { registerOnboardingRoutes } from './onboarding.routes.ts';
import { OnboardingService } from './onboarding.service.ts';
import type { OnboardingTables } from './onboarding.tables.ts';
import { MailPreferences } from './preferences.service.ts';

/**
 * Onboarding: 002's sequence of mails after a paid checkout order (welcome, software activation
 * and tips, training access and learning path, consultation scheduling, success check-in),
 * scheduled once per order, sent once each when due, cancelled by refunds; and the recipients'
 * marketing-mail preference (signed unsubscribe links, RFC 8058 one-click, account settings).
 */

export {
  determineOnboardingPlan,
  ONBOARDING_TEMPLATES,
  type OnboardingTemplate,
  type ProductType,
  STEP_DEFINITIONS,
} from './domain/onboarding-plan.ts';
export { ONBOARDING_SUBJECTS } from './onboarding.mail.ts';
export { ONBOARDING_PERMISSIONS } from './onboarding.routes.ts';
export { OnboardingService, type OnboardingView, unsubscribePaths } from './onboarding.service.ts';
export type { OnboardingTables } from './onboarding.tables.ts';
export { MailPreferences } from './preferences.service.ts';

/** The subscriber queues (`<topic>-<name>`) and the sweep, for tests and the admin console. */
export const ONBOARDING_JOBS = {
  orderPaid: 'orders.paid-onboarding',
  orderRefunded: 'orders.refunded-onboarding',
  sendDue: 'onboarding.send-due',
} as const;

const SWEEP_BATCH = 500;
/** Less than the cron interval, so two runs rarely overlap (and overlapping ones skip each other's rows). */
const SWEEP_BUDGET_MS = 4 * 60 * 1000;

export interface OnboardingModule extends AppModule {
  name: 'onboarding';
  service: OnboardingService;
  preferences: MailPreferences;
}

export function createOnboardingModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; catalog: CatalogModule; orders: OrdersModule; payments: PaymentsModule },
): OnboardingModule {
  const db = ctx.db.withTables<OnboardingTables>();
  const service = new OnboardingService(ctx, db, deps);
  const preferences = new MailPreferences(ctx, db);

  ctx.events.subscribe('orders.paid', {
    name: 'onboarding',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async ({ orderId }) => service.onOrderPaid(orderId),
  });
  ctx.events.subscribe('orders.refunded', {
    name: 'onboarding',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async (event) => void (await service.onOrderRefunded(event)),
  });
  ctx.jobs.define({
    name: ONBOARDING_JOBS.sendDue,
    // Every 5 minutes: a mail goes out within minutes of its time (the welcome at once, from the
    // "order paid" subscriber itself).
    cron: '*/5 * * * *',
    retryLimit: 2,
    expireInSeconds: 15 * 60,
    handler: async () => {
      const started = Date.now();
      for (;;) {
        const counts = await service.sendDue({ limit: SWEEP_BATCH });
        const handled = counts.sent + counts.suppressed;
        if (handled + counts.skipped + counts.failed > 0)
          ctx.log.info({ ...counts }, 'onboarding mails sent');
        if (handled === 0 || handled + counts.skipped + counts.failed < SWEEP_BATCH) break;
        if (Date.now() - started > SWEEP_BUDGET_MS) break;
      }
    },
  });

  return {
    name: 'onboarding',
    service,
    preferences,
    async registerRoutes(app: HttpServer) {
      registerOnboardingRoutes(app, { onboarding: service, accounts: deps.accounts });
      registerOnboardingPages(app, { onboarding: service, preferences, accounts: deps.accounts });
    },
  };
}
