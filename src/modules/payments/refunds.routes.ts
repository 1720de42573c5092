import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { OrderIdParams } from '../orders/index.ts';
import {
  BODY_ERRORS,
  errors,
  IdempotencyHeaders,
  RefundBody,
  RefundJson,
  refundJson,
  StaffOrderJson,
  staffOrderJson,
} from './refunds.schema.ts';
import type { RefundService, Staff } from './refunds.service.ts';

/** Read refunds and the staff order view; refund with `admin.orders.refund` (admins, not support). */
export const REFUND_PERMISSION = 'admin.orders.refund';

export function staffOf(request: FastifyRequest): { staff: Staff; meta: { ip: string; requestId: string } } {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return {
    staff: { userId: actor.userId, email: actor.email },
    meta: { ip: request.ip, requestId: request.id },
  };
}

/** Staff JSON: one order with its payment and refunds, and refunding it. */
export function registerRefundRoutes(
  app: HttpServer,
  deps: { refunds: RefundService; accounts: AccountsModule },
): void {
  const { refunds, accounts } = deps;
  const tags = ['orders'];
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const staffErrors = ['UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED'] as const;

  app.get(
    '/api/v1/admin/orders/:id',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        tags,
        summary: 'Staff: one order with its tax evidence, payment, attempts, provider events and refunds',
        security,
        params: OrderIdParams,
        response: { 200: StaffOrderJson, ...errors(...staffErrors, 'VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => staffOrderJson(await refunds.staffView(request.params.id)),
  );

  app.post(
    '/api/v1/admin/orders/:id/refunds',
    {
      preHandler: accounts.requirePermission(REFUND_PERMISSION),
      schema: {
        tags,
        summary: 'Staff: refund an order, in full or in part (audited)',
        description:
          'Records the refund and sends it to the payment provider (test provider: at once; Stripe: `POST /v1/refunds` with the idempotency key `refund:<refundId>`, retried by a job while Stripe is unreachable). The answer’s `status` is `succeeded`, `pending` (the provider has not confirmed yet) or `failed` (refused, nothing refunded). The amount must be at most the refundable balance (gross − refunded − pending refunds). The `Idempotency-Key` header is required: a repeated request answers the first refund with 200; the same key with another order or amount is `IDEMPOTENCY_KEY_REUSED`.',
        security,
        params: OrderIdParams,
        headers: IdempotencyHeaders,
        body: RefundBody,
        response: {
          200: RefundJson,
          201: RefundJson,
          ...errors(
            ...BODY_ERRORS,
            ...staffErrors,
            'NOT_FOUND',
            'ORDER_STATE_CONFLICT',
            'REFUND_EXCEEDS_BALANCE',
            'IDEMPOTENCY_KEY_REUSED',
          ),
        },
      },
    },
    async (request, reply) => {
      const { staff, meta } = staffOf(request);
      const r = await refunds.request(
        staff,
        {
          orderId: request.params.id,
          amount: request.body.amount,
          reason: request.body.reason,
          requestKey: request.headers['idempotency-key'],
        },
        meta,
      );
      return reply.code(r.created ? 201 : 200).send(refundJson(r.refund));
    },
  );
}
