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
  viewerOf,
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
        description:
          'With the orders placed for the organizations where the caller is an owner, admin or billing member (`organizationId` says which).',
        response: { 200: OrderList, ...errors('UNAUTHENTICATED') },
      },
    },
    async (request) => ({
      items: (await orders.listForViewer(viewerOf(request, accounts))).map(orderSummaryJson),
    }),
  );

  app.get(
    '/api/v1/orders/:id',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags,
        summary: 'One of the caller’s orders, with its line snapshots and tax evidence',
        description:
          'Another customer’s order answers 404, exactly like an unknown id, unless it was placed for an organization where the caller is an owner, admin or billing member.',
        params: OrderIdParams,
        response: { 200: OrderJson, ...errors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND') },
      },
    },
    async (request) => orderJson(await orders.getForViewer(request.params.id, viewerOf(request, accounts))),
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
