import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { AccountsDb, AccountsTables } from './accounts.tables.ts';
import * as orgs from './organizations.repository.ts';

/**
 * The staff directory of customers and organizations (admin console). Reads only; staff with
 * `admin.customers.read` call it. A search matches a substring of the email or the name.
 */

export interface CustomerSummary {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  platformRole: string;
  staffRole: string | null;
  createdAt: Date;
}

export interface OrganizationSummary {
  id: string;
  name: string;
  slug: string;
  members: number;
  createdAt: Date;
}

const summaryOf = (u: AccountsTables['auth_user']): CustomerSummary => ({
  id: u.id,
  name: u.name,
  email: u.email,
  emailVerified: u.email_verified,
  platformRole: u.platform_role,
  staffRole: u.staff_role,
  createdAt: u.created_at,
});

const like = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class Directory {
  constructor(private readonly db: () => Executor<AccountsDb>) {}

  async searchCustomers(filter: {
    q?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<CustomerSummary[]> {
    let q = this.db().selectFrom('auth_user').selectAll();
    if (filter.q) {
      const pattern = like(filter.q);
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['email']), 'like', pattern),
          eb(eb.fn('lower', ['name']), 'like', pattern),
        ]),
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return rows.map(summaryOf);
  }

  async customer(
    userId: string,
  ): Promise<
    (CustomerSummary & { organizations: { id: string; name: string; role: string }[] }) | undefined
  > {
    const user = await this.db()
      .selectFrom('auth_user')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) return undefined;
    const found = summaryOf(user);
    const memberships = await orgs.organizationsOf(this.db(), userId);
    return { ...found, organizations: memberships.map((m) => ({ id: m.id, name: m.name, role: m.role })) };
  }

  async searchOrganizations(filter: {
    q?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<OrganizationSummary[]> {
    let q = this.db()
      .selectFrom('organization as o')
      .select(['o.id', 'o.name', 'o.slug', 'o.created_at'])
      .select(
        sql<number>`(SELECT count(*)::int FROM organization_member m WHERE m.organization_id = o.id)`.as(
          'members',
        ),
      );
    if (filter.q) {
      const pattern = like(filter.q);
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['o.name']), 'like', pattern),
          eb(eb.fn('lower', ['o.slug']), 'like', pattern),
        ]),
      );
    }
    const rows = await q
      .orderBy('o.name')
      .orderBy('o.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return rows.map((o) => ({
      id: o.id,
      name: o.name,
      slug: o.slug,
      members: Number(o.members),
      createdAt: o.created_at,
    }));
  }

  async organization(
    orgId: string,
  ): Promise<
    | (OrganizationSummary & { memberList: { userId: string; name: string; email: string; role: string }[] })
    | undefined
  > {
    const org = await orgs.findOrganization(this.db(), orgId);
    if (!org) return undefined;
    const members = await orgs.membersOf(this.db(), orgId);
    return {
      id: org.id,
      name: org.name,
      slug: org.slug,
      createdAt: org.created_at,
      members: members.length,
      memberList: members.map((m) => ({ userId: m.user_id, name: m.name, email: m.email, role: m.role })),
    };
  }
}
