import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { LicensingModule } from '../licensing/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { SubscriptionsModule } from '../subscriptions/index.ts';
import type { TaxModule } from '../tax/index.ts';
import { ConsultingService } from './consulting.service.ts';
import { Delivery } from './delivery.ts';
import { EntitlementSync } from './entitlements.ts';
import { registerFulfillmentPages } from './fulfillment.pages.tsx';
import { registerFulfillmentRoutes } from './fulfillment.routes.ts';
import { type FaultHook, FULFILL_RETRY_LIMIT, FulfillmentService } from './fulfillment.service.ts';
import type { FulfillmentTables } from './fulfillment.tables.ts';
import { TrainingService } from './training.service.ts';
import { OVERAGE_DUE_MAIL_TEMPLATE, type OverageOutcome, UsageBilling } from './usage-billing.ts';

/**
 * Fulfillment: consumes "order paid" and delivers each line of a paid checkout order exactly
 * once — software as a license (through licensing), training as an enrollment with an access
 * key, consulting as an hours allocation, bundles as each component — then mails the buyer
 * what is ready. Licenses of subscription lines follow their subscription (renewed, suspended,
 * expired); refunds revoke or reduce what they paid for. Staff see orders that need attention
 * and retry them, and record consulting time; customers see their training and hours. A usage
 * license's overage is billed to its purchase when its period closes (usage-billing.ts).
 */

export { balanceOf, formatHours, hoursOf, minutesFromHours } from './domain/consulting.ts';
export { refundEffect, stepKey } from './domain/plan.ts';
export { SUBSCRIPTION_SUSPENDED } from './entitlements.ts';
export { ATTENTION_MAIL_TEMPLATE, READY_MAIL_TEMPLATE } from './fulfillment.mail.ts';
export { FULFILLMENT_PERMISSIONS } from './fulfillment.routes.ts';
export {
  describeError,
  type FaultHook,
  type FaultPoint,
  FULFILL_RETRY_LIMIT,
  FulfillmentService,
  type FulfillmentView,
} from './fulfillment.service.ts';
export type {
  AllocationRow,
  EnrollmentRow,
  FulfillmentRow,
  FulfillmentStatus,
  FulfillmentTables,
  StepRow,
  TimeEntryRow,
} from './fulfillment.tables.ts';
export { ConsultingService, OVERAGE_DUE_MAIL_TEMPLATE, type OverageOutcome, TrainingService, UsageBilling };

/** The queues of fulfillment's subscribers (`<topic>-<name>`), for tests and the admin console. */
export const FULFILLMENT_JOBS = {
  orderPaid: 'orders.paid-fulfillment',
  orderRefunded: 'orders.refunded-fulfillment',
  subscriptionChanged: 'subscriptions.changed-fulfillment',
  usagePeriodClosed: 'licensing.usage-period-closed-billing',
} as const;

export interface FulfillmentModule extends AppModule {
  name: 'fulfillment';
  service: FulfillmentService;
  training: TrainingService;
  consulting: ConsultingService;
  /** Tests only (refused in production): stop the fulfillment between steps. */
  setFaultHook(hook: FaultHook | undefined): void;
}

export function createFulfillmentModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    audit: AuditModule;
    catalog: CatalogModule;
    orders: OrdersModule;
    payments: PaymentsModule;
    subscriptions: SubscriptionsModule;
    licensing: LicensingModule;
    tax: TaxModule;
  },
): FulfillmentModule {
  const db = ctx.db.withTables<FulfillmentTables>();
  const training = new TrainingService(ctx, db);
  const consulting = new ConsultingService(ctx, db, deps.audit);
  const sync = new EntitlementSync(ctx, { ...deps, training, consulting });
  const delivery = new Delivery({ ...deps, training, consulting });
  const service = new FulfillmentService(ctx, db, { ...deps, delivery, sync });

  ctx.events.subscribe('orders.paid', {
    name: 'fulfillment',
    retryLimit: FULFILL_RETRY_LIMIT,
    retryDelaySeconds: 30,
    // A process killed mid-order is noticed this soon (the job is then retried and resumes).
    expireInSeconds: 5 * 60,
    handler: async ({ orderId }, meta) =>
      void (await service.onOrderPaid(orderId, { final: meta.retryCount >= FULFILL_RETRY_LIMIT })),
  });
  ctx.events.subscribe('subscriptions.changed', {
    name: 'fulfillment',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async (event) => service.onSubscriptionChanged(event),
  });
  // A usage period closed with overage: it is billed to the purchase that delivered the license.
  const usageBilling = new UsageBilling(ctx, db, deps);
  ctx.events.subscribe('licensing.usage-period-closed', {
    name: 'billing',
    retryLimit: 10,
    retryDelaySeconds: 60,
    handler: async (event) => void (await usageBilling.onPeriodClosed(event)),
  });
  ctx.events.subscribe('orders.refunded', {
    name: 'fulfillment',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async (event) => service.onOrderRefunded(event),
  });

  return {
    name: 'fulfillment',
    service,
    training,
    consulting,
    setFaultHook: (hook) => service.setFaultHook(hook),
    async registerRoutes(app: HttpServer) {
      const routeDeps = {
        fulfillment: service,
        training,
        consulting,
        accounts: deps.accounts,
        now: () => ctx.clock.now(),
        bookingUrl: ctx.config.consultingBookingUrl,
      };
      registerFulfillmentRoutes(app, routeDeps);
      registerFulfillmentPages(app, routeDeps);
    },
  };
}
