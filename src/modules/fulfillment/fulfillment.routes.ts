import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from '../audit/index.ts';
import { OrderIdParams } from '../orders/index.ts';
import type { ConsultingService } from './consulting.service.ts';
import {
  AllocationIdParams,
  AllocationList,
  AllocationQuery,
  allocationJson,
  BODY_ERRORS,
  EnrollmentList,
  enrollmentJson,
  errors,
  FulfillmentJson,
  FulfillmentList,
  FulfillmentQuery,
  fulfillmentJson,
  fulfillmentListJson,
  OptionalIdempotencyHeaders,
  StaffAllocationJson,
  StaffAllocationList,
  staffAllocationJson,
  staffAllocationSummary,
  staffEntryJson,
  TimeEntryBody,
  TimeEntryResult,
} from './fulfillment.schema.ts';
import { type FulfillmentService, RESEND_PERMISSION } from './fulfillment.service.ts';
import type { TrainingService } from './training.service.ts';

/** Who reads fulfillment and consulting allocations (admins and support), who retries and books time (admins). */
export const FULFILLMENT_PERMISSIONS = {
  read: 'admin.fulfillment.read',
  manage: 'admin.fulfillment.manage',
  consulting: 'admin.consulting.manage',
} as const;

export interface FulfillmentRouteDeps {
  fulfillment: FulfillmentService;
  training: TrainingService;
  consulting: ConsultingService;
  accounts: AccountsModule;
  now: () => Date;
  /** Where customers book consulting sessions (CONSULTING_BOOKING_URL). */
  bookingUrl: string;
}

