-- Every message the platform sends is recorded here first; the mail.send job
-- then delivers it (SMTP) or leaves it stored (embedded mode). Admins read it
-- at /admin/outbox.
CREATE TABLE mail_message (
  id text PRIMARY KEY,
  to_address text NOT NULL,
  from_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text NOT NULL,
  template text NOT NULL,
  category text NOT NULL CHECK (category IN ('transactional', 'marketing')),
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'stored', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  transport text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX mail_message_created_idx ON mail_message (created_at DESC);
CREATE INDEX mail_message_to_idx ON mail_message (lower(to_address), created_at DESC);
