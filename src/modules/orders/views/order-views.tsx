import { type Currency, formatMoney } from '../../../platform/money.ts';
import { AdminNav, Alert, Button, Layout, type PageChrome } from '../../../web/index.ts';
import { awaitsPayment } from '../domain/state.ts';
import type { Order, OrderRefundView } from '../orders.service.ts';
import type { OrderLineRow, OrderRow } from '../orders.tables.ts';

/** Customer order pages, the confirmation page and the staff order list. */

const STATE_LABELS: Record<OrderRow['state'], string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  fulfilled: 'Fulfilled',
  payment_failed: 'Payment failed',
  canceled: 'Canceled',
  refunded: 'Refunded',
  partially_refunded: 'Partially refunded',
};

export const stateLabel = (s: OrderRow['state']) => STATE_LABELS[s];
const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
const money = (row: OrderRow, n: number) => formatMoney(Number(n), row.currency as Currency);
/**
 * A line's tax rate as sold: the exact combined rate ("14.975 %"), and each tax when there are
 * several ("GST 5 % + QST 9.975 %"). Lines sold before exact rates were kept show basis points.
 */
export function lineTaxRate(l: OrderLineRow): string {
  const combined = `${l.tax_rate_percent ?? (l.tax_rate_bp / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
  const parts = l.tax_components ?? [];
  return parts.length > 1
    ? `${combined} (${parts.map((c) => `${c.label} ${c.ratePercent} %`).join(' + ')})`
    : combined;
}

const REFUND_LABELS: Record<OrderRefundView['status'], string> = {
  pending: 'Processing',
  succeeded: 'Refunded',
  failed: 'Failed',
};

/**
 * The customer's view of refunds: money that went back or is on its way. A failed refund moved
 * no money, so it is not listed (staff see it on their page).
 */
function OrderRefunds(props: { row: OrderRow; refunds: OrderRefundView[]; headingLevel: 3 | 4 }) {
  const { row } = props;
  const shown = props.refunds.filter((r) => r.status !== 'failed');
  if (shown.length === 0 && Number(row.refunded_total) === 0) return null;
  const H = `h${props.headingLevel}` as 'h3' | 'h4';
  return (
    <section class="order-refunds" aria-labelledby={`refunds-${row.id}`}>
      <H id={`refunds-${row.id}`}>Refunds</H>
      <p>
        Refunded {money(row, row.refunded_total)} of {money(row, row.gross_total)}, to the payment method you
        paid with.
      </p>
      {shown.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Refunds of order {row.number}</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr>
                  <td>{day(r.succeededAt ?? r.createdAt)}</td>
                  <td>{REFUND_LABELS[r.status]}</td>
                  <td class="num">{money(row, r.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * An order's lines as sold (price and tax snapshots) with their totals. Staff also see the tax
 * rule of each line: jurisdiction, reason and tax code.
 */
export function OrderLinesTable(props: { order: Order; staff?: boolean }) {
  const { row, lines } = props.order;
  return (
    <div class="table-wrap">
      <table class="order-lines">
        <caption class="visually-hidden">Items of order {row.number}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">
              Qty
            </th>
            <th scope="col" class="num">
              Unit price
            </th>
            <th scope="col" class="num">
              Net
            </th>
            <th scope="col" class="num">
              Tax
            </th>
            {props.staff && <th scope="col">Tax rule</th>}
            <th scope="col" class="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr>
              <td>
                {l.name}
                <br />
                <span class="sku-code">{l.sku}</span>
              </td>
              <td class="num">{l.quantity}</td>
              <td class="num">{money(row, l.unit_amount)}</td>
              <td class="num">{money(row, l.net)}</td>
              <td class="num">
                {lineTaxRate(l)} · {money(row, l.tax_amount)}
              </td>
              {props.staff && (
                <td>
                  {l.jurisdiction} · {l.tax_reason} ({l.tax_code})
                </td>
              )}
              <td class="num">{money(row, l.gross)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Totals
            </th>
            <td class="num">{money(row, row.net_total)}</td>
            <td class="num">{money(row, row.tax_total)}</td>
            {props.staff && <td />}
            <td class="num">
              <strong>{money(row, row.gross_total)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export function OrderDetails(props: { order: Order; headingLevel?: 2 | 3; refunds?: OrderRefundView[] }) {
  const { row } = props.order;
  const level = props.headingLevel ?? 2;
  const H = `h${level}` as 'h2' | 'h3';
  return (
    <section class="order-details" aria-labelledby={`order-${row.id}`}>
      <H id={`order-${row.id}`}>Order {row.number}</H>
      <p>
        Placed {day(row.created_at)} · <strong>{stateLabel(row.state)}</strong>
      </p>
      <OrderLinesTable order={props.order} />
      {row.tax_notes.map((n) => (
        <p class="tax-note">{n}</p>
      ))}
      <p class="billing-summary">
        Billed to {row.billing.name}
        {row.billing.organization ? `, ${row.billing.organization}` : ''} · {row.billing.city},{' '}
        {row.billing.country}
        {row.vat_id ? ` · VAT ID ${row.vat_id}` : ''}
        {row.vat_status === 'pending_verification' ? ' (verification pending)' : ''}
      </p>
      <OrderRefunds row={row} refunds={props.refunds ?? []} headingLevel={level === 2 ? 3 : 4} />
    </section>
  );
}

export function ConfirmationPage(
  props: PageChrome & { order: Order; payUrl: string | null; refunds?: OrderRefundView[] },
) {
  const { row } = props.order;
  const paid = row.paid_at !== null;
  // Payable, yet no payment page: the provider could not be reached just now (or none is configured).
  const payPageDown = !paid && awaitsPayment(row.state) && !props.payUrl;
  return (
    <Layout {...props} title={`Order ${row.number} — FHIR IQ`}>
      <div class="container commerce-page">
        <h1>{paid ? 'Thank you for your order' : 'Your order is not paid yet'}</h1>
        {paid ? (
          <Alert kind="success" title="Payment received">
            <p>
              Order {row.number} is paid. A confirmation is on its way to {row.billing.email}.
            </p>
          </Alert>
        ) : (
          <Alert kind="info" title="Awaiting payment">
            <p>{row.last_payment_error ?? 'We have not received the payment for this order yet.'}</p>
          </Alert>
        )}
        {payPageDown && (
          <Alert kind="error" title="The payment page is temporarily unavailable">
            <p>
              Your order {row.number} is saved and nothing was charged. Reload this page in a moment to pay:
              you will continue with the same order.
            </p>
          </Alert>
        )}
        <OrderDetails order={props.order} refunds={props.refunds ?? []} />
        {!paid && props.payUrl && <Button href={props.payUrl}>Pay now</Button>}
      </div>
    </Layout>
  );
}

export function AccountOrdersPage(props: PageChrome & { orders: OrderRow[]; sharesOrgs: boolean }) {
  return (
    <Layout {...props} title="Your orders — FHIR IQ" currentPath="/account/orders">
      <div class="container commerce-page">
        <h1>Your orders</h1>
        <p>
          <a href="/account">Account</a>
        </p>
        {props.sharesOrgs && (
          <p>Besides your own, the orders placed for the organizations whose orders you manage.</p>
        )}
        {props.orders.length === 0 ? (
          <p>You have no orders yet.</p>
        ) : (
          <OrderTable
            orders={props.orders}
            href={(o) => `/account/orders/${o.id}`}
            forWhom={props.sharesOrgs}
          />
        )}
      </div>
    </Layout>
  );
}

function OrderTable(props: {
  orders: OrderRow[];
  href: (o: OrderRow) => string;
  staff?: boolean;
  /** Show whom each order is for and who placed it (a viewer who sees organizations' orders). */
  forWhom?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Orders, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Date</th>
            {props.staff && <th scope="col">Customer</th>}
            {props.forWhom && <th scope="col">For</th>}
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {props.orders.map((o) => (
            <tr>
              <td>
                <a href={props.href(o)}>{o.number}</a>
              </td>
              <td>{day(o.created_at)}</td>
              {props.staff && (
                <td>
                  {o.billing.name} &lt;{o.billing.email}&gt;
                </td>
              )}
              {props.forWhom && (
                <td>
                  {o.organization_id
                    ? `${o.billing.organization ?? 'Organization'} (placed by ${o.billing.name})`
                    : 'You'}
                </td>
              )}
              <td>{stateLabel(o.state)}</td>
              <td class="num">{money(o, o.gross_total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A genuine confirmation link past its expiry: nothing of the order, only the way to it. */
export function ConfirmationExpiredPage(props: PageChrome & { orderId: string }) {
  const next = encodeURIComponent(`/account/orders/${props.orderId}`);
  return (
    <Layout {...props} title="This link has expired — FHIR IQ">
      <div class="container commerce-page">
        <h1>This link has expired</h1>
        <p>
          For your privacy, order confirmation links work for 30 days. Sign in to see your order, its payment
          and any refunds.
        </p>
        <p>
          <Button href={`/sign-in?next=${next}`}>Sign in to see your order</Button>
        </p>
        <p>
          Ordered as a guest? Your account was created with your order:{' '}
          <a href="/forgot-password">choose a password</a> with the email address you used, then sign in.
        </p>
      </div>
    </Layout>
  );
}

export function AccountOrderPage(
  props: PageChrome & { order: Order; payUrl: string | null; refunds?: OrderRefundView[] },
) {
  const { row } = props.order;
  return (
    <Layout {...props} title={`Order ${row.number} — FHIR IQ`} currentPath="/account/orders">
      <div class="container commerce-page">
        <p>
          <a href="/account/orders">Your orders</a>
        </p>
        <h1>Order {row.number}</h1>
        <OrderDetails order={props.order} headingLevel={2} refunds={props.refunds ?? []} />
        {props.payUrl && <Button href={props.payUrl}>Pay now</Button>}
      </div>
    </Layout>
  );
}

export function AdminOrdersPage(props: PageChrome & { orders: OrderRow[]; q: string }) {
  return (
    <Layout {...props} title="Orders — FHIR IQ admin" currentPath="/admin/orders">
      <div class="container admin-page">
        <h1>Orders</h1>
        <AdminNav current="/admin/orders" />
        <form method="get" action="/admin/orders" class="order-search">
          <label for="order-q">Search by order number, email or name</label>
          <input id="order-q" name="q" type="search" value={props.q} maxLength={100} />
          <button type="submit" class="btn btn-secondary">
            Search
          </button>
        </form>
        {props.orders.length === 0 ? (
          <p>No orders found.</p>
        ) : (
          <OrderTable orders={props.orders} href={(o) => `/admin/orders/${o.id}`} staff />
        )}
      </div>
    </Layout>
  );
}