/** JSON: the customer's enrollments and consulting hours; staff's fulfillment list, retries and time entries. */
export function registerFulfillmentRoutes(app: HttpServer, deps: FulfillmentRouteDeps): void {
  const { fulfillment, training, consulting, accounts, now } = deps;
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];

  app.get(
    '/api/v1/account/enrollments',
    {
      preHandler: accounts.requireActor(),
      schema: {
        // The caller's own things live under /api/v1/account, documented with the account.
        tags: ['accounts'],
        summary: 'The caller’s training enrollments, with their access keys',
        description:
          'Self-paced courses give lifetime access (`validUntil` null); live workshops one seat per unit bought, for the months the course states. A refunded enrollment is `revoked`.',
        response: { 200: EnrollmentList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({
      items: (await training.listForUser(request.actor!.userId)).map((e) =>
        enrollmentJson(e, training.accessKeyOf(e), now()),
      ),
    }),
  );

  app.get(
    '/api/v1/account/consulting',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['accounts'],
        summary: 'The caller’s consulting hours: balance, expiry and time entries',
        description:
          'Hours are kept in whole minutes (`minutes*` fields are exact; `hours*` are rounded to two decimals). Blocks expire (10 h after 6 months, 25 h after 12, 50 h after 18); a fixed-scope engagement has no hours.',
        response: { 200: AllocationList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({
      items: (await consulting.listForUser(request.actor!.userId)).map((a) => allocationJson(a, now())),
    }),
  );

  app.get(
    '/api/v1/admin/fulfillment',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        tags: ['fulfillment'],
        summary: 'Staff: fulfillments of paid orders, most recently changed first',
        description: '`status=needs_attention` lists the orders whose fulfillment used up its retries.',
        security,
        querystring: FulfillmentQuery,
        response: { 200: FulfillmentList, ...errors(...staffErrors, 'VALIDATION_FAILED') },
      },
    },
    async (request) =>
      fulfillmentListJson(
        await fulfillment.list({ status: request.query.status, limit: request.query.limit }),
      ),
  );

  app.get(
    '/api/v1/admin/fulfillment/:id',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        tags: ['fulfillment'],
        summary: 'Staff: one order’s fulfillment with its steps',
        security,
        params: OrderIdParams,
        response: { 200: FulfillmentJson, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const view = await fulfillment.get(request.params.id);
      if (!view) throw new AppError('NOT_FOUND');
      return fulfillmentJson(view);
    },
  );

  app.post(
    '/api/v1/admin/orders/:id/resend-delivery',
    {
      preHandler: accounts.requirePermission(RESEND_PERMISSION),
      schema: {
        tags: ['fulfillment'],
        summary: 'Staff: send an order’s delivery mail again (audited)',
        description:
          'The “your purchase is ready” mail with each item’s masked key and activation steps, as it is now (a line refunded since is left out). Only for a fulfilled order: otherwise 409 `ORDER_STATE_CONFLICT`, nothing sent.',
        security,
        params: OrderIdParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: {
          202: Type.Object({ resent: Type.Literal(true), items: Type.Integer() }),
          ...errors(...staffErrors, 'VALIDATION_FAILED', 'CSRF_INVALID', 'NOT_FOUND', 'ORDER_STATE_CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      const { items } = await fulfillment.resendDelivery(staffOf(request), request.params.id);
      return reply.code(202).send({ resent: true as const, items });
    },
  );

  app.post(
    '/api/v1/admin/fulfillment/:id/retry',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.manage),
      schema: {
        tags: ['fulfillment'],
        summary: 'Staff: run an order’s fulfillment again (audited)',
        description:
          'Every step is idempotent: only what is missing is delivered. The answer’s `status` is `fulfilled`, or `needs_attention` with `error` saying why this run failed.',
        security,
        params: OrderIdParams,
        response: {
          200: FulfillmentJson,
          ...errors(...staffErrors, 'VALIDATION_FAILED', 'CSRF_INVALID', 'NOT_FOUND', 'ORDER_STATE_CONFLICT'),
        },
      },
    },
    async (request) => fulfillmentJson(await fulfillment.retry(staffOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/admin/consulting',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        tags: ['consulting'],
        summary: 'Staff: consulting allocations, newest first',
        security,
        querystring: AllocationQuery,
        response: { 200: StaffAllocationList, ...errors(...staffErrors, 'VALIDATION_FAILED') },
      },
    },
    async (request) => ({
      items: (await consulting.search({ open: request.query.open ?? false })).map((a) =>
        staffAllocationSummary(a, now()),
      ),
    }),
  );

  app.get(
    '/api/v1/admin/consulting/:id',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.read),
      schema: {
        tags: ['consulting'],
        summary: 'Staff: one consulting allocation with its time entries',
        security,
        params: AllocationIdParams,
        response: { 200: StaffAllocationJson, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => staffAllocationJson(await consulting.get(request.params.id), now()),
  );

  app.post(
    '/api/v1/admin/consulting/:id/entries',
    {
      preHandler: accounts.requirePermission(FULFILLMENT_PERMISSIONS.consulting),
      schema: {
        tags: ['consulting'],
        summary: 'Staff: record time worked on a consulting allocation (audited)',
        description:
          'The hours come off the allocation’s balance, which never goes below zero: more than remains is `CONSULTING_HOURS_EXCEEDED`; an expired or refunded allocation is `ALLOCATION_EXPIRED`. Nothing is written on a refusal. With an `Idempotency-Key`, a repeated request answers its first entry (200).',
        security,
        params: AllocationIdParams,
        headers: OptionalIdempotencyHeaders,
        body: TimeEntryBody,
        response: {
          200: TimeEntryResult,
          201: TimeEntryResult,
          ...errors(
            ...BODY_ERRORS,
            ...staffErrors,
            'NOT_FOUND',
            'CONSULTING_HOURS_EXCEEDED',
            'ALLOCATION_EXPIRED',
            'IDEMPOTENCY_KEY_REUSED',
          ),
        },
      },
    },
    async (request, reply) => {
      const r = await consulting.recordEntry(staffOf(request), request.params.id, {
        ...request.body,
        requestKey: request.headers['idempotency-key'],
      });
      const view = await consulting.get(request.params.id);
      return reply
        .code(r.created ? 201 : 200)
        .send({ entry: staffEntryJson(r.entry), allocation: staffAllocationJson(view, now()) });
    },
  );
}
