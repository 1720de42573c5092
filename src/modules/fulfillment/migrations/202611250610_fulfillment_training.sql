-- Training enrollments delivered by fulfillment. The access key is shown to its owner only: it
-- is found by a keyed hash and kept encrypted (AES-GCM), like license keys. `valid_until` null
-- is lifetime access (self-paced courses); live workshops give access for the SKU's months.

CREATE TABLE training_enrollment (
  id text PRIMARY KEY,
  source_ref text NOT NULL UNIQUE,
  order_id text NOT NULL,
  user_id text NOT NULL,
  email text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  format text NOT NULL CHECK (format IN ('self_paced', 'live')),
  hours integer,
  seats integer NOT NULL CHECK (seats >= 1),
  access_key_hash text NOT NULL UNIQUE,
  access_key_enc text NOT NULL,
  access_key_last4 char(4) NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  status_reason text,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX training_enrollment_user ON training_enrollment (user_id, created_at DESC);
CREATE INDEX training_enrollment_order ON training_enrollment (order_id);
