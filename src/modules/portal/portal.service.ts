import type { PlatformContext } from '../../platform/context.ts';
import type { AccountsModule, Actor } from '../accounts/index.ts';
import { balanceOf, type FulfillmentModule } from '../fulfillment/index.ts';
import type { LicenseSummary, LicensingModule, MeterTotals } from '../licensing/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { SubscriptionsModule } from '../subscriptions/index.ts';

/** An open support ticket as the dashboard lists it (the support module provides them). */
export interface TicketSummary {
  id: string;
  subject: string;
  status: string;
  updatedAt: Date;
}

export interface PortalSources {
  accounts: AccountsModule;
  orders: OrdersModule;
  licensing: LicensingModule;
  subscriptions: SubscriptionsModule;
  fulfillment: FulfillmentModule;
  /** The customer's open support tickets, when a support module is wired. */
  openTickets?: (userId: string) => Promise<TicketSummary[]>;
}

export interface Dashboard {
  user: { name: string; email: string };
  organizations: { id: string; name: string; role: string }[];
  licenses: {
    counts: Record<LicenseSummary['status'], number>;
    active: LicenseSummary[];
    /** Active licenses whose term ends within 30 days. */
    expiringSoon: LicenseSummary[];
    suspended: LicenseSummary[];
  };
  meters: (MeterTotals & { licenseId: string; licenseName: string })[];
  recentOrders: {
    id: string;
    number: string;
    state: string;
    currency: string;
    total: number;
    createdAt: Date;
  }[];
  pastDueSubscriptions: { id: string; sku: string }[];
  training: { active: number };
  consulting: { remainingMinutes: number; engagements: number };
  openTickets: TicketSummary[] | null;
}

const EXPIRY_WARNING_MS = 30 * 86_400_000;

/**
 * The customer's dashboard: one read over the modules that hold what they bought, each
 * scoped to the signed-in user by that module's own queries.
 */
export class PortalService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly sources: PortalSources,
  ) {}

  async dashboard(actor: Actor): Promise<Dashboard> {
    const { accounts, orders, licensing, subscriptions, fulfillment } = this.sources;
    const now = this.ctx.clock.now();
    const [orgs, overview, recent, subs, enrollments, allocations, tickets] = await Promise.all([
      accounts.service.organizations.listMine(actor),
      licensing.overviewFor(actor.userId),
      orders.service.listForUser(actor.userId, 5),
      subscriptions.service.listForUser(actor.userId),
      fulfillment.training.listForUser(actor.userId),
      fulfillment.consulting.listForUser(actor.userId),
      this.sources.openTickets ? this.sources.openTickets(actor.userId) : Promise.resolve(null),
    ]);
    const counts: Dashboard['licenses']['counts'] = { ACTIVE: 0, SUSPENDED: 0, EXPIRED: 0, REVOKED: 0 };
    for (const l of overview.licenses) counts[l.status]++;
    const active = overview.licenses.filter((l) => l.status === 'ACTIVE');
    const names = new Map(overview.licenses.map((l) => [l.id, l.productName]));
    const usable = allocations
      .map((a) => a.allocation)
      .filter((a) => a.status === 'active' && (!a.expires_at || new Date(a.expires_at) > now));
    return {
      user: { name: actor.name, email: actor.email },
      organizations: orgs.map((o) => ({ id: o.id, name: o.name, role: o.role })),
      licenses: {
        counts,
        active,
        expiringSoon: active.filter(
          (l) => l.validUntil && new Date(l.validUntil).getTime() - now.getTime() <= EXPIRY_WARNING_MS,
        ),
        suspended: overview.licenses.filter((l) => l.status === 'SUSPENDED'),
      },
      meters: overview.meters.map((m) => ({ ...m, licenseName: names.get(m.licenseId) ?? m.licenseId })),
      recentOrders: recent.map((o) => ({
        id: o.id,
        number: o.number,
        state: o.state,
        currency: o.currency,
        total: o.gross_total,
        createdAt: o.created_at,
      })),
      pastDueSubscriptions: subs
        .filter((s) => s.status === 'past_due')
        .map((s) => ({ id: s.id, sku: s.sku })),
      training: { active: enrollments.filter((e) => e.status === 'active').length },
      consulting: {
        remainingMinutes: usable.reduce((sum, a) => sum + (balanceOf(a).remaining ?? 0), 0),
        engagements: usable.length,
      },
      openTickets: tickets,
    };
  }
}
