import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import { entitled } from './domain/dunning.ts';
import {
  AdminSubscriptionQuery,
  BODY_ERRORS,
  CancelBody,
  ChangedJson,
  EmptyBody,
  errors,
  historyJson,
  PlanTargetBody,
  PreviewJson,
  previewJson,
  StaffCancelBody,
  SubscriptionDetailJson,
  SubscriptionIdParams,
  SubscriptionJson,
  SubscriptionList,
  subscriptionJson,
} from './subscriptions.schema.ts';
import type { SubscriptionService } from './subscriptions.service.ts';
import type { SubscriptionRow } from './subscriptions.tables.ts';

const json = (s: SubscriptionRow) => subscriptionJson(s, entitled(s.status));

/** JSON: a customer's own subscriptions and what they can do with them; the staff list. */
export function registerSubscriptionRoutes(
  app: HttpServer,
  deps: { subscriptions: SubscriptionService; accounts: AccountsModule },
): void {
  const { subscriptions, accounts } = deps;
  const tags = ['subscriptions'];
  const mine = { preHandler: accounts.requireActor() };
  const ownErrors = ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND'] as const;

  app.get(
    '/api/v1/subscriptions',
    {
      ...mine,
      schema: {
        tags,
        summary: 'The caller’s subscriptions, newest first',
        response: { 200: SubscriptionList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({ items: (await subscriptions.listForUser(request.actor!.userId)).map(json) }),
  );

  app.get(
    '/api/v1/subscriptions/:id',
    {
      ...mine,
      schema: {
        tags,
        summary: 'One of the caller’s subscriptions, with its history',
        description: 'Another customer’s subscription answers 404, exactly like an unknown id.',
        params: SubscriptionIdParams,
        response: { 200: SubscriptionDetailJson, ...errors(...ownErrors) },
      },
    },
    async (request) => {
      const sub = await subscriptions.getForUser(request.params.id, request.actor!.userId);
      return { ...json(sub), history: historyJson(await subscriptions.history(sub.id)) };
    },
  );

  app.post(
    '/api/v1/subscriptions/:id/change-preview',
    {
      ...mine,
      schema: {
        tags,
        summary: 'What changing the plan now would charge or credit (nothing changes)',
        params: SubscriptionIdParams,
        body: PlanTargetBody,
        response: {
          200: PreviewJson,
          ...errors(
            ...BODY_ERRORS,
            ...ownErrors,
            'PLAN_CHANGE_INVALID',
            'EDITION_SEAT_LIMIT_EXCEEDED',
            'SUBSCRIPTION_STATE_CONFLICT',
            'SUBSCRIPTION_PROVIDER_MANAGED',
          ),
        },
      },
    },
    async (request) =>
      previewJson(await subscriptions.previewChange(request.actor!.userId, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/subscriptions/:id/change',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Upgrade or downgrade now (edition or quantity), with proration',
        description:
          'The unused time of the current plan is credited and the unused time of the new plan charged; the renewal date does not move. A positive difference is charged to the saved card before the change applies (402 PAYMENT_DECLINED changes nothing); a negative one becomes account credit for the next charges.',
        params: SubscriptionIdParams,
        body: PlanTargetBody,
        response: {
          200: ChangedJson,
          ...errors(
            ...BODY_ERRORS,
            ...ownErrors,
            'PLAN_CHANGE_INVALID',
            'EDITION_SEAT_LIMIT_EXCEEDED',
            'PAYMENT_DECLINED',
            'SUBSCRIPTION_STATE_CONFLICT',
            'SUBSCRIPTION_PROVIDER_MANAGED',
          ),
        },
      },
    },
    async (request) => {
      const r = await subscriptions.changePlan(request.actor!.userId, request.params.id, request.body);
      return { subscription: json(r.subscription), proration: previewJson(r.preview), orderId: r.orderId };
    },
  );

  app.post(
    '/api/v1/subscriptions/:id/cancel',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Cancel at the period end or now',
        params: SubscriptionIdParams,
        body: CancelBody,
        response: {
          200: SubscriptionJson,
          ...errors(
            ...BODY_ERRORS,
            ...ownErrors,
            'SUBSCRIPTION_STATE_CONFLICT',
            'SUBSCRIPTION_PROVIDER_MANAGED',
          ),
        },
      },
    },
    async (request) =>
      json(await subscriptions.cancel(request.actor!.userId, request.params.id, request.body.when)),
  );

  app.post(
    '/api/v1/subscriptions/:id/resume',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Take back a cancellation at period end',
        params: SubscriptionIdParams,
        body: EmptyBody,
        response: {
          200: SubscriptionJson,
          ...errors(...ownErrors, 'CSRF_INVALID', 'SUBSCRIPTION_STATE_CONFLICT'),
        },
      },
    },
    async (request) => json(await subscriptions.resume(request.actor!.userId, request.params.id)),
  );

  app.post(
    '/api/v1/subscriptions/:id/retry-payment',
    {
      ...mine,
      schema: {
        tags,
        summary: 'Charge the saved card for the unpaid renewal now',
        description: 'A past-due subscription becomes active again; a suspended one is reinstated.',
        params: SubscriptionIdParams,
        body: EmptyBody,
        response: {
          200: SubscriptionJson,
          ...errors(
            ...BODY_ERRORS,
            ...ownErrors,
            'PAYMENT_DECLINED',
            'SUBSCRIPTION_STATE_CONFLICT',
            'SUBSCRIPTION_PROVIDER_MANAGED',
          ),
        },
      },
    },
    async (request) => json(await subscriptions.retryPayment(request.actor!.userId, request.params.id)),
  );

  app.get(
    '/api/v1/admin/subscriptions/:id',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        tags,
        summary: 'Staff: one subscription with its history',
        params: SubscriptionIdParams,
        response: {
          200: SubscriptionDetailJson,
          ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const sub = await subscriptions.get(request.params.id);
      if (!sub) throw new AppError('NOT_FOUND');
      return { ...json(sub), history: historyJson(await subscriptions.history(sub.id)) };
    },
  );

  app.post(
    '/api/v1/admin/subscriptions/:id/cancel',
    {
      preHandler: accounts.requirePermission('admin.subscriptions.manage'),
      schema: {
        tags,
        summary: 'Staff: end a subscription now on the customer’s behalf (audited)',
        description:
          'Access ends now; unpaid renewals are canceled. No refund is made: refunds are a separate action.',
        params: SubscriptionIdParams,
        body: StaffCancelBody,
        response: {
          200: SubscriptionJson,
          ...errors(
            ...BODY_ERRORS,
            'UNAUTHENTICATED',
            'FORBIDDEN',
            'NOT_FOUND',
            'SUBSCRIPTION_STATE_CONFLICT',
            'SERVICE_UNAVAILABLE',
          ),
        },
      },
    },
    async (request) =>
      json(await subscriptions.staffCancel(staffOf(request), request.params.id, request.body.reason)),
  );

  app.get(
    '/api/v1/admin/subscriptions',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        tags,
        summary: 'Staff: list subscriptions, by status',
        querystring: AdminSubscriptionQuery,
        response: { 200: SubscriptionList, ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN') },
      },
    },
    async (request) => ({ items: (await subscriptions.search(request.query)).map(json) }),
  );
}
