-- Orders that bill a subscription: a renewal (one period) or a plan change
-- (the prorated difference). Fulfillment acts on the first purchase only
-- (origin 'checkout'); renewals and changes move the subscription instead.
-- credit_applied: account credit (from a downgrade) taken off what the
-- customer pays; the order's totals stay the full price of what it sells.

ALTER TABLE sales_order ADD COLUMN origin text NOT NULL DEFAULT 'checkout'
  CHECK (origin IN ('checkout', 'renewal', 'plan_change'));
ALTER TABLE sales_order ADD COLUMN subscription_id text;
ALTER TABLE sales_order ADD COLUMN credit_applied bigint NOT NULL DEFAULT 0;
ALTER TABLE sales_order ADD CONSTRAINT sales_order_credit_applied
  CHECK (credit_applied >= 0 AND credit_applied <= gross_total);
CREATE INDEX sales_order_subscription ON sales_order (subscription_id) WHERE subscription_id IS NOT NULL;
