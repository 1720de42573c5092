-- Support tickets: a customer's question and its thread of replies. A ticket belongs to the
-- customer who opened it and, when they chose one, to one of their organizations (its members see
-- it too); staff see all. Bodies are plain text, bounded here as well as in the service.

CREATE TABLE support_ticket (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  email text NOT NULL,
  org_id text,
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 3 AND 200),
  category text NOT NULL CHECK (category IN ('license', 'billing', 'training', 'consulting', 'technical')),
  status text NOT NULL CHECK (status IN ('open', 'waiting_on_customer', 'resolved', 'closed')),
  license_id text,
  order_id text,
  assignee_user_id text,
  assignee_email text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  resolved_at timestamptz
);
CREATE INDEX support_ticket_user ON support_ticket (user_id, updated_at DESC);
CREATE INDEX support_ticket_org ON support_ticket (org_id, updated_at DESC) WHERE org_id IS NOT NULL;
CREATE INDEX support_ticket_status ON support_ticket (status, updated_at DESC);
-- The per-user creation limit counts the last hour's tickets.
CREATE INDEX support_ticket_created ON support_ticket (user_id, created_at);

CREATE TABLE support_message (
  id text PRIMARY KEY,
  ticket_id text NOT NULL REFERENCES support_ticket (id),
  author_user_id text NOT NULL,
  author_email text NOT NULL,
  -- 'customer' or 'staff': what the customer's page shows as "FHIR IQ support".
  author_kind text NOT NULL CHECK (author_kind IN ('customer', 'staff')),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
  created_at timestamptz NOT NULL,
  -- The thread's order: two messages of the same millisecond still have one.
  seq bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX support_message_ticket ON support_message (ticket_id, seq);
