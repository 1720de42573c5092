import { type Currency, formatMoney } from '../../../platform/money.ts';
import { AdminNav, Alert, Button, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { SubscriptionStatus } from '../domain/dunning.ts';
import type { ChangePreview, PlanOption } from '../subscriptions.service.ts';
import type { SubscriptionEventRow, SubscriptionRow } from '../subscriptions.tables.ts';

/** The customer's subscription pages and the staff list. */

const STATUS_LABELS: Record<SubscriptionStatus, string> = {
  active: 'Active',
  past_due: 'Payment overdue',
  suspended: 'Suspended',
  canceled: 'Ended',
};

const EVENT_LABELS: Record<string, string> = {
  created: 'Subscription started',
  renewed: 'Renewed',
  plan_changed: 'Plan changed',
  past_due: 'Renewal payment failed',
  payment_retry_failed: 'Payment retry failed',
  suspended: 'Suspended (grace period over)',
  reinstated: 'Reinstated (renewal paid)',
  cancel_scheduled: 'Set to end at the period end',
  resumed: 'Cancellation taken back',
  canceled: 'Canceled',
  ended: 'Ended',
};

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');
const money = (s: SubscriptionRow, n: number) => formatMoney(Number(n), s.currency as Currency);
const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express' };
const brand = (b: string) => BRANDS[b] ?? b;
const per = (s: SubscriptionRow) => (s.interval === 'month' ? 'month' : 'year');

/** What the last action did: done, or refused with nothing changed. */
function Outcome(props: { notice?: string | null | undefined; error?: string | null | undefined }) {
  return (
    <>
      {props.notice && (
        <Alert kind="success" title="Done">
          <p>{props.notice}</p>
        </Alert>
      )}
      {props.error && (
        <Alert kind="error" title="Nothing was changed">
          <p>{props.error}</p>
        </Alert>
      )}
    </>
  );
}

function statusLine(s: SubscriptionRow): string {
  if (s.status === 'canceled') return `Ended on ${day(s.ended_at)}.`;
  if (s.status === 'suspended')
    return 'Access is suspended because the renewal is unpaid. Paying it restores access at once.';
  if (s.status === 'past_due')
    return `The renewal payment failed. You keep access until ${day(s.grace_ends_at)}${
      s.next_retry_at ? `; we retry your card on ${day(s.next_retry_at)}` : ''
    }.`;
  if (s.cancel_at_period_end) return `Ends on ${day(s.current_period_end)}; it will not renew.`;
  return `Renews on ${day(s.current_period_end)}.`;
}

function SubscriptionTable(props: {
  subs: SubscriptionRow[];
  href: (s: SubscriptionRow) => string;
  staff?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Subscriptions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            {props.staff && <th scope="col">Customer</th>}
            <th scope="col">Status</th>
            <th scope="col">Current period ends</th>
            <th scope="col" class="num">
              Price
            </th>
          </tr>
        </thead>
        <tbody>
          {props.subs.map((s) => (
            <tr>
              <td>
                <a href={props.href(s)}>{s.name}</a>
                <br />
                <span class="sku-code">
                  {s.sku}
                  {s.quantity > 1 ? ` ×${s.quantity}` : ''}
                </span>
              </td>
              {props.staff && (
                <td>
                  {s.billing.name} &lt;{s.billing.email}&gt;
                </td>
              )}
              <td>{STATUS_LABELS[s.status]}</td>
              <td>{day(s.current_period_end)}</td>
              <td class="num">
                {money(s, s.unit_amount * s.quantity)} / {per(s)} + tax
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AccountSubscriptionsPage(props: PageChrome & { subs: SubscriptionRow[] }) {
  return (
    <Layout {...props} title="Your subscriptions — FHIR IQ" currentPath="/account/subscriptions">
      <div class="container commerce-page">
        <h1>Your subscriptions</h1>
        <p>
          <a href="/account">Account</a> · <a href="/account/orders">Your orders</a>
        </p>
        {props.subs.length === 0 ? (
          <p>You have no subscriptions.</p>
        ) : (
          <SubscriptionTable subs={props.subs} href={(s) => `/account/subscriptions/${s.id}`} />
        )}
      </div>
    </Layout>
  );
}

export interface SubscriptionPageProps extends PageChrome {
  sub: SubscriptionRow;
  history: SubscriptionEventRow[];
  card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  options: PlanOption[];
  /** The unpaid renewal's payment page (past due or suspended). */
  payUrl: string | null;
  notice?: string | null;
  error?: string | null;
}

export function AccountSubscriptionPage(props: SubscriptionPageProps) {
  const { sub, csrfToken } = props;
  const base = `/account/subscriptions/${sub.id}`;
  const managed = sub.provider !== 'test';
  const alertKind = sub.status === 'active' ? 'info' : 'error';
  const seated = props.options.some((o) => o.maxSeats !== null);
  return (
    <Layout
      {...props}
      title={`${sub.name} — your subscription — FHIR IQ`}
      currentPath="/account/subscriptions"
    >
      <div class="container commerce-page">
        <p>
          <a href="/account/subscriptions">Your subscriptions</a>
        </p>
        <h1>{sub.name}</h1>
        <Outcome notice={props.notice} error={props.error} />
        <Alert kind={alertKind} title={STATUS_LABELS[sub.status]}>
          <p>{statusLine(sub)}</p>
        </Alert>
        <dl class="facts">
          <dt>Plan</dt>
          <dd>
            {sub.sku}
            {sub.quantity > 1 ? ` × ${sub.quantity}` : ''}: {money(sub, sub.unit_amount * sub.quantity)} per{' '}
            {per(sub)}, plus tax
          </dd>
          <dt>Current period</dt>
          <dd>
            {day(sub.current_period_start)} to {day(sub.current_period_end)}
          </dd>
          <dt>Card</dt>
          <dd>
            {props.card
              ? `${brand(props.card.brand)} ending ${props.card.last4}, expires ${String(props.card.expMonth).padStart(2, '0')}/${props.card.expYear}`
              : managed
                ? 'Managed by Stripe'
                : 'None saved'}
          </dd>
          {Number(sub.credit_balance) > 0 && (
            <>
              <dt>Account credit</dt>
              <dd>{money(sub, sub.credit_balance)}, taken off your next charges</dd>
            </>
          )}
          <dt>First order</dt>
          <dd>
            <a href={`/account/orders/${sub.origin_order_id}`}>See the order</a>
          </dd>
        </dl>

        {managed && sub.status !== 'canceled' && (
          <p>
            This subscription is billed by Stripe, which charges your card each period (and any plan change,
            prorated by Stripe).
          </p>
        )}

        {!managed && (sub.status === 'past_due' || sub.status === 'suspended') && (
          <section aria-labelledby="pay-heading">
            <h2 id="pay-heading">Pay the renewal</h2>
            <form method="post" action={`${base}/retry`} class="inline-form">
              {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
              <button type="submit" class="btn btn-primary">
                Charge my saved card now
              </button>
            </form>
            {props.payUrl && (
              <p>
                <a href={props.payUrl}>Pay with another card</a> (it becomes the card for future renewals).
              </p>
            )}
          </section>
        )}

        {sub.status === 'active' && props.options.length > 0 && (
          <section aria-labelledby="change-heading">
            <h2 id="change-heading">Change plan</h2>
            <p>
              The change applies now: you are credited the unused time of your current plan and charged the
              unused time of the new one. Your renewal date stays {day(sub.current_period_end)}. You see the
              amount before confirming.
            </p>
            <form method="get" action={`${base}/change`} class="stack-form">
              <label for="change-sku">New plan</label>
              <select id="change-sku" name="sku">
                {props.options.map((o) => (
                  <option value={o.sku} selected={o.sku === sub.sku}>
                    {o.name}: {money(sub, o.unitAmount)} {o.perSeat ? 'per seat ' : ''}per {per(sub)}
                    {o.maxSeats !== null
                      ? ` (up to ${o.maxSeats} ${o.maxSeats === 1 ? 'seat' : 'seats'})`
                      : ''}
                  </option>
                ))}
              </select>
              <label for="change-quantity">{seated ? 'Seats' : 'Quantity'}</label>
              {seated && (
                <p class="form-hint" id="change-quantity-hint">
                  Each seat is one named user. Adding seats is charged for the rest of the period; removing
                  seats credits it, and releases the most recently assigned users beyond the new number.
                </p>
              )}
              <input
                id="change-quantity"
                name="quantity"
                type="number"
                min={1}
                max={Math.max(...props.options.map((o) => o.maxSeats ?? 1), sub.quantity)}
                value={String(sub.quantity)}
                inputMode="numeric"
                aria-describedby={seated ? 'change-quantity-hint' : undefined}
              />
              <button type="submit" class="btn btn-secondary">
                See the price of the change
              </button>
            </form>
          </section>
        )}

        {sub.status !== 'canceled' && (
          <section aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel</h2>
            {sub.cancel_at_period_end ? (
              <form method="post" action={`${base}/resume`} class="inline-form">
                {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
                <button type="submit" class="btn btn-secondary">
                  Keep my subscription (resume renewals)
                </button>
              </form>
            ) : (
              <form method="post" action={`${base}/cancel`} class="stack-form">
                {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
                <fieldset>
                  <legend>When should it end?</legend>
                  {sub.status === 'active' && (
                    <div>
                      <input type="radio" id="cancel-end" name="when" value="period_end" checked />
                      <label for="cancel-end">
                        At the end of the period ({day(sub.current_period_end)}), keeping access until then
                      </label>
                    </div>
                  )}
                  <div>
                    <input
                      type="radio"
                      id="cancel-now"
                      name="when"
                      value="now"
                      checked={sub.status !== 'active'}
                    />
                    <label for="cancel-now">Now: access ends immediately, with no automatic refund</label>
                  </div>
                </fieldset>
                <button type="submit" class="btn btn-secondary">
                  Cancel the subscription
                </button>
              </form>
            )}
          </section>
        )}

        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <ol class="history">
            {props.history.map((e) => (
              <li>
                <time datetime={new Date(e.at).toISOString()}>{day(e.at)}</time>{' '}
                {EVENT_LABELS[e.type] ?? e.type}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </Layout>
  );
}

export function ChangePreviewPage(props: PageChrome & { sub: SubscriptionRow; preview: ChangePreview }) {
  const { sub, preview, csrfToken } = props;
  const p = preview.proration;
  const days = Math.ceil(p.remainingSeconds / 86_400);
  const tax = preview.quote?.totals.tax ?? 0;
  return (
    <Layout {...props} title="Confirm the plan change — FHIR IQ" currentPath="/account/subscriptions">
      <div class="container commerce-page">
        <p>
          <a href={`/account/subscriptions/${sub.id}`}>Back to the subscription</a>
        </p>
        <h1>Confirm the plan change</h1>
        <p>
          From <strong>{sub.name}</strong>
          {sub.quantity > 1 ? ` × ${sub.quantity}` : ''} to <strong>{preview.target.name}</strong>
          {preview.target.quantity > 1 ? ` × ${preview.target.quantity}` : ''}, for the {days} remaining days
          of the period (renewal date unchanged: {day(sub.current_period_end)}).
        </p>
        <dl class="facts">
          <dt>Credit for the unused time of your plan</dt>
          <dd>−{money(sub, p.credit)}</dd>
          <dt>Unused time of the new plan</dt>
          <dd>{money(sub, p.charge)}</dd>
          <dt>Tax</dt>
          <dd>{money(sub, p.net < 0 ? -tax : tax)}</dd>
          {p.net > 0 ? (
            <>
              <dt>Charged to your card now</dt>
              <dd>
                <strong>{money(sub, preview.amountDue)}</strong>
              </dd>
            </>
          ) : (
            <>
              <dt>Account credit for your next charges</dt>
              <dd>
                <strong>{money(sub, preview.creditAdded)}</strong>
              </dd>
            </>
          )}
        </dl>
        <p>
          From the next renewal: {money(sub, preview.target.unitAmount * preview.target.quantity)} per{' '}
          {per(sub)}, plus tax.
        </p>
        <form method="post" action={`/account/subscriptions/${sub.id}/change`} class="inline-form">
          {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
          <input type="hidden" name="sku" value={preview.target.sku} />
          <input type="hidden" name="quantity" value={String(preview.target.quantity)} />
          <button type="submit" class="btn btn-primary">
            Confirm the change
          </button>
        </form>
        <Button href={`/account/subscriptions/${sub.id}`} variant="secondary">
          Keep my current plan
        </Button>
      </div>
    </Layout>
  );
}

export function AdminSubscriptionsPage(
  props: PageChrome & { subs: SubscriptionRow[]; status: SubscriptionStatus | null },
) {
  return (
    <Layout {...props} title="Subscriptions — FHIR IQ admin" currentPath="/admin/subscriptions">
      <div class="container admin-page">
        <h1>Subscriptions</h1>
        <AdminNav current="/admin/subscriptions" />
        <form method="get" action="/admin/subscriptions" class="order-search">
          <label for="sub-status">Status</label>
          <select id="sub-status" name="status">
            <option value="">Any</option>
            {(Object.keys(STATUS_LABELS) as SubscriptionStatus[]).map((s) => (
              <option value={s} selected={props.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary">
            Filter
          </button>
        </form>
        {props.subs.length === 0 ? (
          <p>No subscriptions found.</p>
        ) : (
          <SubscriptionTable subs={props.subs} href={(s) => `/admin/subscriptions/${s.id}`} staff />
        )}
      </div>
    </Layout>
  );
}

export function AdminSubscriptionPage(
  props: PageChrome & {
    sub: SubscriptionRow;
    history: SubscriptionEventRow[];
    canManage: boolean;
    notice?: string | null;
    error?: string | null;
  },
) {
  const { sub, csrfToken } = props;
  return (
    <Layout {...props} title={`Subscription ${sub.id} — FHIR IQ admin`} currentPath="/admin/subscriptions">
      <div class="container admin-page">
        <h1>{sub.name}</h1>
        <AdminNav current="/admin/subscriptions" />
        <Outcome notice={props.notice} error={props.error} />
        <dl class="facts">
          <dt>Customer</dt>
          <dd>
            {sub.billing.name} &lt;{sub.billing.email}&gt;
            {sub.billing.organization ? `, ${sub.billing.organization}` : ''}
          </dd>
          <dt>Status</dt>
          <dd>
            {STATUS_LABELS[sub.status]}: {statusLine(sub)}
          </dd>
          <dt>Plan</dt>
          <dd>
            {sub.sku} × {sub.quantity}: {money(sub, sub.unit_amount * sub.quantity)} per {per(sub)} + tax
          </dd>
          <dt>Current period</dt>
          <dd>
            {day(sub.current_period_start)} to {day(sub.current_period_end)}
          </dd>
          <dt>Billing</dt>
          <dd>
            {sub.provider === 'test'
              ? 'FHIR IQ (built-in test provider)'
              : `Stripe ${sub.provider_subscription_id ?? ''}`}
          </dd>
          <dt>Account credit</dt>
          <dd>{money(sub, sub.credit_balance)}</dd>
          <dt>First order</dt>
          <dd>
            <a href={`/admin/orders?q=${encodeURIComponent(sub.billing.email)}`}>Orders of this customer</a>
          </dd>
        </dl>
        <h2>History</h2>
        <ol class="history">
          {props.history.map((e) => (
            <li>
              <time datetime={new Date(e.at).toISOString()}>
                {new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')}
              </time>{' '}
              {EVENT_LABELS[e.type] ?? e.type}
            </li>
          ))}
        </ol>
        {props.canManage && sub.status !== 'canceled' && (
          <section aria-labelledby="staff-cancel-heading">
            <h2 id="staff-cancel-heading">End this subscription now</h2>
            <p>
              Access ends at once and unpaid renewals are canceled. No money is refunded: refund the order
              separately.
            </p>
            <form method="post" action={`/admin/subscriptions/${sub.id}/cancel`} class="stack-form">
              {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
              <label for="staff-cancel-reason">Reason (kept in the audit log)</label>
              <textarea
                id="staff-cancel-reason"
                name="reason"
                required
                minLength={3}
                maxLength={500}
                rows={3}
              />
              <button type="submit" class="btn btn-secondary">
                End the subscription
              </button>
            </form>
          </section>
        )}
      </div>
    </Layout>
  );
}
