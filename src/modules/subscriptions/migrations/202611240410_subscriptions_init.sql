-- Subscriptions: every recurring line of a paid order becomes one. The price
-- is kept on the subscription (unit amount and the catalog price row it came
-- from), so archiving or changing a catalog price never changes what an
-- existing subscriber pays. Periods are computed from the anchor.

CREATE TABLE subscription (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  -- The order line that created it: one subscription per recurring line, whatever the retries.
  origin_order_id text NOT NULL,
  origin_line integer NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  price_id text,
  unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  currency char(3) NOT NULL,
  interval text NOT NULL CHECK (interval IN ('month', 'year')),
  status text NOT NULL CHECK (status IN ('active', 'past_due', 'suspended', 'canceled')),
  provider text NOT NULL CHECK (provider IN ('test', 'stripe')),
  provider_subscription_id text,
  -- Stripe's event.created of the last status update applied: an older event never overwrites it.
  provider_event_at bigint NOT NULL DEFAULT 0,
  payment_method_id text,
  -- Billing details of the first order: renewals are taxed with them.
  billing jsonb NOT NULL,
  anchor_at timestamptz NOT NULL,
  period_index integer NOT NULL DEFAULT 0,
  current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  canceled_at timestamptz,
  ended_at timestamptz,
  past_due_since timestamptz,
  failures integer NOT NULL DEFAULT 0,
  next_retry_at timestamptz,
  grace_ends_at timestamptz,
  suspended_at timestamptz,
  -- Account credit from downgrades (gross, minor units), taken off the next charges.
  credit_balance bigint NOT NULL DEFAULT 0 CHECK (credit_balance >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (origin_order_id, origin_line)
);
CREATE INDEX subscription_user ON subscription (user_id, created_at DESC);
CREATE INDEX subscription_due ON subscription (current_period_end) WHERE status IN ('active', 'past_due');
CREATE INDEX subscription_retry ON subscription (next_retry_at) WHERE next_retry_at IS NOT NULL;
CREATE INDEX subscription_grace ON subscription (grace_ends_at) WHERE status = 'past_due';
CREATE UNIQUE INDEX subscription_provider_id ON subscription (provider_subscription_id, sku)
  WHERE provider_subscription_id IS NOT NULL;

-- The orders that bill a subscription after its first purchase.
CREATE TABLE subscription_charge (
  order_id text PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES subscription (id),
  kind text NOT NULL CHECK (kind IN ('renewal', 'plan_change')),
  -- Renewal: the period it pays for. Plan change: the period it happens in.
  period_index integer NOT NULL,
  -- Plan change: what the subscription becomes once it is paid.
  change jsonb,
  status text NOT NULL CHECK (status IN ('open', 'paid', 'void')),
  created_at timestamptz NOT NULL,
  applied_at timestamptz
);
-- One renewal order per period, however often the sweep runs.
CREATE UNIQUE INDEX subscription_charge_renewal ON subscription_charge (subscription_id, period_index)
  WHERE kind = 'renewal';

-- What happened to a subscription, for the customer's and staff's history.
CREATE TABLE subscription_event (
  id text PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES subscription (id),
  type text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL,
  -- Commit order within one instant (ids made in the same millisecond are not ordered).
  seq bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX subscription_event_sub ON subscription_event (subscription_id, seq);
