import { AdminNav, Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import { type InvoiceStatus, STATUS_LABELS } from '../domain/document.ts';
import { formatAmount, formatDate, formatRate } from '../domain/format.ts';
import type { MailRecord } from '../invoice-mail.service.ts';
import type { InvoiceWithCredits } from '../invoices.repository.ts';
import type { InvoiceView } from '../invoices.service.ts';
import type { CreditNoteRow } from '../invoices.tables.ts';

/** The customer's invoice pages (/account/invoices) and the staff console's (/admin/invoices). */

export interface InvoiceListItem {
  invoice: InvoiceWithCredits;
  status: InvoiceStatus;
  creditNotes: CreditNoteRow[];
}

type Base = '/account/invoices' | '/admin/invoices';

const money = (minor: number | string, currency: string) => formatAmount(Number(minor), currency);

function AccountLinks() {
  return (
    <p>
      <a href="/account">Account</a> · <a href="/account/orders">Your orders</a> ·{' '}
      <a href="/account/invoices">Your invoices</a> · <a href="/account/licenses">Your licenses</a>
    </p>
  );
}

function CreditNoteLinks(props: { notes: readonly CreditNoteRow[]; base: Base }) {
  if (!props.notes.length) return null;
  return (
    <ul class="credit-notes">
      {props.notes.map((n) => (
        <li>
          Credit note{' '}
          <a href={`${props.base}/${n.invoice_id}/credit-notes/${n.id}/pdf`} download>
            {n.number}
          </a>{' '}
          ({formatDate(n.issued_at)}, {money(n.gross_total, n.currency)})
        </li>
      ))}
    </ul>
  );
}

function InvoiceTable(props: { items: readonly InvoiceListItem[]; base: Base; staff: boolean }) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Invoices, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Date</th>
            {props.staff && <th scope="col">Buyer</th>}
            <th scope="col">Total</th>
            <th scope="col">Status</th>
            <th scope="col">PDF</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map(({ invoice: i, status, creditNotes }) => (
            <tr>
              <td>
                <a href={`${props.base}/${i.id}`}>{i.number}</a>
                <CreditNoteLinks notes={creditNotes} base={props.base} />
              </td>
              <td>{formatDate(i.issued_at)}</td>
              {props.staff && <td>{i.buyer.email}</td>}
              <td>{money(i.gross_total, i.currency)}</td>
              <td>{STATUS_LABELS[status]}</td>
              <td>
                <a href={`${props.base}/${i.id}/pdf`} download>
                  {i.number}.pdf
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AccountInvoicesPage(
  props: PageChrome & {
    items: readonly InvoiceListItem[];
    years: readonly number[];
    year: number | undefined;
    status: InvoiceStatus | undefined;
  },
) {
  return (
    <Layout {...props} title="Your invoices — FHIR IQ" currentPath="/account/invoices">
      <div class="container commerce-page">
        <h1>Your invoices</h1>
        <AccountLinks />
        <form method="get" action="/account/invoices" class="inline-form">
          <label for="invoice-year">Year</label>
          <select id="invoice-year" name="year">
            <option value="">All years</option>
            {props.years.map((y) => (
              <option value={String(y)} selected={props.year === y}>
                {y}
              </option>
            ))}
          </select>
          <label for="invoice-status">Status</label>
          <select id="invoice-status" name="status">
            <option value="">Any status</option>
            {(Object.keys(STATUS_LABELS) as InvoiceStatus[]).map((s) => (
              <option value={s} selected={props.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary">
            Show
          </button>
        </form>
        {props.items.length === 0 ? (
          <p>No invoices{props.year || props.status ? ' match these filters' : ' yet'}.</p>
        ) : (
          <InvoiceTable items={props.items} base="/account/invoices" staff={false} />
        )}
      </div>
    </Layout>
  );
}

function InvoiceDetail(props: { view: InvoiceView; base: Base }) {
  const { invoice: i, lines, creditNotes, status, amountPaid } = props.view;
  const seller = i.seller;
  const buyer = i.buyer;
  return (
    <>
      <dl class="details">
        <dt>Status</dt>
        <dd>{STATUS_LABELS[status]}</dd>
        <dt>Issue date</dt>
        <dd>{formatDate(i.issued_at)}</dd>
        <dt>Date of supply</dt>
        <dd>{formatDate(i.supplied_at)}</dd>
        <dt>Order</dt>
        <dd>{i.order_number}</dd>
        <dt>Seller</dt>
        <dd>
          {[seller.name, ...seller.address, seller.vatId ? `VAT ID ${seller.vatId}` : null, seller.taxId]
            .filter(Boolean)
            .join(', ')}
        </dd>
        <dt>Billed to</dt>
        <dd>
          {[
            buyer.organization,
            buyer.name,
            ...buyer.address,
            buyer.vatId ? `VAT ID ${buyer.vatId}` : null,
            buyer.email,
          ]
            .filter(Boolean)
            .join(', ')}
        </dd>
      </dl>
      <div class="table-wrap">
        <table class="order-list">
          <caption class="visually-hidden">Invoice lines</caption>
          <thead>
            <tr>
              <th scope="col">Description</th>
              <th scope="col">Qty</th>
              <th scope="col">Unit price</th>
              <th scope="col">Tax rate</th>
              <th scope="col">Tax</th>
              <th scope="col">Amount</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr>
                <td>
                  {l.description}
                  <br />
                  <span class="sku-code">{l.sku}</span>
                </td>
                <td>{l.quantity}</td>
                <td>{money(l.unit_amount, i.currency)}</td>
                <td>{formatRate(l.tax_rate_percent)}</td>
                <td>{money(l.tax_amount, i.currency)}</td>
                <td>{money(l.net, i.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl class="details">
        <dt>Net</dt>
        <dd>{money(i.net_total, i.currency)}</dd>
        <dt>Tax</dt>
        <dd>{money(i.tax_total, i.currency)}</dd>
        <dt>Total</dt>
        <dd>{money(i.gross_total, i.currency)}</dd>
        {Number(i.credit_applied) > 0 && (
          <>
            <dt>Account credit applied</dt>
            <dd>{money(i.credit_applied, i.currency)}</dd>
          </>
        )}
        <dt>Amount paid</dt>
        <dd>{money(amountPaid, i.currency)}</dd>
      </dl>
      {i.notes.map((n) => (
        <p class="invoice-note">{n}</p>
      ))}
      <p>
        <a class="btn btn-primary" href={`${props.base}/${i.id}/pdf`} download>
          Download {i.number}.pdf
        </a>
      </p>
      <h2>Credit notes</h2>
      {creditNotes.length ? <CreditNoteLinks notes={creditNotes} base={props.base} /> : <p>None.</p>}
    </>
  );
}

export function AccountInvoicePage(props: PageChrome & { view: InvoiceView }) {
  return (
    <Layout
      {...props}
      title={`Invoice ${props.view.invoice.number} — FHIR IQ`}
      currentPath="/account/invoices"
    >
      <div class="container commerce-page">
        <h1>Invoice {props.view.invoice.number}</h1>
        <AccountLinks />
        <InvoiceDetail view={props.view} base="/account/invoices" />
      </div>
    </Layout>
  );
}

export function AdminInvoicesPage(
  props: PageChrome & { items: readonly InvoiceListItem[]; q: string; month: string },
) {
  return (
    <Layout {...props} title="Invoices — FHIR IQ admin" currentPath="/admin/invoices">
      <div class="container admin-page">
        <h1>Invoices</h1>
        <AdminNav current="/admin/invoices" />
        <form method="get" action="/admin/invoices" class="inline-form">
          <label for="invoice-q">Number or email</label>
          <input id="invoice-q" name="q" type="search" value={props.q} maxLength={254} />
          <label for="invoice-month">Month</label>
          <input id="invoice-month" name="month" type="month" value={props.month} />
          <button type="submit" class="btn btn-secondary">
            Search
          </button>
        </form>
        {props.items.length === 0 ? (
          <p>No invoices match.</p>
        ) : (
          <InvoiceTable items={props.items} base="/admin/invoices" staff={true} />
        )}
      </div>
    </Layout>
  );
}

export interface AdminInvoicePageProps extends PageChrome {
  view: InvoiceView;
  mails: { invoice: MailRecord | null; creditNotes: ReadonlyMap<string, MailRecord> };
  /** The caller may send the mails again (admin.invoices.resend). */
  canResend: boolean;
  notice: string | null;
}

function ResendButton(props: { action: string; csrfToken: string; label: string }) {
  return (
    <form method="post" action={props.action} class="inline-form">
      <CsrfInput token={props.csrfToken} />
      <button type="submit" class="btn btn-secondary btn-small">
        {props.label}
      </button>
    </form>
  );
}

export function AdminInvoicePage(props: AdminInvoicePageProps) {
  const i = props.view.invoice;
  const base = `/admin/invoices/${i.id}`;
  const mailed = (r: MailRecord | null | undefined) => (r ? formatDate(r.mailedAt) : 'not yet');
  return (
    <Layout {...props} title={`Invoice ${i.number} — FHIR IQ admin`} currentPath="/admin/invoices">
      <div class="container admin-page">
        <h1>Invoice {i.number}</h1>
        <AdminNav current="/admin/invoices" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        <p>
          Order <a href={`/admin/orders/${i.order_id}`}>{i.order_number}</a> · Mailed to the buyer:{' '}
          {mailed(props.mails.invoice)}
        </p>
        {props.canResend && (
          <ResendButton
            action={`${base}/resend`}
            csrfToken={props.csrfToken ?? ''}
            label={`Mail ${i.number} to ${i.buyer.email} again`}
          />
        )}
        <InvoiceDetail view={props.view} base="/admin/invoices" />
        {props.view.creditNotes.length > 0 && (
          <section aria-labelledby="credit-note-mails">
            <h2 id="credit-note-mails">Credit note mails</h2>
            <ul>
              {props.view.creditNotes.map((n) => (
                <li key={n.id}>
                  {n.number}: mailed {mailed(props.mails.creditNotes.get(n.id))}
                  {props.canResend && (
                    <ResendButton
                      action={`${base}/credit-notes/${n.id}/resend`}
                      csrfToken={props.csrfToken ?? ''}
                      label={`Mail ${n.number} again`}
                    />
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </Layout>
  );
}
