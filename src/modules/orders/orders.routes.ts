import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import {
  AdminOrderQuery,
  errors,
  OrderIdParams,
  OrderJson,
  OrderList,
  orderJson,
  orderSummaryJson,
} from './orders.schema.ts';
import type { OrderService } from './orders.service.ts';

/** JSON: a customer's own orders, and the staff search. */
export function registerOrderRoutes(
  app: HttpServer,
  deps: { orders: OrderService; accounts: AccountsModule },
): void {
  const { orders, accounts } = deps;
  const tags = ['orders'];

  app.get(
    '/api/v1/orders',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags,
        summary: 'The caller’s orders, newest first',
        response: { 200: OrderList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({ items: (await orders.listForUser(request.actor!.userId)).map(orderSummaryJson) }),
  );

  app.get(
    '/api/v1/orders/:id',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags,
        summary: 'One of the caller’s orders, with its line snapshots and tax evidence',
        description: 'Another customer’s order answers 404, exactly like an unknown id.',
        params: OrderIdParams,
        response: { 200: OrderJson, ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND') },
      },
    },
    async (request) => orderJson(await orders.getForUser(request.params.id, request.actor!.userId)),
  );

  app.get(
    '/api/v1/admin/orders',
    {
      preHandler: accounts.requirePermission('admin.orders.read'),
      schema: {
        tags,
        summary: 'Staff: search orders',
        description: '`q` matches the order number, billing email or name (case-insensitive substring).',
        querystring: AdminOrderQuery,
        response: { 200: OrderList, ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN') },
      },
    },
    async (request) => ({ items: (await orders.search(request.query)).map(orderSummaryJson) }),
  );
}
