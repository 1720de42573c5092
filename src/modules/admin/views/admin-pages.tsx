import type { FailedJob } from '../../../platform/jobs/queue.ts';
import type { MailAttachmentInfo, MailRow } from '../../../platform/mail/mailer.ts';
import { formatMoney, isCurrency } from '../../../platform/money.ts';
import { AdminNav, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { AuditEvent } from '../../audit/index.ts';

const fmt = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '—');

/** One period's paid orders and revenue, per currency. */
export interface RevenueFigures {
  currency: string;
  orders: number;
  gross: number;
  refunded: number;
}

export interface DashboardOrder {
  id: string;
  number: string;
  email: string;
  currency: string;
  gross: number;
  at: Date;
  error?: string | null;
}

export interface AdminDashboardProps extends PageChrome {
  /** The UTC day the "today" figures count from. */
  day: string;
  today: RevenueFigures[];
  week: RevenueFigures[];
  recentPaid: DashboardOrder[];
  failedPayments: { count: number; orders: DashboardOrder[] };
  pastDueSubscriptions: number;
  needsAttention: { orderId: string; orderNumber: string; failedStep: string | null; since: Date | null }[];
  counts: { queue: string; state: string; count: number }[];
  outboxTotal: number;
  failedJobs: number;
}

const money = (amount: number, currency: string) =>
  isCurrency(currency) ? formatMoney(amount, currency) : `${amount} ${currency}`;
const when = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '—');

