import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { renderPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { LicenseSummaryJson, type LicensingModule } from '../licensing/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { SubscriptionsModule } from '../subscriptions/index.ts';
import {
  type CustomerDetail,
  CustomerPage,
  CustomersPage,
  OrganizationPage,
  OrganizationsPage,
} from './views/customer-pages.tsx';

const closed = { additionalProperties: false } as const;
const date = Type.String({ format: 'date-time' });
const Search = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 254 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  closed,
);
const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);
const OrgParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);
const Customer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  platformRole: Type.String(),
  staffRole: Type.Union([Type.String(), Type.Null()]),
  createdAt: date,
});
const Organization = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  members: Type.Integer(),
  createdAt: date,
});
const CustomerJson = Type.Object({
  customer: Type.Intersect([
    Customer,
    Type.Object({
      organizations: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })),
    }),
  ]),
  orders: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      state: Type.String(),
      currency: Type.String(),
      total: Type.Integer(),
      createdAt: date,
    }),
  ),
  licenses: Type.Array(LicenseSummaryJson),
  subscriptions: Type.Array(
    Type.Object({ id: Type.String(), sku: Type.String(), status: Type.String(), periodEnd: date }),
  ),
});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const OrganizationJson = Type.Intersect([
  Organization,
  Type.Object({
    memberList: Type.Array(
      Type.Object({ userId: Type.String(), name: Type.String(), email: Type.String(), role: Type.String() }),
    ),
    billing: Nullable(
      Type.Object({
        legalName: Type.String(),
        address: Type.Array(Type.String()),
        country: Type.String(),
        email: Type.String(),
        vatId: Nullable(Type.String()),
        vatStatus: Nullable(Type.String({ description: 'pending, valid, invalid or unchecked.' })),
        updatedAt: date,
      }),
    ),
  }),
]);

const iso = (d: Date) => new Date(d).toISOString();
/** The directory's search filter from a validated query (the schema's defaults made explicit). */
const paging = (query: { q?: string; limit?: number; offset?: number }) => ({
  q: query.q,
  limit: query.limit ?? 50,
  offset: query.offset ?? 0,
});

/**
 * The staff directory: customers (what each bought: orders, licenses, subscriptions, their
 * organizations) and organizations (their members). Reads only, `admin.customers.read`.
 */
export function registerCustomerRoutes(
  app: HttpServer,
  deps: {
    accounts: AccountsModule;
    orders: OrdersModule;
    licensing: LicensingModule;
    subscriptions: SubscriptionsModule;
  },
): void {
  const { accounts } = deps;
  const guard = { preHandler: accounts.requirePermission('admin.customers.read') };
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];
  const errors = errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED');
  const html = 'text/html; charset=utf-8';

  async function detail(userId: string): Promise<CustomerDetail> {
    const customer = await accounts.directory.customer(userId);
    if (!customer) throw new AppError('NOT_FOUND', 'No customer has this id.');
    const [orders, overview, subs] = await Promise.all([
      deps.orders.service.listForUser(userId, 50),
      deps.licensing.overviewFor(userId),
      deps.subscriptions.service.listForUser(userId),
    ]);
    return {
      customer,
      orders: orders.map((o) => ({
        id: o.id,
        number: o.number,
        state: o.state,
        currency: o.currency,
        total: o.gross_total,
        createdAt: o.created_at,
      })),
      licenses: overview.licenses,
      subscriptions: subs.map((s) => ({
        id: s.id,
        sku: s.sku,
        status: s.status,
        periodEnd: s.current_period_end,
      })),
    };
  }

  app.get(
    '/api/v1/admin/customers',
    {
      ...guard,
      schema: {
        tags,
        security,
        summary: 'Search customers by email or name',
        querystring: Search,
        response: { 200: Type.Object({ items: Type.Array(Customer) }), ...errors },
      },
    },
    async (request) => {
      const items = await accounts.directory.searchCustomers(paging(request.query));
      return { items: items.map((c) => ({ ...c, createdAt: iso(c.createdAt) })) };
    },
  );
  app.get(
    '/api/v1/admin/customers/:id',
    {
      ...guard,
      schema: {
        tags,
        security,
        summary: 'A customer with their organizations, orders, licenses and subscriptions',
        params: UserParams,
        response: { 200: CustomerJson, ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const d = await detail(request.params.id);
      return {
        customer: { ...d.customer, createdAt: iso(d.customer.createdAt) },
        orders: d.orders.map((o) => ({ ...o, createdAt: iso(o.createdAt) })),
        licenses: d.licenses,
        subscriptions: d.subscriptions.map((s) => ({ ...s, periodEnd: iso(s.periodEnd) })),
      };
    },
  );
  app.get(
    '/api/v1/admin/organizations',
    {
      ...guard,
      schema: {
        tags,
        security,
        summary: 'Search organizations by name',
        querystring: Search,
        response: { 200: Type.Object({ items: Type.Array(Organization) }), ...errors },
      },
    },
    async (request) => {
      const items = await accounts.directory.searchOrganizations(paging(request.query));
      return { items: items.map((o) => ({ ...o, createdAt: iso(o.createdAt) })) };
    },
  );
  app.get(
    '/api/v1/admin/organizations/:id',
    {
      ...guard,
      schema: {
        tags,
        security,
        summary: 'An organization with its members and billing details',
        params: OrgParams,
        response: { 200: OrganizationJson, ...errorResponses('UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const org = await accounts.directory.organization(request.params.id);
      if (!org) throw new AppError('NOT_FOUND', 'No organization has this id.');
      const b = await accounts.service.billing.forStaff(org.id);
      return {
        ...org,
        createdAt: iso(org.createdAt),
        billing: b && {
          legalName: b.legalName,
          address: [b.line1, b.line2, `${b.postalCode} ${b.city}`, b.region].filter((l): l is string => !!l),
          country: b.country,
          email: b.email,
          vatId: b.vatId,
          vatStatus: b.vat?.status ?? null,
          updatedAt: iso(b.updatedAt),
        },
      };
    },
  );

  app.get(
    '/admin/customers',
    { ...guard, schema: { hide: true, querystring: Search } },
    async (request, reply) => {
      const customers = await accounts.directory.searchCustomers(paging(request.query));
      return reply
        .type(html)
        .send(
          renderPage(
            CustomersPage({ ...accounts.pageChrome(request, reply), customers, q: request.query.q }),
          ),
        );
    },
  );
  app.get(
    '/admin/customers/:id',
    { ...guard, schema: { hide: true, params: UserParams } },
    async (request, reply) =>
      reply
        .type(html)
        .send(
          renderPage(
            CustomerPage({ ...accounts.pageChrome(request, reply), ...(await detail(request.params.id)) }),
          ),
        ),
  );
  app.get(
    '/admin/organizations',
    { ...guard, schema: { hide: true, querystring: Search } },
    async (request, reply) => {
      const organizations = await accounts.directory.searchOrganizations(paging(request.query));
      return reply
        .type(html)
        .send(
          renderPage(
            OrganizationsPage({ ...accounts.pageChrome(request, reply), organizations, q: request.query.q }),
          ),
        );
    },
  );
  app.get(
    '/admin/organizations/:id',
    { ...guard, schema: { hide: true, params: OrgParams } },
    async (request, reply) => {
      const organization = await accounts.directory.organization(request.params.id);
      if (!organization) throw new AppError('NOT_FOUND', 'No organization has this id.');
      const billing = await accounts.service.billing.forStaff(organization.id);
      return reply
        .type(html)
        .send(
          renderPage(OrganizationPage({ ...accounts.pageChrome(request, reply), organization, billing })),
        );
    },
  );
}
