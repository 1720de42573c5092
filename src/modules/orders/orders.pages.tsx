import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { TokenCheck } from './confirmation-link.ts';
import { OrderIdParams, viewerOf } from './orders.schema.ts';
import type { Order, OrderRefundView, OrderService } from './orders.service.ts';
import {
  AccountOrderPage,
  AccountOrdersPage,
  AdminOrdersPage,
  ConfirmationExpiredPage,
  ConfirmationPage,
} from './views/order-views.tsx';

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status, private: true });
}

const hidden = { hide: true } as const;

export interface OrderPageDeps {
  orders: OrderService;
  accounts: AccountsModule;
  /** Checks a confirmation link's token (signed order id and expiry): guests reach their confirmation with it. */
  checkToken(order: { id: string; createdAt: Date }, token: string): TokenCheck;
  /** Where an unpaid order is paid (the payments module), or null. */
  payUrl(orderId: string): Promise<string | null>;
  /** The order's refunds (the payments module). */
  refundsOf(orderId: string): Promise<OrderRefundView[]>;
}

export function registerOrderPages(app: HttpServer, deps: OrderPageDeps): void {
  const { orders, accounts } = deps;
  const chrome = accounts.pageChrome;
  const unpaid = (o: Order) => o.row.state === 'pending_payment' || o.row.state === 'payment_failed';

  app.get(
    '/orders/:id/confirmation',
    {
      schema: {
        ...hidden,
        params: OrderIdParams,
        querystring: Type.Object(
          { token: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const order = await orders.get(request.params.id);
      const token = request.query.token;
      const owner = order && request.actor?.userId === order.row.user_id;
      const check =
        order && token !== undefined
          ? deps.checkToken({ id: order.row.id, createdAt: order.row.created_at }, token)
          : 'invalid';
      // Unknown id, wrong token, someone else's order: the same 404.
      if (!order || !(owner || check !== 'invalid')) throw new AppError('NOT_FOUND');
      // A genuine but old link: say so (410), show nothing of the order, offer the way in.
      if (!owner && check === 'expired')
        return html(
          reply,
          ConfirmationExpiredPage({ ...chrome(request, reply), orderId: order.row.id }),
          410,
        );
      const payUrl = unpaid(order) ? await deps.payUrl(order.row.id) : null;
      const refunds = await deps.refundsOf(order.row.id);
      return html(reply, ConfirmationPage({ ...chrome(request, reply), order, payUrl, refunds }));
    },
  );

  app.get(
    '/account/orders',
    { preHandler: accounts.requireActor(), schema: hidden },
    async (request, reply) => {
      const viewer = viewerOf(request, accounts);
      return html(
        reply,
        AccountOrdersPage({
          ...chrome(request, reply),
          orders: await orders.listForViewer(viewer),
          sharesOrgs: viewer.orgIds.length > 0,
        }),
      );
    },
  );

  app.get(
    '/account/orders/:id',
    { preHandler: accounts.requireActor(), schema: { ...hidden, params: OrderIdParams } },
    async (request, reply) => {
      const viewer = viewerOf(request, accounts);
      const order = await orders.getForViewer(request.params.id, viewer);
      // Only the buyer pays an unpaid order: a colleague sees it, without the payment link.
      const payUrl =
        unpaid(order) && order.row.user_id === viewer.userId ? await deps.payUrl(order.row.id) : null;
      const refunds = await deps.refundsOf(order.row.id);
      return html(reply, AccountOrderPage({ ...chrome(request, reply), order, payUrl, refunds }));
    },
  );

  app.get(
    '/admin/orders',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        ...hidden,
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 100 })) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const q = request.query.q?.trim() ?? '';
      const list = await orders.search({ q: q || undefined, limit: 100 });
      return html(reply, AdminOrdersPage({ ...chrome(request, reply), orders: list, q }));
    },
  );
}
