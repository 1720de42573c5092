-- Refunds applied to an order (gross, minor units): an order is refunded in full exactly when
-- refunded_total = gross_total, and never beyond it.
ALTER TABLE sales_order ADD COLUMN refunded_total bigint NOT NULL DEFAULT 0;
ALTER TABLE sales_order ADD CONSTRAINT sales_order_refunded_total
  CHECK (refunded_total >= 0 AND refunded_total <= gross_total);

-- The refund notice mailed to the customer: one per refund, however often "order refunded" is delivered.
CREATE TABLE order_refund_notice (
  refund_id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order (id),
  mailed_at timestamptz NOT NULL
);
