import { Button, CsrfInput } from '../../../web/index.ts';
import { ACCEPT } from '../domain/attachment.ts';
import { STATUS_LABELS, TICKET_STATUSES } from '../domain/ticket.ts';
import type { AttachmentInfo } from '../support-attachments.ts';

/** Files under a message, and the form that sends files (multipart; the CSRF token comes first). */

const size = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;

export function AttachmentList(props: {
  files: readonly AttachmentInfo[];
  href: (a: AttachmentInfo) => string;
}) {
  if (!props.files.length) return null;
  return (
    <ul class="attachments" aria-label="Attached files">
      {props.files.map((a) => (
        <li key={a.id}>
          {a.deleted || a.filename === null ? (
            <span>A file (removed after the retention period)</span>
          ) : (
            <a href={props.href(a)} download={a.filename}>
              {a.filename}
            </a>
          )}{' '}
          ({size(a.size)})
        </li>
      ))}
    </ul>
  );
}

export function FilesForm(props: {
  action: string;
  csrfToken: string | undefined;
  maxBytes: number;
  perMessage: number;
  staff: boolean;
}) {
  return (
    <form
      method="post"
      action={props.action}
      enctype="multipart/form-data"
      class="form"
      aria-label="Send files"
    >
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      <div class="form-field">
        <label for="files-body">
          Message<span class="optional"> (optional)</span>
        </label>
        <textarea id="files-body" name="body" rows={3} maxLength={10_000} />
      </div>
      {props.staff && (
        <div class="form-field">
          <label for="files-status">Then set the status to</label>
          <select id="files-status" name="status">
            {TICKET_STATUSES.map((s) => (
              <option value={s} selected={s === 'waiting_on_customer'}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="form-field">
        <label for="files-file">Files</label>
        <p class="form-hint" id="files-file-hint">
          PDF, PNG, JPEG, text, JSON, CSV or log files; up to {props.perMessage}, each at most{' '}
          {size(props.maxBytes)}. Files are stored encrypted and deleted some time after the ticket is
          resolved.
        </p>
        <input
          id="files-file"
          name="file"
          type="file"
          multiple
          required
          accept={ACCEPT}
          aria-describedby="files-file-hint"
        />
      </div>
      <div class="actions">
        <Button type="submit" variant="secondary">
          Send the files
        </Button>
      </div>
    </form>
  );
}
