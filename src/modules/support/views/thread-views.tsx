import type { TicketThread } from '../support.service.ts';
import type { MessageRow } from '../support.tables.ts';
import { AttachmentList } from './attachment-views.tsx';

/** A ticket's thread: each message as written, with its files. */

export const minute = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Plain text as written: escaped by preact, each line break kept as a <br>. */
export function PlainText(props: { text: string }) {
  const lines = props.text.split('\n');
  return (
    <p class="message-body">
      {lines.map((line, i) => (
        <>
          {i > 0 && <br />}
          {line}
        </>
      ))}
    </p>
  );
}

export function Thread(props: { messages: readonly MessageRow[]; thread: TicketThread; staff: boolean }) {
  const base = props.staff ? '/api/v1/admin/support' : '/api/v1/account/support';
  return (
    <ol class="stack support-thread">
      {props.messages.map((m) => (
        <li class="card">
          <p>
            <strong>
              {m.author_kind === 'staff'
                ? props.staff
                  ? `${m.author_email} (staff)`
                  : 'FHIR IQ support'
                : m.author_email}
            </strong>{' '}
            · <time datetime={new Date(m.created_at).toISOString()}>{minute(m.created_at)}</time>
          </p>
          <PlainText text={m.body} />
          <AttachmentList
            files={props.thread.attachments.filter((a) => a.messageId === m.id)}
            href={(a) => `${base}/${props.thread.ticket.id}/attachments/${a.id}`}
          />
        </li>
      ))}
    </ol>
  );
}
