import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { randomToken } from '../../platform/crypto/secrets.ts';
import { isAppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { type Currency, MINOR_DIGITS, toMinor } from '../../platform/money.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { OrderIdParams } from '../orders/index.ts';
import { REFUND_PERMISSION, staffOf } from './refunds.routes.ts';
import { MAX_REFUND_MINOR } from './refunds.schema.ts';
import type { RefundService } from './refunds.service.ts';
import {
  majorAmount,
  type RefundFormState,
  type StaffOrderAction,
  StaffOrderPage,
} from './views/admin-order-views.tsx';

const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// A form: unknown fields are ignored, lengths bounded; the values are checked below.
const RefundForm = Type.Object(
  { amount: field(40), reason: field(1000), requestKey: field(200), _csrf: field(200) },
  { additionalProperties: true },
);
const PageQuery = Type.Object(
  { refund: Type.Optional(Type.String({ pattern: '^ref_[0-9a-hjkmnp-tv-z]{26}$' })) },
  { additionalProperties: true },
);
const REQUEST_KEY = /^[A-Za-z0-9_-]{16,100}$/;

/** "1234.5" or "1234.50" in the order's currency → minor units; null for anything else. */
export function parseMajor(text: string, currency: Currency): number | null {
  const digits = MINOR_DIGITS[currency];
  const t = text.trim();
  if (!new RegExp(`^\\d{1,12}(\\.\\d{1,${digits}})?$`).test(t)) return null;
  return toMinor(t, currency);
}

/** Refusals the form explains on the page (anything else is an error page). */
const FORM_ERRORS = new Set([
  'VALIDATION_FAILED',
  'REFUND_EXCEEDS_BALANCE',
  'ORDER_STATE_CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
]);

/** The staff order page and its refund form (PRG: a refund redirects back to the page). */
export function registerRefundPages(
  app: HttpServer,
  deps: {
    refunds: RefundService;
    accounts: AccountsModule;
    /** Other modules' staff actions on an order (fulfillment's resend of the delivery mail). */
    orderActions: (orderId: string) => Promise<StaffOrderAction[]>;
  },
): void {
  const { refunds, accounts } = deps;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    orderId: string,
    options: { form?: Partial<RefundFormState>; justRecorded?: string | undefined; status?: number } = {},
  ) {
    const view = await refunds.staffView(orderId);
    const currency = view.order.row.currency.trim() as Currency;
    const form: RefundFormState = {
      amount: majorAmount(view.refundable, currency),
      reason: '',
      // A fresh key for each rendering of the form: the same form submitted twice is one refund.
      requestKey: randomToken(18),
      errors: {},
      error: null,
      ...options.form,
    };
    return sendPage(
      reply,
      StaffOrderPage({
        ...accounts.pageChrome(request, reply),
        view,
        canRefund: accounts.can(request.actor, REFUND_PERMISSION),
        canResend: accounts.can(request.actor, 'admin.orders.resend'),
        actions: (await deps.orderActions(orderId)).filter((a) => accounts.can(request.actor, a.permission)),
        form,
        justRecorded: view.refunds.find((r) => r.id === options.justRecorded) ?? null,
      }),
      { status: options.status ?? 200, private: true },
    );
  }

  app.get(
    '/admin/orders/:id',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: { hide: true, params: OrderIdParams, querystring: PageQuery },
    },
    async (request, reply) => page(request, reply, request.params.id, { justRecorded: request.query.refund }),
  );

  app.post(
    '/admin/orders/:id/refunds',
    {
      preHandler: accounts.requirePermission(REFUND_PERMISSION),
      schema: { hide: true, params: OrderIdParams, body: RefundForm },
    },
    async (request, reply) => {
      const orderId = request.params.id;
      const body = request.body;
      const typed = { amount: body.amount ?? '', reason: body.reason ?? '' };
      const requestKey = body.requestKey ?? '';
      const refused = (
        errors: Record<string, string>,
        error: string | null,
        status: number,
        newKey = false,
      ) =>
        page(request, reply, orderId, {
          // The key stays while nothing was recorded, so a corrected form submitted twice is still one refund.
          form: {
            ...typed,
            errors,
            error,
            ...(newKey || !REQUEST_KEY.test(requestKey) ? {} : { requestKey }),
          },
          status,
        });
      const view = await refunds.staffView(orderId);
      const amount = parseMajor(typed.amount, view.order.row.currency.trim() as Currency);
      const errors: Record<string, string> = {};
      if (amount === null || amount > MAX_REFUND_MINOR) errors.amount = 'Enter an amount such as 120.50.';
      else if (amount < 1) errors.amount = 'Enter an amount greater than zero.';
      if (!typed.reason.trim()) errors.reason = 'Say why this order is refunded.';
      else if (typed.reason.length > 500) errors.reason = 'Keep the reason under 500 characters.';
      if (!REQUEST_KEY.test(requestKey))
        return refused(errors, 'This form is incomplete: check the amount and submit it again.', 400, true);
      if (amount === null || Object.keys(errors).length) return refused(errors, null, 400);
      try {
        const { staff, meta } = staffOf(request);
        const r = await refunds.request(staff, { orderId, amount, reason: typed.reason, requestKey }, meta);
        return reply.redirect(`/admin/orders/${orderId}?refund=${r.refund.id}`, 303);
      } catch (err) {
        if (!isAppError(err) || !FORM_ERRORS.has(err.code)) throw err;
        if (err.code === 'REFUND_EXCEEDS_BALANCE') return refused({ amount: err.message }, null, err.status);
        return refused({}, err.message, err.status, err.code === 'IDEMPOTENCY_KEY_REUSED');
      }
    },
  );
}
