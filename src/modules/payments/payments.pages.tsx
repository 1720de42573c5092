import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentService } from './payments.service.ts';
import { TestPayPage } from './views/pay-views.tsx';

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

const Params = Type.Object({ paymentId: Type.String({ pattern: '^pay_[0-9a-hjkmnp-tv-z]{26}$' }) });
const field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// A form: unknown fields (a browser's extras) are ignored, lengths are bounded.
const CardBody = Type.Object(
  { name: field(100), cardNumber: field(23), expiry: field(7), cvc: field(4), _csrf: field(200) },
  { additionalProperties: true },
);

/**
 * The built-in test provider's hosted page. The payment id (unguessable,
 * like a Stripe Checkout URL) is the capability to pay; it shows the amount
 * and the order number, nothing else about the buyer.
 */
export function registerTestPaymentPages(
  app: HttpServer,
  deps: { payments: PaymentService; orders: OrdersModule; accounts: AccountsModule },
): void {
  const { payments, orders, accounts } = deps;

  async function load(paymentId: string) {
    const payment = await payments.get(paymentId);
    if (payment?.provider !== 'test') throw new AppError('NOT_FOUND');
    const order = await orders.service.get(payment.order_id);
    if (!order) throw new AppError('NOT_FOUND');
    return { payment, order };
  }

  app.get('/pay/test/:paymentId', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const { payment, order } = await load(request.params.paymentId);
    if (payment.status === 'succeeded') return reply.redirect(orders.confirmationPath(order.row.id), 303);
    const payable = order.row.state === 'pending_payment' || order.row.state === 'payment_failed';
    return html(
      reply,
      TestPayPage({
        ...accounts.pageChrome(request, reply),
        payment,
        orderNumber: order.row.number,
        declined: payment.status === 'failed' ? payment.failure_message : null,
        notPayable: !payable,
      }),
    );
  });

  app.post(
    '/pay/test/:paymentId',
    { schema: { hide: true, params: Params, body: CardBody } },
    async (request, reply) => {
      const { payment, order } = await load(request.params.paymentId);
      const body = request.body;
      const form = {
        name: body.name ?? '',
        cardNumber: body.cardNumber ?? '',
        expiry: body.expiry ?? '',
        cvc: body.cvc ?? '',
      };
      const values = { name: form.name, expiry: form.expiry };
      const page = (
        extra: { errors?: Record<string, string>; declined?: string; notPayable?: boolean },
        status: number,
      ) =>
        html(
          reply,
          TestPayPage({
            ...accounts.pageChrome(request, reply),
            payment,
            orderNumber: order.row.number,
            values,
            ...extra,
          }),
          status,
        );
      let result: Awaited<ReturnType<PaymentService['payWithTestCard']>>;
      try {
        result = await payments.payWithTestCard(payment.id, form);
      } catch (err) {
        if (err instanceof AppError && err.code === 'PAYMENT_NOT_PAYABLE') {
          if (payment.status === 'succeeded' || order.row.paid_at)
            return reply.redirect(orders.confirmationPath(order.row.id), 303);
          return page({ notPayable: true }, 409);
        }
        throw err;
      }
      if (result.kind === 'invalid') return page({ errors: result.errors }, 400);
      if (result.kind === 'declined') return page({ declined: result.message }, 402);
      return reply.redirect(orders.confirmationPath(result.orderId), 303);
    },
  );
}
