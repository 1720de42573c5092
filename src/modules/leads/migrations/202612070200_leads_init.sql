-- Messages from the public contact form (/contact): each one a lead that staff move from new
-- to contacted to closed, every move audited (the row keeps the latest move and its note).
-- Only what the sender typed is kept: no client address, no user agent.

CREATE TABLE lead (
  id text PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  organization text CHECK (char_length(organization) <= 200),
  topic text NOT NULL CHECK (topic IN ('tools', 'training', 'consulting', 'partnership', 'other')),
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 5000),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
  status_note text CHECK (char_length(status_note) <= 2000),
  status_changed_at timestamptz,
  status_changed_by text,
  created_at timestamptz NOT NULL
);
CREATE INDEX lead_created_idx ON lead (created_at DESC);
-- The per-address burst limit counts an address's recent messages.
CREATE INDEX lead_email_created_idx ON lead (email, created_at DESC);
