-- Product policies (Keygen's model: how a product's licenses behave, apart from what an
-- edition includes), named seats, and one active signing key per algorithm (Ed25519 for
-- everything by default; RSA-PSS for the products whose policy asks for it, as in 002).

DROP INDEX license_signing_key_active;
CREATE UNIQUE INDEX license_signing_key_active ON license_signing_key (alg) WHERE status = 'active';

CREATE TABLE license_policy (
  -- CATEGORY-PRODUCT (`TL-MAPPER`): a policy applies to every edition and term of the product.
  product_key text PRIMARY KEY,
  machines_per_seat integer NOT NULL CHECK (machines_per_seat BETWEEN 1 AND 1000),
  -- Floating use: machines must send a heartbeat within this window or are released. NULL: node-locked.
  heartbeat_window_seconds integer CHECK (heartbeat_window_seconds BETWEEN 60 AND 2592000),
  -- How long a machine file verifies offline before the client must check in again.
  machine_file_ttl_seconds integer NOT NULL CHECK (machine_file_ttl_seconds BETWEEN 3600 AND 31536000),
  transfers_per_month integer NOT NULL CHECK (transfers_per_month BETWEEN 0 AND 1000),
  -- NULL: the platform's default algorithm (the configured key's, else Ed25519).
  signing_alg text CHECK (signing_alg IN ('ed25519', 'rsa-pss-sha256')),
  updated_at timestamptz NOT NULL
);

-- Named users of a seat license, assigned by the customer's admins (002 validateSeatUsage).
-- At most `seats` rows per license: assignment locks the license row, so the limit holds under
-- any concurrency.
CREATE TABLE license_seat (
  id text PRIMARY KEY,
  license_id text NOT NULL REFERENCES license (id),
  email text NOT NULL,
  assigned_at timestamptz NOT NULL,
  assigned_by text,
  -- Assignment order (timestamps tie within a millisecond): a seat reduction releases the latest.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  UNIQUE (license_id, email)
);

ALTER TABLE license ADD COLUMN status_reason text;
ALTER TABLE license_machine ADD COLUMN user_email text;
