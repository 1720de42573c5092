-- Tax rates as data with effective dates, and the evidence of EU VAT ID checks.

CREATE TABLE tax_rate (
  id text PRIMARY KEY,
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  -- Province or state (ON, WA); NULL for the whole country.
  region text CHECK (region IS NULL OR region ~ '^[A-Z0-9]{1,3}$'),
  kind text NOT NULL CHECK (kind IN ('vat', 'gst', 'hst', 'sales')),
  rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  valid_from date NOT NULL,
  -- Exclusive: the first day the rate no longer applies.
  valid_to date CHECK (valid_to IS NULL OR valid_to > valid_from),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL,
  created_by text
);
-- One period start per jurisdiction: the seeder's idempotency key.
CREATE UNIQUE INDEX tax_rate_period ON tax_rate (country, (coalesce(region, '')), valid_from);

CREATE TABLE vat_verification (
  -- Canonical VAT ID (prefix + number, EL for Greece).
  vat_id text PRIMARY KEY CHECK (vat_id ~ '^[A-Z]{2}[A-Z0-9+*]{2,20}$'),
  country char(2) NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'valid', 'invalid')),
  -- Who answered: 'vies' (the registry) or 'local-format' (format and check digit only).
  source text CHECK (source IS NULL OR source IN ('vies', 'local-format')),
  checked_at timestamptz,
  request_identifier text,
  registered_name text,
  registered_address text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX vat_verification_pending ON vat_verification (updated_at) WHERE status = 'pending';
