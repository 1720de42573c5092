import { AdminNav, Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import type { AllocationWithEntries } from '../consulting.service.ts';
import type { FulfillmentRow, FulfillmentStatus } from '../fulfillment.tables.ts';
import { AllocationFacts, EntriesTable } from './account-views.tsx';

/** Staff pages: /admin/fulfillment (needs attention, recent, retry) and /admin/consulting (time entries). */

const fmt = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) : '—');

const STATUS: Record<FulfillmentStatus, string> = {
  pending: 'In progress',
  fulfilled: 'Fulfilled',
  needs_attention: 'Needs attention',
};

export interface FulfillmentListItem {
  fulfillment: FulfillmentRow;
  steps: { done: number; total: number };
}

function FulfillmentTable(props: {
  items: FulfillmentListItem[];
  caption: string;
  canRetry: boolean;
  csrfToken: string | undefined;
}) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Status</th>
            <th scope="col">Steps done</th>
            <th scope="col">Attempts</th>
            <th scope="col">Failing step and error</th>
            <th scope="col">Updated</th>
            {props.canRetry && <th scope="col">Action</th>}
          </tr>
        </thead>
        <tbody>
          {props.items.map(({ fulfillment: f, steps }) => (
            <tr>
              <td>
                <a href={`/admin/orders/${f.order_id}`}>{f.order_number}</a>
              </td>
              <td>{STATUS[f.status]}</td>
              <td>
                {steps.done} of {steps.total}
              </td>
              <td>{f.attempts}</td>
              <td>
                {f.failed_step ? (
                  <>
                    <code>{f.failed_step}</code>
                    <br />
                    {f.last_error}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>{fmt(f.updated_at)}</td>
              {props.canRetry && (
                <td>
                  {f.status !== 'fulfilled' && (
                    <form method="post" action={`/admin/fulfillment/${f.order_id}/retry`} class="inline-form">
                      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
                      <button type="submit" class="btn btn-secondary">
                        Retry {f.order_number}
                      </button>
                    </form>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminFulfillmentPage(
  props: PageChrome & {
    attention: FulfillmentListItem[];
    recent: FulfillmentListItem[];
    canRetry: boolean;
    outcome: { number: string; status: FulfillmentStatus; error: string | null } | null;
  },
) {
  const { outcome } = props;
  return (
    <Layout {...props} title="Fulfillment — FHIR IQ admin" currentPath="/admin/fulfillment">
      <div class="container admin-page">
        <h1>Fulfillment</h1>
        <AdminNav current="/admin/fulfillment" />
        {outcome &&
          (outcome.status === 'fulfilled' ? (
            <Alert kind="success" title="Fulfilled">
              <p>Order {outcome.number} is fulfilled: whatever was missing has been delivered.</p>
            </Alert>
          ) : (
            <Alert kind="error" title="Still failing">
              <p>
                Order {outcome.number} still needs attention{outcome.error ? `: ${outcome.error}` : '.'}
              </p>
            </Alert>
          ))}
        <section aria-labelledby="attention-heading">
          <h2 id="attention-heading">Needs attention</h2>
          <p>
            Orders whose fulfillment used up its automatic retries. What was delivered stays delivered; a
            retry delivers only what is missing.
          </p>
          {props.attention.length === 0 ? (
            <p>Nothing needs attention.</p>
          ) : (
            <FulfillmentTable
              items={props.attention}
              caption="Orders that need attention"
              canRetry={props.canRetry}
              csrfToken={props.csrfToken}
            />
          )}
        </section>
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent</h2>
          {props.recent.length === 0 ? (
            <p>No order has been fulfilled yet.</p>
          ) : (
            <FulfillmentTable
              items={props.recent}
              caption="Recently fulfilled orders, newest first"
              canRetry={props.canRetry}
              csrfToken={props.csrfToken}
            />
          )}
        </section>
      </div>
    </Layout>
  );
}

const hoursLeft = (a: AllocationWithEntries['allocation']) =>
  a.minutes_allocated === null
    ? 'Fixed scope'
    : `${Math.round(((a.minutes_allocated - a.minutes_used - a.minutes_canceled) / 60) * 100) / 100} h left`;

export function AdminConsultingListPage(
  props: PageChrome & { allocations: AllocationWithEntries['allocation'][]; open: boolean },
) {
  return (
    <Layout {...props} title="Consulting — FHIR IQ admin" currentPath="/admin/consulting">
      <div class="container admin-page">
        <h1>Consulting allocations</h1>
        <AdminNav current="/admin/consulting" />
        <p>
          {props.open ? (
            <a href="/admin/consulting">Show all allocations</a>
          ) : (
            <a href="/admin/consulting?open=true">Show only open allocations</a>
          )}
        </p>
        {props.allocations.length === 0 ? (
          <p>No consulting allocations.</p>
        ) : (
          <div class="table-wrap">
            <table class="order-list">
              <caption class="visually-hidden">Consulting allocations, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Allocation</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Balance</th>
                  <th scope="col">Use by</th>
                </tr>
              </thead>
              <tbody>
                {props.allocations.map((a) => (
                  <tr>
                    <td>
                      <a href={`/admin/consulting/${a.id}`}>{a.name}</a>
                      {a.status === 'canceled' ? ' (canceled)' : ''}
                    </td>
                    <td>{a.email}</td>
                    <td>{hoursLeft(a)}</td>
                    <td>{a.expires_at ? fmt(a.expires_at).slice(0, 10) : 'No expiry'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Layout>
  );
}

export interface EntryFormState {
  date: string;
  hours: string;
  note: string;
  requestKey: string;
  errors: Record<string, string>;
  error: string | null;
}

export function AdminConsultingPage(
  props: PageChrome & {
    view: AllocationWithEntries;
    now: Date;
    canRecord: boolean;
    form: EntryFormState;
    recorded: boolean;
  },
) {
  const { allocation: a, entries } = props.view;
  const f = props.form;
  return (
    <Layout {...props} title={`${a.name} — consulting — FHIR IQ admin`} currentPath="/admin/consulting">
      <div class="container admin-page">
        <h1>{a.name}</h1>
        <AdminNav current="/admin/consulting" />
        <p>
          <a href="/admin/consulting">All allocations</a> · Customer {a.email} ·{' '}
          <a href={`/admin/orders/${a.order_id}`}>the order</a>
        </p>
        {props.recorded && (
          <Alert kind="success" title="Recorded">
            <p>The time entry is recorded and taken off the balance.</p>
          </Alert>
        )}
        {f.error && (
          <Alert kind="error" title="Nothing was recorded">
            <p>{f.error}</p>
          </Alert>
        )}
        <AllocationFacts a={a} now={props.now} />
        {props.canRecord && (
          <section aria-labelledby="entry-heading">
            <h2 id="entry-heading">Record time</h2>
            <form method="post" action={`/admin/consulting/${a.id}/entries`} class="stack-form" novalidate>
              {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
              <input type="hidden" name="requestKey" value={f.requestKey} />
              <FormField
                name="date"
                label="Date worked"
                type="date"
                value={f.date}
                required
                error={f.errors.date}
              />
              <FormField
                name="hours"
                label="Hours"
                value={f.hours}
                required
                hint="Whole minutes, e.g. 1.5 or 0.25."
                error={f.errors.hours}
              />
              <FormField
                name="note"
                label="What was done"
                value={f.note}
                required
                maxLength={1000}
                error={f.errors.note}
              />
              <button type="submit" class="btn btn-primary">
                Record time
              </button>
            </form>
          </section>
        )}
        <section aria-labelledby="entries-heading">
          <h2 id="entries-heading">Time recorded</h2>
          <EntriesTable entries={entries} staff />
        </section>
      </div>
    </Layout>
  );
}
