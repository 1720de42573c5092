import { AdminNav, Alert, Button, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import {
  CATEGORY_LABELS,
  STATUS_LABELS,
  SUBJECT_MAX,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketStatus,
} from '../domain/ticket.ts';
import type { Reference, TicketThread } from '../support.service.ts';
import type { TicketRow } from '../support.tables.ts';
import { FilesForm } from './attachment-views.tsx';
import { BodyField, Form, Select } from './form-parts.tsx';
import { Thread } from './thread-views.tsx';

/** The customer's support pages (list, new ticket, thread) and the staff console's (list, one ticket). */

const minute = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function TicketTable(props: {
  tickets: readonly TicketRow[];
  href: (t: TicketRow) => string;
  staff?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Support tickets</caption>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            {props.staff && <th scope="col">Customer</th>}
            <th scope="col">Category</th>
            <th scope="col">Status</th>
            {props.staff && <th scope="col">Assignee</th>}
            <th scope="col">Last update</th>
          </tr>
        </thead>
        <tbody>
          {props.tickets.map((t) => (
            <tr>
              <td>
                <a href={props.href(t)}>{t.subject}</a>
              </td>
              {props.staff && <td>{t.email}</td>}
              <td>{CATEGORY_LABELS[t.category]}</td>
              <td>{STATUS_LABELS[t.status]}</td>
              {props.staff && <td>{t.assignee_email ?? '—'}</td>}
              <td>{minute(t.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---- customer pages ----------------------------------------------------------------------------------------------

export function AccountSupportPage(props: PageChrome & { tickets: readonly TicketRow[] }) {
  return (
    <Layout {...props} title="Support" currentPath="/account/support">
      <div class="container stack">
        <p>
          <a href="/account">Your account</a>
        </p>
        <h1>Support</h1>
        <p>
          <Button href="/account/support/new">Open a ticket</Button>
        </p>
        {props.tickets.length ? (
          <TicketTable tickets={props.tickets} href={(t) => `/account/support/${t.id}`} />
        ) : (
          <p>You have no support tickets.</p>
        )}
      </div>
    </Layout>
  );
}

export interface NewTicketForm {
  subject: string;
  category: string;
  body: string;
  licenseId: string;
  orderId: string;
  organizationId: string;
  errors: Record<string, string>;
  error: string | null;
}

export function NewTicketPage(
  props: PageChrome & {
    form: NewTicketForm;
    licenses: readonly Reference[];
    orders: readonly Reference[];
    organizations: readonly Reference[];
  },
) {
  const { form } = props;
  const refs = (list: readonly Reference[]) => list.map((r) => [r.id, r.label] as const);
  return (
    <Layout {...props} title="Open a support ticket" currentPath="/account/support">
      <div class="container stack">
        <p>
          <a href="/account/support">Support</a>
        </p>
        <h1>Open a support ticket</h1>
        {form.error && <Alert kind="error">{form.error}</Alert>}
        <Form action="/account/support" csrfToken={props.csrfToken} label="New ticket">
          <FormField
            name="subject"
            label="Subject"
            required
            maxLength={SUBJECT_MAX}
            value={form.subject}
            error={form.errors.subject}
          />
          <Select
            name="category"
            label="Category"
            value={form.category}
            options={TICKET_CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]] as const)}
            error={form.errors.category}
          />
          {props.licenses.length > 0 && (
            <Select
              name="licenseId"
              label="About this license"
              optional
              value={form.licenseId}
              options={refs(props.licenses)}
              error={form.errors.licenseId}
            />
          )}
          {props.orders.length > 0 && (
            <Select
              name="orderId"
              label="About this order"
              optional
              value={form.orderId}
              options={refs(props.orders)}
              error={form.errors.orderId}
            />
          )}
          {props.organizations.length > 0 && (
            <Select
              name="organizationId"
              label="Share with this organization"
              optional
              value={form.organizationId}
              options={refs(props.organizations)}
              error={form.errors.organizationId}
            />
          )}
          <BodyField label="How can we help?" value={form.body} error={form.errors.body} />
          <div class="actions">
            <Button type="submit">Open the ticket</Button>
          </div>
        </Form>
      </div>
    </Layout>
  );
}

function TicketFacts(props: { ticket: TicketRow; staff: boolean }) {
  const t = props.ticket;
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>{STATUS_LABELS[t.status]}</dd>
      <dt>Category</dt>
      <dd>{CATEGORY_LABELS[t.category]}</dd>
      {props.staff && (
        <>
          <dt>Customer</dt>
          <dd>{t.email}</dd>
          <dt>Assignee</dt>
          <dd>{t.assignee_email ?? 'Nobody'}</dd>
        </>
      )}
      {t.license_id && (
        <>
          <dt>License</dt>
          <dd>
            <a href={props.staff ? `/admin/licenses/${t.license_id}` : `/account/licenses/${t.license_id}`}>
              {t.license_id}
            </a>
          </dd>
        </>
      )}
      {t.order_id && (
        <>
          <dt>Order</dt>
          <dd>
            <a href={props.staff ? `/admin/orders/${t.order_id}` : `/account/orders/${t.order_id}`}>
              {t.order_id}
            </a>
          </dd>
        </>
      )}
      <dt>Opened</dt>
      <dd>{minute(t.created_at)}</dd>
    </dl>
  );
}

/** What the files form says about the limits (SUPPORT_ATTACHMENT_MAX_BYTES, SUPPORT_ATTACHMENTS_PER_MESSAGE). */
export interface FileLimits {
  maxBytes: number;
  perMessage: number;
}

export function AccountTicketPage(
  props: PageChrome & {
    thread: TicketThread;
    body: string;
    error: string | null;
    notice: string | null;
    limits: FileLimits;
  },
) {
  const { ticket, messages } = props.thread;
  return (
    <Layout {...props} title={`${ticket.subject} — support`} currentPath="/account/support">
      <div class="container stack">
        <p>
          <a href="/account/support">Support</a>
        </p>
        <h1>{ticket.subject}</h1>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <TicketFacts ticket={ticket} staff={false} />
        <Thread messages={messages} thread={props.thread} staff={false} />
        {ticket.status === 'closed' ? (
          <p>This ticket is closed. Open a new ticket if you need more help.</p>
        ) : (
          <Form action={`/account/support/${ticket.id}/replies`} csrfToken={props.csrfToken} label="Reply">
            <BodyField label="Your reply" value={props.body} error={undefined} />
            <div class="actions">
              <Button type="submit">Send the reply</Button>
            </div>
          </Form>
        )}
        {ticket.status !== 'closed' && (
          <FilesForm
            action={`/account/support/${ticket.id}/attachments`}
            csrfToken={props.csrfToken}
            staff={false}
            {...props.limits}
          />
        )}
      </div>
    </Layout>
  );
}

// ---- staff pages -------------------------------------------------------------------------------------------------

const statusOptions = TICKET_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const);

export function AdminSupportPage(
  props: PageChrome & { tickets: readonly TicketRow[]; status: TicketStatus | ''; q: string },
) {
  return (
    <Layout {...props} title="Support — FHIR IQ admin" currentPath="/admin/support">
      <div class="container admin-page">
        <h1>Support tickets</h1>
        <AdminNav current="/admin/support" />
        <form method="get" action="/admin/support" class="order-search">
          <label for="support-q">Subject or email</label>
          <input id="support-q" name="q" type="search" value={props.q} maxLength={200} autocomplete="off" />
          <label for="support-status">Status</label>
          <select id="support-status" name="status">
            <option value="">Any</option>
            {statusOptions.map(([value, label]) => (
              <option value={value} selected={props.status === value}>
                {label}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
        {props.tickets.length ? (
          <TicketTable tickets={props.tickets} href={(t) => `/admin/support/${t.id}`} staff />
        ) : (
          <p>No tickets match.</p>
        )}
      </div>
    </Layout>
  );
}

export function AdminTicketPage(
  props: PageChrome & {
    thread: TicketThread;
    canReply: boolean;
    body: string;
    error: string | null;
    notice: string | null;
    limits: FileLimits;
  },
) {
  const { ticket, messages } = props.thread;
  const base = `/admin/support/${ticket.id}`;
  return (
    <Layout {...props} title={`${ticket.subject} — FHIR IQ admin`} currentPath="/admin/support">
      <div class="container admin-page stack">
        <h1>{ticket.subject}</h1>
        <AdminNav current="/admin/support" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <TicketFacts ticket={ticket} staff />
        <Thread messages={messages} thread={props.thread} staff />
        {props.canReply && (
          <>
            <Form action={`${base}/replies`} csrfToken={props.csrfToken} label="Reply">
              <BodyField label="Reply to the customer" value={props.body} error={undefined} />
              <Select
                name="status"
                id="field-reply-status"
                label="Then set the status to"
                value="waiting_on_customer"
                options={statusOptions}
              />
              <div class="actions">
                <Button type="submit">Send the reply</Button>
              </div>
            </Form>
            <FilesForm action={`${base}/attachments`} csrfToken={props.csrfToken} staff {...props.limits} />
            <Form action={`${base}/status`} csrfToken={props.csrfToken} label="Status">
              <Select name="status" label="Status" value={ticket.status} options={statusOptions} />
              <div class="actions">
                <Button type="submit" variant="secondary">
                  Change the status
                </Button>
              </div>
            </Form>
            {ticket.assignee_user_id === null || ticket.assignee_email !== props.user?.email ? (
              <Form action={`${base}/assign`} csrfToken={props.csrfToken} label="Assign">
                <Button type="submit" variant="secondary">
                  Assign to me
                </Button>
              </Form>
            ) : null}
          </>
        )}
      </div>
    </Layout>
  );
}