function Revenue(props: { id: string; title: string; figures: RevenueFigures[] }) {
  return (
    <section aria-labelledby={props.id} class="card">
      <h2 id={props.id}>{props.title}</h2>
      {props.figures.length === 0 ? (
        <p>No paid orders.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Currency</th>
              <th scope="col">Paid orders</th>
              <th scope="col">Revenue (gross)</th>
              <th scope="col">Refunded since</th>
            </tr>
          </thead>
          <tbody>
            {props.figures.map((f) => (
              <tr>
                <td>{f.currency}</td>
                <td>{f.orders}</td>
                <td>{money(f.gross, f.currency)}</td>
                <td>{money(f.refunded, f.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Orders(props: { caption: string; orders: DashboardOrder[]; withError?: boolean }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Customer</th>
          <th scope="col">Amount</th>
          <th scope="col">{props.withError ? 'Last attempt' : 'Paid'}</th>
          {props.withError && <th scope="col">Error</th>}
        </tr>
      </thead>
      <tbody>
        {props.orders.map((o) => (
          <tr>
            <td>
              <a href={`/admin/orders/${o.id}`}>{o.number}</a>
            </td>
            <td>{o.email}</td>
            <td>{money(o.gross, o.currency)}</td>
            <td>{when(o.at)}</td>
            {props.withError && <td>{o.error ?? '—'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What staff look at first: today's business, what failed, and what needs a person. */
export function AdminDashboard(props: AdminDashboardProps) {
  return (
    <Layout {...props} title="Admin — FHIR IQ" currentPath="/admin">
      <div class="container admin-page stack">
        <h1>Admin</h1>
        <AdminNav current="/admin" />
        <Revenue id="today" title={`Today (${props.day}, UTC)`} figures={props.today} />
        <Revenue id="week" title="Last 7 days" figures={props.week} />
        <section aria-labelledby="attention" class="card">
          <h2 id="attention">Needs attention</h2>
          {props.needsAttention.length === 0 ? (
            <p>No order is waiting for a person.</p>
          ) : (
            <ul>
              {props.needsAttention.map((n) => (
                <li>
                  <a href={`/admin/orders/${n.orderId}`}>{n.orderNumber}</a>: fulfillment stopped
                  {n.failedStep ? ` at ${n.failedStep}` : ''} ({when(n.since)}).{' '}
                  <a href="/admin/fulfillment">Retry</a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="failed" class="card">
          <h2 id="failed">Failed payments</h2>
          <p>
            {props.failedPayments.count} unpaid order{props.failedPayments.count === 1 ? '' : 's'} with a
            failed payment; {props.pastDueSubscriptions} subscription
            {props.pastDueSubscriptions === 1 ? '' : 's'}{' '}
            <a href="/admin/subscriptions?status=past_due">past due</a>.
          </p>
          {props.failedPayments.orders.length > 0 && (
            <Orders caption="Most recent failed payments" orders={props.failedPayments.orders} withError />
          )}
        </section>
        {props.recentPaid.length > 0 && (
          <section aria-labelledby="recent" class="card">
            <h2 id="recent">Recent paid orders</h2>
            <Orders caption="The last paid orders (7 days)" orders={props.recentPaid} />
          </section>
        )}
        <section aria-labelledby="ops" class="card">
          <h2 id="ops">Operations</h2>
          <ul>
            <li>
              <a href="/admin/outbox">Outbox</a>: {props.outboxTotal} recent messages
            </li>
            <li>
              <a href="/admin/jobs">Failed jobs</a>: {props.failedJobs}
            </li>
          </ul>
          <table>
            <caption>Jobs by queue and state</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">State</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {props.counts.map((c) => (
                <tr>
                  <td>{c.queue}</td>
                  <td>{c.state}</td>
                  <td>{c.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </Layout>
  );
}

export function OutboxPage(props: PageChrome & { messages: MailRow[]; to?: string }) {
  return (
    <Layout {...props} title="Outbox — FHIR IQ admin" currentPath="/admin/outbox">
      <div class="container admin-page">
        <h1>Outbox</h1>
        <AdminNav current="/admin/outbox" />
        <p>
          Every message the platform sent or would send. Without SMTP configured, messages are only stored
          here.
        </p>
        <form method="get" action="/admin/outbox" class="inline-form">
          <label for="to">Recipient</label>
          <input id="to" name="to" type="email" value={props.to ?? ''} maxLength={254} />
          <button type="submit" class="btn btn-secondary">
            Filter
          </button>
        </form>
        <table>
          <caption>Latest messages</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Template</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.messages.length === 0 && (
              <tr>
                <td colSpan={5}>No messages yet.</td>
              </tr>
            )}
            {props.messages.map((m) => (
              <tr>
                <td>{fmt(m.created_at)}</td>
                <td>{m.to_address}</td>
                <td>
                  <a href={`/admin/outbox/${m.id}`}>{m.subject}</a>
                </td>
                <td>{m.template}</td>
                <td>{m.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function OutboxMessagePage(
  props: PageChrome & { message: MailRow; attachments?: readonly MailAttachmentInfo[] },
) {
  const m = props.message;
  return (
    <Layout {...props} title={`${m.subject} — Outbox`} currentPath="/admin/outbox">
      <div class="container admin-page">
        <h1>{m.subject}</h1>
        <AdminNav current="/admin/outbox" />
        <dl class="details">
          <dt>To</dt>
          <dd>{m.to_address}</dd>
          <dt>From</dt>
          <dd>{m.from_address}</dd>
          <dt>Status</dt>
          <dd>
            {m.status} after {m.attempts} attempt(s){m.last_error ? ` — last error: ${m.last_error}` : ''}
          </dd>
          <dt>Created</dt>
          <dd>{fmt(m.created_at)}</dd>
          <dt>Sent or stored</dt>
          <dd>{fmt(m.sent_at)}</dd>
          {props.attachments?.length ? (
            <>
              <dt>Attachments</dt>
              <dd>
                <ul>
                  {props.attachments.map((a) => (
                    <li>
                      <a href={`/admin/outbox/${m.id}/attachments/${a.position}`}>{a.filename}</a> (
                      {a.contentType}, {a.size} bytes)
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </dl>
        <h2>Text version</h2>
        <pre class="mail-text">{m.text_body}</pre>
        <h2>HTML version</h2>
        <iframe
          class="mail-html"
          title="HTML version of the message"
          sandbox=""
          src={`/admin/outbox/${m.id}/html`}
          loading="lazy"
        />
      </div>
    </Layout>
  );
}

export function JobsPage(props: PageChrome & { failed: FailedJob[]; canRetry: boolean }) {
  return (
    <Layout {...props} title="Jobs — FHIR IQ admin" currentPath="/admin/jobs">
      <div class="container admin-page">
        <h1>Failed jobs</h1>
        <AdminNav current="/admin/jobs" />
        <p>
          Jobs that used up their retries. Retrying runs the job again from the start; jobs are idempotent.
        </p>
        {props.failed.length === 0 ? (
          <p>No failed jobs.</p>
        ) : (
          <table>
            <caption>Failed jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Job</th>
                <th scope="col">Failed</th>
                <th scope="col">Retries</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.failed.map((j) => (
                <tr>
                  <td>{j.queue}</td>
                  <td>
                    <code>{j.id}</code>
                  </td>
                  <td>{fmt(j.completedOn)}</td>
                  <td>{j.retryCount}</td>
                  <td>{errorText(j.output)}</td>
                  <td>
                    {props.canRetry && (
                      <form method="post" action={`/admin/jobs/${encodeURIComponent(j.queue)}/${j.id}/retry`}>
                        <CsrfInput token={props.csrfToken ?? ''} />
                        <button type="submit" class="btn btn-secondary">
                          Retry
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  );
}

export function AuditPage(props: PageChrome & { events: AuditEvent[] }) {
  return (
    <Layout {...props} title="Audit log — FHIR IQ admin" currentPath="/admin/audit">
      <div class="container admin-page">
        <h1>Audit log</h1>
        <AdminNav current="/admin/audit" />
        <table>
          <caption>Staff actions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Before → after</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr>
                <td>{fmt(e.at)}</td>
                <td>{e.actor_email ?? 'system'}</td>
                <td>{e.action}</td>
                <td>
                  {e.target_type} <code>{e.target_id}</code>
                </td>
                <td>
                  <code>{JSON.stringify(e.before)}</code> → <code>{JSON.stringify(e.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function errorText(output: unknown): string {
  if (output && typeof output === 'object' && 'message' in output)
    return String((output as { message: unknown }).message);
  return output ? JSON.stringify(output).slice(0, 200) : '';
}
