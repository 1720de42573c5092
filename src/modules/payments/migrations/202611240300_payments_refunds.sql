-- Refunds: money going back to the customer, full or partial, requested by
-- staff or made at the provider (a refund in the Stripe Dashboard). A refund
-- is recorded pending, sent to the provider by a job, and applied to its
-- order (refunded_total, state, "order refunded") once it succeeded.

CREATE TABLE refund (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES payment (id),
  -- The order (orders module); no foreign key across modules.
  order_id text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('test', 'stripe')),
  -- Gross amount in minor units of the order's currency.
  amount bigint NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL,
  -- Net and tax parts, allocated over the order's lines (largest remainder) for the credit note.
  -- Provisional while pending; fixed against the refunds already applied when it succeeds.
  net bigint NOT NULL CHECK (net >= 0),
  tax bigint NOT NULL CHECK (tax >= 0),
  -- [{ "lineId", "position", "sku", "net", "tax" }], one entry per order line.
  allocation jsonb NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  failure_message text,
  provider_refund_id text UNIQUE,
  -- The staff member who asked for it; null when the provider reported a refund we did not make.
  requested_by text,
  -- The business operation (a staff form's or API client's idempotency key, `stripe:<re_…>` for a
  -- refund made at Stripe): a repeated request finds this row instead of refunding twice.
  request_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  succeeded_at timestamptz,
  failed_at timestamptz,
  CHECK (net + tax = amount)
);
CREATE INDEX refund_payment ON refund (payment_id, created_at);
CREATE INDEX refund_order ON refund (order_id, created_at);
