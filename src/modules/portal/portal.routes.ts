import Type from 'typebox';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { renderPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { LicenseSummaryJson } from '../licensing/index.ts';
import type { PortalService } from './portal.service.ts';
import { DashboardPage } from './views/dashboard.tsx';

const date = Type.String({ format: 'date-time' });
const Ticket = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  updatedAt: date,
});

const DashboardJson = Type.Object({
  user: Type.Object({ name: Type.String(), email: Type.String() }),
  organizations: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })),
  licenses: Type.Object({
    counts: Type.Object({
      ACTIVE: Type.Integer(),
      SUSPENDED: Type.Integer(),
      EXPIRED: Type.Integer(),
      REVOKED: Type.Integer(),
    }),
    active: Type.Array(LicenseSummaryJson),
    expiringSoon: Type.Array(LicenseSummaryJson, { description: 'Active licenses ending within 30 days.' }),
    suspended: Type.Array(LicenseSummaryJson),
  }),
  meters: Type.Array(
    Type.Object({
      licenseId: Type.String(),
      licenseName: Type.String(),
      meter: Type.String(),
      periodStart: Type.String(),
      periodEnd: Type.String(),
      included: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited.' }),
      used: Type.Integer(),
      remaining: Type.Union([Type.Integer(), Type.Null()]),
      overage: Type.Integer(),
    }),
  ),
  recentOrders: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      state: Type.String(),
      currency: Type.String(),
      total: Type.Integer({ description: 'Gross, in minor units.' }),
      createdAt: date,
    }),
  ),
  pastDueSubscriptions: Type.Array(Type.Object({ id: Type.String(), sku: Type.String() })),
  training: Type.Object({ active: Type.Integer() }),
  consulting: Type.Object({ remainingMinutes: Type.Integer(), engagements: Type.Integer() }),
  openTickets: Type.Union([Type.Array(Ticket), Type.Null()], {
    description: 'null when no support desk is wired.',
  }),
});

/** The customer portal's dashboard: the `/account` page and its JSON. */
export function registerPortalRoutes(
  app: HttpServer,
  deps: { accounts: AccountsModule; portal: PortalService },
): void {
  const { accounts, portal } = deps;
  app.get(
    '/api/v1/account/dashboard',
    {
      preHandler: accounts.requireActor(),
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in customer’s dashboard',
        description:
          'Active licenses, usage this period, recent orders, subscriptions needing a payment, training, consulting hours and open support tickets — each read scoped to the caller.',
        security: [{ sessionCookie: [] }, { bearerToken: [] }],
        response: { 200: DashboardJson, ...errorResponses('UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED') },
      },
    },
    async (request) => {
      const d = await portal.dashboard(request.actor!);
      return {
        ...d,
        recentOrders: d.recentOrders.map((o) => ({ ...o, createdAt: new Date(o.createdAt).toISOString() })),
        openTickets:
          d.openTickets?.map((x) => ({ ...x, updatedAt: new Date(x.updatedAt).toISOString() })) ?? null,
      };
    },
  );
  app.get(
    '/account',
    { preHandler: accounts.requireActor({ session: true }), schema: { hide: true } },
    async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(
        renderPage(
          DashboardPage({
            ...accounts.pageChrome(request, reply),
            dashboard: await portal.dashboard(request.actor!),
          }),
        ),
      ),
  );
}
