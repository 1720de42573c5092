import { AdminNav, Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import { isLeadTopic, LEAD_NOTE_MAX, nextLeadStatuses, TOPIC_LABELS } from '../domain/lead.ts';
import type { LeadRow } from '../leads.tables.ts';

const fmt = (d: Date) => new Date(d).toISOString().replace('T', ' ').slice(0, 16);
const STATUS_LABELS: Record<string, string> = { new: 'New', contacted: 'Contacted', closed: 'Closed' };

function StatusForm(props: { lead: LeadRow; csrfToken: string }) {
  const l = props.lead;
  const next = nextLeadStatuses(l.status);
  if (next.length === 0) return null;
  const who = ` for the message from ${l.name}`;
  return (
    <form method="post" action={`/admin/leads/${l.id}/status`} class="quote-status-form">
      <CsrfInput token={props.csrfToken} />
      <div class="form-field">
        <label for={`status-${l.id}`}>
          Move to<span class="visually-hidden">{who}</span>
        </label>
        <select id={`status-${l.id}`} name="status">
          {next.map((s) => (
            <option value={s}>{STATUS_LABELS[s] ?? s}</option>
          ))}
        </select>
      </div>
      <div class="form-field">
        <label for={`note-${l.id}`}>
          Note<span class="visually-hidden">{who}</span> <span class="optional">(optional)</span>
        </label>
        <textarea id={`note-${l.id}`} name="note" rows={2} maxLength={LEAD_NOTE_MAX} />
      </div>
      <button type="submit" class="btn btn-secondary">
        Update<span class="visually-hidden">{who}</span>
      </button>
    </form>
  );
}

/** /admin/leads: messages from the contact form, newest first, and where each stands. */
export function LeadsPage(
  props: PageChrome & { leads: LeadRow[]; canManage: boolean; notice?: string | null; error?: string | null },
) {
  return (
    <Layout {...props} title="Contact requests — FHIR IQ admin" currentPath="/admin/leads" robots="noindex">
      <div class="container admin-page">
        <h1>Contact requests</h1>
        <AdminNav current="/admin/leads" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <p>
          A message goes from new to contacted, then closed (final). Quote requests for Enterprise items are
          under <a href="/admin/quotes">Quotes</a>.
        </p>
        <table>
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Topic</th>
              <th scope="col">From</th>
              <th scope="col">Message</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.leads.length === 0 && (
              <tr>
                <td colSpan={5}>No contact requests yet.</td>
              </tr>
            )}
            {props.leads.map((l) => (
              <tr id={`lead-${l.id}`}>
                <td>{fmt(l.created_at)}</td>
                <td>{isLeadTopic(l.topic) ? TOPIC_LABELS[l.topic] : l.topic}</td>
                <td>
                  {l.name}
                  <br />
                  <a href={`mailto:${l.email}`}>{l.email}</a>
                  {l.organization && (
                    <>
                      <br />
                      {l.organization}
                    </>
                  )}
                </td>
                <td class="quote-message">{l.message}</td>
                <td>
                  <strong class="quote-status">{STATUS_LABELS[l.status] ?? l.status}</strong>
                  {l.status_changed_at && (
                    <p class="form-hint">
                      {fmt(l.status_changed_at)}
                      {l.status_changed_by ? ` by ${l.status_changed_by}` : ''}
                      {l.status_note ? `: ${l.status_note}` : ''}
                    </p>
                  )}
                  {props.canManage && <StatusForm lead={l} csrfToken={props.csrfToken ?? ''} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
