-- Stripe: the Checkout Session of each payment (reused until it expires; a new
-- one is a new attempt with its own idempotency key), the Stripe ids events
-- name (payment intent, subscription), one Stripe customer per FHIR IQ user,
-- and the last known state of each Stripe subscription (its lifecycle comes later).

ALTER TABLE payment ADD COLUMN checkout_session_id text;
ALTER TABLE payment ADD COLUMN checkout_url text;
ALTER TABLE payment ADD COLUMN checkout_expires_at timestamptz;
ALTER TABLE payment ADD COLUMN checkout_attempt integer NOT NULL DEFAULT 0;
ALTER TABLE payment ADD COLUMN provider_payment_intent text;
ALTER TABLE payment ADD COLUMN provider_subscription_id text;
CREATE INDEX payment_provider_payment_intent ON payment (provider_payment_intent);
CREATE INDEX payment_provider_subscription ON payment (provider_subscription_id);

CREATE TABLE stripe_customer (
  user_id text PRIMARY KEY,
  customer_id text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);

CREATE TABLE stripe_subscription (
  id text PRIMARY KEY,
  payment_id text REFERENCES payment (id),
  customer_id text,
  status text NOT NULL,
  -- Stripe's event.created of the last applied update: an older event never overwrites a newer state.
  event_created bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
