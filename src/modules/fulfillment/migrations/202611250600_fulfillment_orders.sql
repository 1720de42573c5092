-- Fulfillment of paid orders: one row per order (what staff see: pending, fulfilled or needs
-- attention after the retries were spent, with the failing step and an error without personal
-- data), and its steps, planned once from the order's lines (a bundle gives one step per
-- component). A step's key is derived from the order line (`order-line:<lineId>` or
-- `order-line:<lineId>:<componentSku>`) and is the idempotency key of what it delivers: the
-- license's `source_ref`, the enrollment's and the allocation's unique `source_ref`. Re-running
-- an order (a retry, a duplicate event, a restart after a crash) delivers nothing twice.

CREATE TABLE fulfillment (
  order_id text PRIMARY KEY,
  order_number text NOT NULL,
  user_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'fulfilled', 'needs_attention')),
  attempts integer NOT NULL DEFAULT 0,
  failed_step text,
  last_error text,
  planned_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  fulfilled_at timestamptz,
  attention_at timestamptz,
  -- Set in the transaction that queues the "your purchase is ready" mail: once per order.
  mailed_at timestamptz
);
CREATE INDEX fulfillment_status ON fulfillment (status, updated_at DESC);

CREATE TABLE fulfillment_step (
  key text PRIMARY KEY,
  order_id text NOT NULL REFERENCES fulfillment (order_id),
  position integer NOT NULL,
  line_id text NOT NULL,
  line_position integer NOT NULL,
  line_quantity integer NOT NULL,
  -- The line's gross as sold: refunds are measured against it.
  line_gross bigint NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  bundle_sku text,
  kind text NOT NULL CHECK (kind IN ('license', 'enrollment', 'allocation')),
  -- Units of `sku` per unit of the line (a bundle item's quantity; 1 outside bundles).
  per_unit integer NOT NULL CHECK (per_unit >= 1),
  -- What the step delivers: seats (licenses, enrollments) or minutes (hour blocks); null for a
  -- fixed-scope engagement. Refunds take back whole parts of it.
  delivered integer,
  -- The line is billed by a subscription: its license follows the subscription.
  recurring boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'done')),
  target_id text,
  done_at timestamptz,
  UNIQUE (order_id, position)
);
CREATE INDEX fulfillment_step_line ON fulfillment_step (order_id, line_position);

-- Entitlement changes already applied: `subscription:<event key>`, `refund:<refund id>`.
CREATE TABLE fulfillment_applied (
  key text PRIMARY KEY,
  applied_at timestamptz NOT NULL
);
