import { formatMoney, isCurrency } from '../../../platform/money.ts';
import { AdminNav, Layout, type PageChrome } from '../../../web/index.ts';
import {
  BillingSummary,
  type CustomerSummary,
  type OrganizationBilling,
  type OrganizationSummary,
} from '../../accounts/index.ts';
import type { LicenseSummary } from '../../licensing/index.ts';

const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');
const money = (amount: number, currency: string) =>
  isCurrency(currency) ? formatMoney(amount, currency) : `${amount} ${currency}`;

function Search(props: { action: string; q: string | undefined; label: string }) {
  return (
    <form method="get" action={props.action} class="stack">
      <label for="q">{props.label}</label>
      <input id="q" name="q" type="search" value={props.q ?? ''} maxLength={254} />
      <button type="submit" class="btn btn-secondary btn-small">
        Search
      </button>
    </form>
  );
}

export function CustomersPage(props: PageChrome & { customers: CustomerSummary[]; q: string | undefined }) {
  return (
    <Layout {...props} title="Customers — Admin — FHIR IQ" currentPath="/admin/customers">
      <div class="container admin-page stack">
        <h1>Customers</h1>
        <AdminNav current="/admin/customers" />
        <Search action="/admin/customers" q={props.q} label="Email or name" />
        <p>
          <a href="/admin/organizations">Organizations</a>
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Plan</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {props.customers.length === 0 && (
              <tr>
                <td colSpan={4}>No customer matches.</td>
              </tr>
            )}
            {props.customers.map((c) => (
              <tr>
                <td>
                  <a href={`/admin/customers/${c.id}`}>{c.name}</a>
                </td>
                <td>
                  {c.email}
                  {!c.emailVerified && ' (unverified)'}
                </td>
                <td>
                  {c.platformRole}
                  {c.staffRole && ` · staff: ${c.staffRole}`}
                </td>
                <td>{day(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export interface CustomerDetail {
  customer: CustomerSummary & { organizations: { id: string; name: string; role: string }[] };
  orders: { id: string; number: string; state: string; currency: string; total: number; createdAt: Date }[];
  licenses: LicenseSummary[];
  subscriptions: { id: string; sku: string; status: string; periodEnd: Date }[];
}

export function CustomerPage(props: PageChrome & CustomerDetail) {
  const c = props.customer;
  return (
    <Layout {...props} title={`${c.name} — Customers — FHIR IQ`} currentPath="/admin/customers">
      <div class="container admin-page stack">
        <p>
          <a href="/admin/customers">Customers</a>
        </p>
        <h1>{c.name}</h1>
        <AdminNav current="/admin/customers" />
        <dl class="details">
          <dt>Email</dt>
          <dd>
            {c.email}
            {!c.emailVerified && ' (unverified)'}
          </dd>
          <dt>Plan</dt>
          <dd>{c.platformRole}</dd>
          <dt>Customer since</dt>
          <dd>{day(c.createdAt)}</dd>
          <dt>Organizations</dt>
          <dd>
            {c.organizations.length === 0
              ? 'None'
              : c.organizations.map((o, i) => (
                  <>
                    {i > 0 && ', '}
                    <a href={`/admin/organizations/${o.id}`}>{o.name}</a> ({o.role})
                  </>
                ))}
          </dd>
        </dl>
        <section aria-labelledby="orders">
          <h2 id="orders">Orders</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Date</th>
                <th scope="col">Total</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {props.orders.length === 0 && (
                <tr>
                  <td colSpan={4}>No orders.</td>
                </tr>
              )}
              {props.orders.map((o) => (
                <tr>
                  <td>
                    <a href={`/admin/orders/${o.id}`}>{o.number}</a>
                  </td>
                  <td>{day(o.createdAt)}</td>
                  <td>{money(o.total, o.currency)}</td>
                  <td>{o.state.replace(/_/g, ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="licenses">
          <h2 id="licenses">Licenses</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">License</th>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {props.licenses.length === 0 && (
                <tr>
                  <td colSpan={4}>No licenses.</td>
                </tr>
              )}
              {props.licenses.map((l) => (
                <tr>
                  <td>
                    <a href={`/admin/licenses/${l.id}`}>{l.name}</a>
                  </td>
                  <td>
                    <code>{l.maskedKey}</code>
                  </td>
                  <td>{l.status}</td>
                  <td>{l.validUntil ? day(l.validUntil) : 'Perpetual'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="subscriptions">
          <h2 id="subscriptions">Subscriptions</h2>
          {props.subscriptions.length === 0 ? (
            <p>No subscriptions.</p>
          ) : (
            <ul>
              {props.subscriptions.map((s) => (
                <li>
                  {s.sku}: {s.status.replace(/_/g, ' ')}, period ends {day(s.periodEnd)}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </Layout>
  );
}

export function OrganizationsPage(
  props: PageChrome & { organizations: OrganizationSummary[]; q: string | undefined },
) {
  return (
    <Layout {...props} title="Organizations — Admin — FHIR IQ" currentPath="/admin/customers">
      <div class="container admin-page stack">
        <h1>Organizations</h1>
        <AdminNav current="/admin/customers" />
        <Search action="/admin/organizations" q={props.q} label="Name" />
        <table>
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Members</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {props.organizations.length === 0 && (
              <tr>
                <td colSpan={3}>No organization matches.</td>
              </tr>
            )}
            {props.organizations.map((o) => (
              <tr>
                <td>
                  <a href={`/admin/organizations/${o.id}`}>{o.name}</a>
                </td>
                <td>{o.members}</td>
                <td>{day(o.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function OrganizationPage(
  props: PageChrome & {
    organization: OrganizationSummary & {
      memberList: { userId: string; name: string; email: string; role: string }[];
    };
    billing: OrganizationBilling | null;
  },
) {
  const o = props.organization;
  return (
    <Layout {...props} title={`${o.name} — Organizations — FHIR IQ`} currentPath="/admin/customers">
      <div class="container admin-page stack">
        <p>
          <a href="/admin/organizations">Organizations</a>
        </p>
        <h1>{o.name}</h1>
        <AdminNav current="/admin/customers" />
        <table>
          <caption>Members</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>
            {o.memberList.map((m) => (
              <tr>
                <td>
                  <a href={`/admin/customers/${m.userId}`}>{m.name}</a>
                </td>
                <td>{m.email}</td>
                <td>{m.role}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <section aria-labelledby="billing">
          <h2 id="billing">Billing details</h2>
          {props.billing ? <BillingSummary billing={props.billing} /> : <p>None saved.</p>}
        </section>
      </div>
    </Layout>
  );
}
