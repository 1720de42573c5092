-- Files attached to support ticket messages. They may hold patient data: the content and the
-- file name are stored encrypted (AES-256-GCM under a key derived from APP_SECRET; the content's
-- additional data is the attachment id, so a ciphertext moved to another row does not decrypt).
-- In the database, like invoice PDFs: they commit with their message and every web process of a
-- PostgreSQL deployment reads them without shared disk. SUPPORT_ATTACHMENT_RETENTION_DAYS after a
-- ticket is resolved or closed, a daily job empties content and name (deleted_at says when); the
-- row stays, so the thread still says a file was there.
CREATE TABLE support_attachment (
  id text PRIMARY KEY,
  ticket_id text NOT NULL REFERENCES support_ticket (id),
  message_id text NOT NULL REFERENCES support_message (id),
  position integer NOT NULL CHECK (position >= 1),
  filename_enc text,
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size >= 1),
  content bytea,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz,
  CHECK ((deleted_at IS NULL) = (content IS NOT NULL AND filename_enc IS NOT NULL)),
  UNIQUE (message_id, position)
);
CREATE INDEX support_attachment_ticket ON support_attachment (ticket_id);
-- The retention sweep looks for resolved and closed tickets by when they were resolved.
CREATE INDEX support_ticket_resolved ON support_ticket (resolved_at) WHERE resolved_at IS NOT NULL;
