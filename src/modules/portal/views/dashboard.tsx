import { formatMoney, isCurrency } from '../../../platform/money.ts';
import { Alert, Layout, type PageChrome } from '../../../web/index.ts';
import { formatHours } from '../../fulfillment/index.ts';
import { UsageMeter } from '../../licensing/index.ts';
import type { Dashboard } from '../portal.service.ts';

const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : 'never');
const money = (amount: number, currency: string) =>
  isCurrency(currency) ? formatMoney(amount, currency) : `${amount} ${currency}`;
const TYPES = { SEAT: 'Per seat', ORGANIZATION: 'Organization', USAGE: 'Usage' } as const;

/** The portal's first page: who you are, what you own, what needs you. */
export function DashboardPage(props: PageChrome & { dashboard: Dashboard }) {
  const d = props.dashboard;
  const { counts } = d.licenses;
  return (
    <Layout {...props} title="Your account — FHIR IQ" currentPath="/account">
      <div class="container stack account-page">
        <h1>Your account</h1>
        <p>
          Signed in as <strong>{d.user.name}</strong> ({d.user.email})
          {d.organizations.length > 0 && (
            <> · {d.organizations.map((o) => `${o.name} (${o.role})`).join(', ')}</>
          )}
          .
        </p>
        {d.pastDueSubscriptions.length > 0 && (
          <Alert kind="error" title="A payment needs you">
            <p>
              {d.pastDueSubscriptions.length === 1
                ? 'A subscription renewal could not be charged.'
                : `${d.pastDueSubscriptions.length} subscription renewals could not be charged.`}{' '}
              <a href="/account/subscriptions">Update the card or pay now</a> to keep your licenses active.
            </p>
          </Alert>
        )}
        {d.licenses.suspended.length > 0 && (
          <Alert kind="error" title="Suspended licenses">
            <p>
              {d.licenses.suspended.map((l) => l.productName).join(', ')}: see{' '}
              <a href="/account/licenses">your licenses</a>.
            </p>
          </Alert>
        )}
        <section aria-labelledby="licenses" class="card">
          <h2 id="licenses">Licenses</h2>
          <p>
            {counts.ACTIVE} active
            {counts.SUSPENDED > 0 && `, ${counts.SUSPENDED} suspended`}
            {counts.EXPIRED > 0 && `, ${counts.EXPIRED} expired`}
            {counts.REVOKED > 0 && `, ${counts.REVOKED} revoked`}.{' '}
            <a href="/account/licenses">All licenses</a>
          </p>
          {d.licenses.active.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Key</th>
                  <th scope="col">Type</th>
                  <th scope="col">Seats</th>
                  <th scope="col">Machines</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {d.licenses.active.slice(0, 5).map((l) => (
                  <tr>
                    <td>
                      <a href={`/account/licenses/${l.id}`}>{l.name}</a>
                    </td>
                    <td>
                      <code>{l.maskedKey}</code>
                    </td>
                    <td>{TYPES[l.type]}</td>
                    <td>{l.type === 'SEAT' ? `${l.seatsAssigned} of ${l.seats} assigned` : l.seats}</td>
                    <td>
                      {l.machineCount} of {l.maxMachines}
                    </td>
                    <td>
                      {l.validUntil ? day(l.validUntil) : 'Perpetual'}
                      {d.licenses.expiringSoon.some((e) => e.id === l.id) && ' (soon)'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {d.meters.length > 0 && (
          <section aria-labelledby="usage" class="card">
            <h2 id="usage">Usage this period</h2>
            <ul class="stack usage-meters">
              {d.meters.map((m) => (
                <UsageMeter meter={m} label={`${m.licenseName}: ${m.meter}`} policy={null} />
              ))}
            </ul>
          </section>
        )}
        <section aria-labelledby="orders" class="card">
          <h2 id="orders">Recent orders</h2>
          {d.recentOrders.length === 0 ? (
            <p>
              No orders yet. <a href="/pricing">See the pricing</a>.
            </p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Date</th>
                  <th scope="col">Total</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {d.recentOrders.map((o) => (
                  <tr>
                    <td>
                      <a href={`/account/orders/${o.id}`}>{o.number}</a>
                    </td>
                    <td>{day(o.createdAt)}</td>
                    <td>{money(o.total, o.currency)}</td>
                    <td>{o.state.replace(/_/g, ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>
            <a href="/account/orders">All orders</a>
          </p>
        </section>
        <section aria-labelledby="services" class="card">
          <h2 id="services">Training and consulting</h2>
          <ul>
            <li>
              <a href="/account/training">Training</a>: {d.training.active} active enrollment
              {d.training.active === 1 ? '' : 's'}
            </li>
            <li>
              <a href="/account/consulting">Consulting</a>: {formatHours(d.consulting.remainingMinutes)}{' '}
              remaining over {d.consulting.engagements} engagement{d.consulting.engagements === 1 ? '' : 's'}
            </li>
          </ul>
        </section>
        {d.openTickets !== null && (
          <section aria-labelledby="support" class="card">
            <h2 id="support">Support</h2>
            {d.openTickets.length === 0 ? (
              <p>No open tickets.</p>
            ) : (
              <ul>
                {d.openTickets.map((ticket) => (
                  <li>
                    <a href={`/account/support/${ticket.id}`}>{ticket.subject}</a> —{' '}
                    {ticket.status.replace(/_/g, ' ')} (updated {day(ticket.updatedAt)})
                  </li>
                ))}
              </ul>
            )}
            <p>
              <a href="/account/support">All tickets</a>
            </p>
          </section>
        )}
      </div>
    </Layout>
  );
}
