-- Licenses and the machines activated on them. The key is never stored in clear: a keyed hash
-- finds it (constant work, no timing on the key), AES-GCM keeps it for its owner's screen.
-- `source_ref` is the business operation that issued it (an order line, a staff command):
-- issuing twice for the same one answers the first license.

CREATE TABLE license (
  id text PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  key_enc text NOT NULL,
  key_last4 char(4) NOT NULL,
  user_id text,
  email text,
  sku text NOT NULL,
  product_key text NOT NULL,
  type text NOT NULL CHECK (type IN ('SEAT', 'ORGANIZATION', 'USAGE')),
  status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED')),
  seats integer NOT NULL CHECK (seats BETWEEN 1 AND 100000),
  max_machines integer NOT NULL CHECK (max_machines >= 0),
  limits jsonb NOT NULL DEFAULT '{}',
  allowed_domains jsonb NOT NULL DEFAULT '[]',
  allowed_countries jsonb NOT NULL DEFAULT '[]',
  heartbeat_window_seconds integer,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  source text NOT NULL CHECK (source IN ('order', 'staff')),
  source_ref text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX license_user ON license (user_id);

CREATE TABLE license_machine (
  id text PRIMARY KEY,
  license_id text NOT NULL REFERENCES license (id),
  fingerprint text NOT NULL,
  name text,
  platform text,
  hostname text,
  activated_at timestamptz NOT NULL,
  last_heartbeat_at timestamptz,
  UNIQUE (license_id, fingerprint)
);

-- Every license event (issued, validated with its code, activated…), for staff and audits.
CREATE TABLE license_event (
  id text PRIMARY KEY,
  license_id text,
  type text NOT NULL,
  code text,
  detail jsonb NOT NULL DEFAULT '{}',
  ip text,
  at timestamptz NOT NULL
);
CREATE INDEX license_event_license ON license_event (license_id, at);
