import type { AppModule, PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { checkConfirmationToken, confirmationToken } from './confirmation-link.ts';
import { sendOrderConfirmation, sendRefundNotice } from './orders.mail.ts';
import { registerOrderPages } from './orders.pages.tsx';
import { registerOrderRoutes } from './orders.routes.ts';
import type { OrderRefundView } from './orders.service.ts';
import { OrderService } from './orders.service.ts';
import type { OrdersDb, OrdersTables } from './orders.tables.ts';

/**
 * Orders: line snapshots of what was bought, the state machine, "order paid"
 * published exactly once (job `orders.paid`, enqueued in the transaction that
 * marks the order paid), "order refunded" once per refund, customer and staff pages.
 */

export { CONFIRMATION_LINK_DAYS } from './confirmation-link.ts';
export {
  awaitsPayment,
  canTransition,
  IllegalTransitionError,
  ORDER_STATES,
  type OrderState,
  refundable,
  transition,
} from './domain/state.ts';
export { formatOrderNumber, type OrderTotals, orderTotals } from './domain/totals.ts';
export { ORDER_CONFIRMATION_TEMPLATE, ORDER_REFUND_TEMPLATE } from './orders.mail.ts';
export type { OrderViewer } from './orders.repository.ts';
export { OrderIdParams, OrderJson, orderJson } from './orders.schema.ts';
export {
  type NewOrder,
  type NewOrderLine,
  ORDERS_PAID_JOB,
  ORDERS_REFUNDED_JOB,
  type Order,
  type OrderRefundView,
  OrderService,
} from './orders.service.ts';
export {
  type BillingDetails,
  type OrderLineRow,
  type OrderOrigin,
  type OrderRow,
  type OrdersTables,
  quoteCustomerOf,
  type VatStatus,
  vatStatusOf,
} from './orders.tables.ts';
export { lineTaxRate, OrderLinesTable, stateLabel } from './views/order-views.tsx';

export interface OrdersModule extends AppModule {
  name: 'orders';
  service: OrderService;
  /** `/orders/<id>/confirmation?token=…`: reachable by a guest who has the link, for 30 days. */
  confirmationPath(orderId: string): string;
  /**
   * Queues the confirmation mail of a paid order again (staff "resend"); `also` runs in the same
   * transaction (the caller's audit record).
   */
  resendConfirmation(orderId: string, also: (trx: DbHandle) => Promise<void>): Promise<void>;
}

export function createOrdersModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    payUrl: (orderId: string) => Promise<string | null>;
    /** The refunds of an order (the payments module keeps them), for the customer's pages. */
    refundsOf: (orderId: string) => Promise<OrderRefundView[]>;
  },
): OrdersModule {
  const db = ctx.db.withTables<OrdersTables>();
  const service = new OrderService(ctx, db);

  // "Order paid": fulfillment (licensing) will consume it; for now it sends the confirmation mail,
  // once per order whatever the number of deliveries (the claim and the mail commit together).
  ctx.events.subscribe('orders.paid', {
    name: 'confirmation-mail',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async ({ orderId }) => {
      const order = await service.get(orderId);
      if (!order) return;
      await inTransaction(db, async (tx) => {
        if (await service.claimConfirmation(orderId, handle(tx)))
          await sendOrderConfirmation(ctx, handle(tx), order);
      });
    },
  });

  // "Order refunded": the customer is told, once per refund (the claim and the mail commit together).
  ctx.events.subscribe('orders.refunded', {
    name: 'refund-notice',
    retryLimit: 10,
    retryDelaySeconds: 30,
    handler: async ({ orderId, refundId, amount, full }) => {
      const order = await service.get(orderId);
      if (!order) return;
      await inTransaction(db, async (tx) => {
        if (await service.claimRefundNotice(refundId, orderId, handle(tx)))
          await sendRefundNotice(ctx, handle(tx), order, { amount, full });
      });
    },
  });

  return {
    name: 'orders',
    service,
    async resendConfirmation(orderId, also) {
      // Read before the transaction: on PGlite the pool has one connection.
      const order = await service.get(orderId);
      if (!order) throw new AppError('NOT_FOUND', 'No order has this id.');
      if (!order.row.paid_at)
        throw new AppError('ORDER_STATE_CONFLICT', 'Only a paid order has a confirmation to send.');
      await inTransaction(db, async (tx) => {
        await sendOrderConfirmation(ctx, handle(tx), order);
        await also(handle(tx));
      });
    },
    confirmationPath: (orderId) =>
      `/orders/${orderId}/confirmation?token=${confirmationToken(ctx.secrets, orderId, ctx.clock.now())}`,
    async registerRoutes(app: HttpServer) {
      registerOrderRoutes(app, { orders: service, accounts: deps.accounts });
      registerOrderPages(app, {
        orders: service,
        accounts: deps.accounts,
        checkToken: (order, token) => checkConfirmationToken(ctx.secrets, order, token, ctx.clock.now()),
        payUrl: deps.payUrl,
        refundsOf: deps.refundsOf,
      });
    },
  };
}

export type { OrdersDb };
