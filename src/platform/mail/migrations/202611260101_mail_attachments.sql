-- Files sent with a message (an invoice's PDF), kept with it in the outbox so a retried delivery
-- sends the same bytes and staff can see what went out. Deleted with their message.
CREATE TABLE mail_attachment (
  message_id text NOT NULL REFERENCES mail_message (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  filename text NOT NULL,
  content_type text NOT NULL,
  content bytea NOT NULL,
  size integer NOT NULL CHECK (size >= 0),
  PRIMARY KEY (message_id, position)
);
