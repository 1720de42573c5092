import { type Currency, formatMoney, MINOR_DIGITS } from '../../../platform/money.ts';
import { AdminNav, Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import { OrderLinesTable, stateLabel } from '../../orders/index.ts';
import { dateOnly } from '../refunds.schema.ts';
import type { StaffOrderView } from '../refunds.service.ts';
import type { RefundRow } from '../refunds.tables.ts';

/** /admin/orders/:id — everything staff need about one order, and the refund form. */

const fmt = (d: Date | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) : '—');

const REFUND_STATUS: Record<RefundRow['status'], string> = {
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

export interface RefundFormState {
  /** The amount as typed (major units). */
  amount: string;
  reason: string;
  /** Generated when the form is rendered: submitting it twice records one refund. */
  requestKey: string;
  errors: Record<string, string>;
  /** A refusal of the whole request (balance, order state). */
  error: string | null;
}

/** A staff action another module offers on the order page (a POST form), e.g. fulfillment's resend. */
export interface StaffOrderAction {
  label: string;
  /** Where the form posts (with the page's CSRF token and nothing else). */
  action: string;
  /** Shown only to staff with this permission (the route checks it again). */
  permission: string;
}

export interface StaffOrderPageProps extends PageChrome {
  view: StaffOrderView;
  canRefund: boolean;
  /** The caller may send the confirmation mail again (admin.orders.resend). */
  canResend: boolean;
  /** Other modules' actions on this order the caller may take. */
  actions: readonly StaffOrderAction[];
  form: RefundFormState;
  /** The refund just recorded (after the form's redirect), to say how it went. */
  justRecorded: RefundRow | null;
}

/** An amount in major units as a form field shows it ("1234.50"). */
export const majorAmount = (minor: number, currency: Currency) =>
  (minor / 10 ** MINOR_DIGITS[currency]).toFixed(MINOR_DIGITS[currency]);

function RecordedNotice(props: { refund: RefundRow; money: (n: number) => string }) {
  const { refund, money } = props;
  if (refund.status === 'succeeded')
    return (
      <Alert kind="success" title="Refund succeeded">
        <p>{money(refund.amount)} went back to the customer.</p>
      </Alert>
    );
  if (refund.status === 'failed')
    return (
      <Alert kind="error" title="Refund failed">
        <p>{refund.failure_message ?? 'The provider refused the refund.'} Nothing was refunded.</p>
      </Alert>
    );
  return (
    <Alert kind="info" title="Refund pending">
      <p>
        {money(refund.amount)} is being refunded: the payment provider has not confirmed it yet. This page
        shows the outcome once it does.
      </p>
    </Alert>
  );
}

export function StaffOrderPage(props: StaffOrderPageProps) {
  const { order, payment, attempts, events, refunds } = props.view;
  const { row } = order;
  const money = (n: number) => formatMoney(Number(n), row.currency as Currency);
  const f = props.form;
  const amountError = f.errors.amount ?? null;
  const reasonError = f.errors.reason ?? null;
  return (
    <Layout {...props} title={`Order ${row.number} — FHIR IQ admin`} currentPath="/admin/orders">
      <div class="container admin-page">
        <h1>Order {row.number}</h1>
        <AdminNav current="/admin/orders" />
        <p>
          <a href="/admin/orders">All orders</a>
        </p>
        {props.justRecorded && <RecordedNotice refund={props.justRecorded} money={money} />}

        <section aria-labelledby="summary">
          <h2 id="summary">Summary</h2>
          <dl class="details">
            <dt>Status</dt>
            <dd>{stateLabel(row.state)}</dd>
            <dt>Customer</dt>
            <dd>
              {row.billing.name} &lt;{row.billing.email}&gt;
            </dd>
            <dt>Placed</dt>
            <dd>{fmt(row.created_at)}</dd>
            <dt>Paid</dt>
            <dd>{fmt(row.paid_at)}</dd>
            <dt>Total</dt>
            <dd>
              {money(row.gross_total)} ({money(row.net_total)} net + {money(row.tax_total)} tax)
            </dd>
            <dt>Refunded</dt>
            <dd>{money(row.refunded_total)}</dd>
            <dt>Refundable now</dt>
            <dd>{money(props.view.refundable)}</dd>
          </dl>
          {row.paid_at && props.canResend && (
            <form method="post" action={`/admin/orders/${row.id}/resend-confirmation`}>
              <CsrfInput token={props.csrfToken ?? ''} />
              <button type="submit" class="btn btn-secondary btn-small">
                Resend the confirmation mail
              </button>
            </form>
          )}
          {props.actions.map((a) => (
            <form method="post" action={a.action}>
              <CsrfInput token={props.csrfToken ?? ''} />
              <button type="submit" class="btn btn-secondary btn-small">
                {a.label}
              </button>
            </form>
          ))}
        </section>

        <section aria-labelledby="lines">
          <h2 id="lines">Lines</h2>
          <p>Prices and tax as sold (snapshots taken at checkout).</p>
          <OrderLinesTable order={order} staff />
        </section>

        <section aria-labelledby="evidence">
          <h2 id="evidence">Billing and tax evidence</h2>
          <dl class="details">
            <dt>Billing address</dt>
            <dd>
              {row.billing.name}
              {row.billing.organization ? `, ${row.billing.organization}` : ''}, {row.billing.line1}
              {row.billing.line2 ? `, ${row.billing.line2}` : ''}, {row.billing.postalCode} {row.billing.city}
              {row.billing.region ? `, ${row.billing.region}` : ''}, {row.billing.country}
            </dd>
            <dt>Customer type</dt>
            <dd>{row.customer_type}</dd>
            <dt>Billing country</dt>
            <dd>{row.billing_country}</dd>
            <dt>VAT ID</dt>
            <dd>
              {row.vat_id ?? 'none'} ({row.vat_status.replaceAll('_', ' ')})
            </dd>
            <dt>IP address</dt>
            <dd>
              {row.ip_address ?? 'not recorded'}
              {row.ip_country ? ` (${row.ip_country})` : ''}
            </dd>
            <dt>Tax date</dt>
            <dd>{dateOnly(row.tax_date)}</dd>
            <dt>Tax notes</dt>
            <dd>{row.tax_notes.length ? row.tax_notes.join(' ') : 'none'}</dd>
          </dl>
        </section>

        <section aria-labelledby="payment">
          <h2 id="payment">Payment</h2>
          {payment ? (
            <>
              <dl class="details">
                <dt>Provider</dt>
                <dd>{payment.provider}</dd>
                <dt>Status</dt>
                <dd>
                  {payment.status}
                  {payment.failure_message ? ` — ${payment.failure_message}` : ''}
                </dd>
                <dt>Amount</dt>
                <dd>{money(payment.amount)}</dd>
                <dt>Provider payment</dt>
                <dd>
                  <code>{payment.provider_payment_intent ?? payment.checkout_session_id ?? payment.id}</code>
                </dd>
              </dl>
              <h3>Attempts</h3>
              {attempts.length === 0 ? (
                <p>No card attempts recorded here (Stripe Checkout keeps its own).</p>
              ) : (
                <table>
                  <caption class="visually-hidden">Payment attempts, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Card</th>
                      <th scope="col">Outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {attempts.map((a) => (
                      <tr>
                        <td>{fmt(a.created_at)}</td>
                        <td>
                          {a.card_brand} ending {a.card_last4}
                        </td>
                        <td>
                          {a.outcome}
                          {a.decline_code ? ` (${a.decline_code.replaceAll('_', ' ')})` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <h3>Provider events</h3>
              {events.length === 0 ? (
                <p>No provider events.</p>
              ) : (
                <table>
                  <caption class="visually-hidden">Provider events, oldest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Received</th>
                      <th scope="col">Event</th>
                      <th scope="col">Type</th>
                    </tr>
                  </thead>
                  <tbody>
                    {events.map((e) => (
                      <tr>
                        <td>{fmt(e.received_at)}</td>
                        <td>
                          <code>{e.id}</code>
                        </td>
                        <td>{providerType(e.payload) ?? e.type}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : (
            <p>This order has no payment.</p>
          )}
        </section>

        <section aria-labelledby="refunds">
          <h2 id="refunds">Refunds</h2>
          {refunds.length === 0 ? (
            <p>No refunds.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Refunds, oldest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Requested</th>
                    <th scope="col">By</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Net
                    </th>
                    <th scope="col" class="num">
                      Tax
                    </th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {refunds.map((r) => (
                    <tr>
                      <td>{fmt(r.created_at)}</td>
                      <td>
                        {r.requested_by ? 'Staff' : `At ${r.provider === 'stripe' ? 'Stripe' : r.provider}`}
                      </td>
                      <td>{r.reason}</td>
                      <td>
                        {REFUND_STATUS[r.status]}
                        {r.failure_message ? ` — ${r.failure_message}` : ''}
                        {r.provider_refund_id && (
                          <>
                            <br />
                            <code>{r.provider_refund_id}</code>
                          </>
                        )}
                      </td>
                      <td class="num">{money(r.net)}</td>
                      <td class="num">{money(r.tax)}</td>
                      <td class="num">{money(r.amount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {props.canRefund && props.view.refundable > 0 && (
            <form
              method="post"
              action={`/admin/orders/${row.id}/refunds`}
              class="form refund-form"
              novalidate
            >
              <h3>Refund this order</h3>
              {f.error && (
                <Alert kind="error" title="The refund was not recorded">
                  <p>{f.error}</p>
                </Alert>
              )}
              {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
              <input type="hidden" name="requestKey" value={f.requestKey} />
              <FormField
                name="amount"
                label={`Amount (${row.currency.trim()}, including tax)`}
                hint={`At most ${money(props.view.refundable)}. The net and tax parts are split over the lines in proportion.`}
                required
                maxLength={16}
                value={f.amount}
                error={amountError}
              />
              <div class={reasonError ? 'form-field has-error' : 'form-field'}>
                <label for="field-reason">Reason</label>
                <p class="form-hint" id="field-reason-hint">
                  Kept with the refund and in the audit log; the customer does not see it.
                </p>
                {reasonError && (
                  <p class="form-error" id="field-reason-error">
                    <span class="visually-hidden">Error: </span>
                    {reasonError}
                  </p>
                )}
                <div class="field-control">
                  <textarea
                    id="field-reason"
                    name="reason"
                    rows={3}
                    required
                    maxLength={500}
                    aria-invalid={reasonError ? 'true' : undefined}
                    aria-describedby={
                      reasonError ? 'field-reason-hint field-reason-error' : 'field-reason-hint'
                    }
                    value={f.reason}
                  />
                </div>
              </div>
              <button type="submit" class="btn btn-primary">
                Refund
              </button>
            </form>
          )}
        </section>
      </div>
    </Layout>
  );
}

function providerType(payload: unknown): string | undefined {
  if (payload && typeof payload === 'object' && 'providerType' in payload) {
    const t = (payload as { providerType?: unknown }).providerType;
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}
