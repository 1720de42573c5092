-- Payments: one payment per order (like a payment intent), any number of
-- attempts on it (a declined card, then another), the saved test cards, and
-- the provider events already processed (deduplication by event id).

CREATE TABLE payment (
  id text PRIMARY KEY,
  order_id text NOT NULL UNIQUE,
  user_id text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('test', 'stripe')),
  amount bigint NOT NULL CHECK (amount >= 0),
  currency char(3) NOT NULL,
  status text NOT NULL CHECK (status IN ('requires_payment', 'succeeded', 'failed', 'canceled')),
  failure_code text,
  failure_message text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  succeeded_at timestamptz
);

-- Never a full card number: brand and last four digits only.
CREATE TABLE payment_method (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  provider text NOT NULL,
  card_brand text NOT NULL,
  card_last4 char(4) NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  exp_month integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year integer NOT NULL,
  -- Stripe's 4000 0000 0000 0341: attaches and pays now, every later (renewal) charge fails.
  fails_on_renewal boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);
CREATE INDEX payment_method_user ON payment_method (user_id);

CREATE TABLE payment_attempt (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES payment (id),
  payment_method_id text REFERENCES payment_method (id),
  card_brand text NOT NULL,
  card_last4 char(4) NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'declined')),
  decline_code text,
  created_at timestamptz NOT NULL
);
CREATE INDEX payment_attempt_payment ON payment_attempt (payment_id, created_at);

CREATE TABLE payment_event (
  -- The provider's event id: an event is applied once however often it is delivered.
  id text PRIMARY KEY,
  provider text NOT NULL,
  type text NOT NULL,
  payment_id text NOT NULL,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL
);
