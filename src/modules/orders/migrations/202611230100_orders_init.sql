-- Orders: what a customer bought, at which price and tax, and where it stands.
-- Lines are snapshots taken at checkout: a later catalog or tax-rate change
-- never rewrites what was sold.

-- Human order numbers (FIQ-2026-000123). Gaps are acceptable for orders (a rolled-back checkout
-- burns a number); invoices get their own gapless numbering.
CREATE SEQUENCE order_number_seq START 1;

CREATE TABLE sales_order (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  -- The buyer (accounts module); no foreign key across modules.
  user_id text NOT NULL,
  state text NOT NULL CHECK (state IN
    ('pending_payment', 'paid', 'fulfilled', 'payment_failed', 'canceled', 'refunded', 'partially_refunded')),
  currency char(3) NOT NULL,
  net_total bigint NOT NULL CHECK (net_total >= 0),
  tax_total bigint NOT NULL CHECK (tax_total >= 0),
  gross_total bigint NOT NULL CHECK (gross_total = net_total + tax_total),
  -- The business operation that created it (checkout:<cartId>:<cartVersion>): a retry finds this row.
  idempotency_key text NOT NULL UNIQUE,
  billing jsonb NOT NULL,
  customer_type text NOT NULL CHECK (customer_type IN ('business', 'consumer')),
  -- Tax evidence kept with the order.
  billing_country char(2) NOT NULL,
  vat_id text,
  vat_status text NOT NULL CHECK (vat_status IN ('not_provided', 'not_required', 'pending_verification', 'valid')),
  tax_date date NOT NULL,
  tax_notes jsonb NOT NULL DEFAULT '[]',
  ip_address text,
  ip_country char(2),
  last_payment_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  paid_at timestamptz,
  confirmation_mailed_at timestamptz
);
CREATE INDEX sales_order_user ON sales_order (user_id, created_at DESC);
CREATE INDEX sales_order_created ON sales_order (created_at DESC);

CREATE TABLE order_line (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order (id),
  position integer NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
  net bigint NOT NULL CHECK (net = unit_amount * quantity),
  tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  tax_amount bigint NOT NULL CHECK (tax_amount >= 0),
  gross bigint NOT NULL CHECK (gross = net + tax_amount),
  tax_reason text NOT NULL,
  jurisdiction text NOT NULL,
  tax_code text NOT NULL,
  UNIQUE (order_id, position)
);
