import { AdminNav, Layout, type PageChrome } from '../../../web/index.ts';
import { groupOf } from '../domain/onboarding-plan.ts';
import { ONBOARDING_SUBJECTS } from '../onboarding.mail.ts';
import type { OnboardingView } from '../onboarding.service.ts';
import type { PlanRow, StepStatus } from '../onboarding.tables.ts';

/** /admin/onboarding: an order's onboarding mails (scheduled, sent, cancelled, suppressed), recent orders. */

const fmt = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) : '—');

const STATUS: Record<StepStatus, string> = {
  scheduled: 'Scheduled',
  sent: 'Sent',
  cancelled: 'Cancelled',
  suppressed: 'Not sent (unsubscribed)',
};

export interface RecentItem {
  plan: PlanRow;
  counts: Record<StepStatus, number>;
}

function StepsTable(props: { view: OnboardingView }) {
  const { plan, steps } = props.view;
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">
          Onboarding mails of order {plan.order_number}, in time order
        </caption>
        <thead>
          <tr>
            <th scope="col">Mail</th>
            <th scope="col">Kind</th>
            <th scope="col">Due</th>
            <th scope="col">Status</th>
            <th scope="col">Sent</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr>
              <td>
                {ONBOARDING_SUBJECTS[s.template]}
                <br />
                <code>{s.template}</code>
              </td>
              <td>{s.category === 'marketing' ? 'Marketing' : 'Transactional'}</td>
              <td>{fmt(s.due_at)}</td>
              <td>
                {STATUS[s.status]}
                {s.status === 'cancelled' && s.reason ? ` (${s.reason})` : ''}
              </td>
              <td>{fmt(s.sent_at)}</td>
              <td>{s.message_id ? <a href={`/admin/outbox/${s.message_id}`}>Open in outbox</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminOnboardingPage(
  props: PageChrome & { query: string; view: OnboardingView | undefined; recent: RecentItem[] },
) {
  const { view } = props;
  return (
    <Layout {...props} title="Onboarding mails — FHIR IQ admin" currentPath="/admin/onboarding">
      <div class="container admin-page">
        <h1>Onboarding mails</h1>
        <AdminNav current="/admin/onboarding" />
        <form method="get" action="/admin/onboarding" class="form inline-form">
          <label for="onboarding-order">Order number or id</label>{' '}
          <input id="onboarding-order" name="order" value={props.query} maxLength={100} />{' '}
          <button type="submit" class="btn btn-secondary">
            Show
          </button>
        </form>
        {props.query && !view && <p>No onboarding sequence for “{props.query}”.</p>}
        {view && (
          <section aria-labelledby="order-heading">
            <h2 id="order-heading">
              Order <a href={`/admin/orders/${view.plan.order_id}`}>{view.plan.order_number}</a>
            </h2>
            <dl class="details">
              <dt>Recipient</dt>
              <dd>{view.plan.recipient}</dd>
              <dt>Paid</dt>
              <dd>{fmt(view.plan.paid_at)}</dd>
              <dt>Products</dt>
              <dd>
                {view.plan.items.length
                  ? view.plan.items.map((i) => `${i.name} (${groupOf(i.productType)})`).join(', ')
                  : '—'}
              </dd>
            </dl>
            <StepsTable view={view} />
          </section>
        )}
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recently paid orders</h2>
          {props.recent.length === 0 ? (
            <p>No onboarding sequences yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="order-list">
                <caption class="visually-hidden">Onboarding sequences, most recently paid first</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Paid</th>
                    <th scope="col">Scheduled</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Cancelled</th>
                    <th scope="col">Not sent (unsubscribed)</th>
                  </tr>
                </thead>
                <tbody>
                  {props.recent.map(({ plan, counts }) => (
                    <tr>
                      <td>
                        <a href={`/admin/onboarding?order=${encodeURIComponent(plan.order_number)}`}>
                          {plan.order_number}
                        </a>
                      </td>
                      <td>{fmt(plan.paid_at)}</td>
                      <td>{counts.scheduled}</td>
                      <td>{counts.sent}</td>
                      <td>{counts.cancelled}</td>
                      <td>{counts.suppressed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </Layout>
  );
}
