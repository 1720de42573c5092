-- Orders that bill a usage license's overage at the end of its period (origin 'usage'): like
-- renewals, fulfillment delivers nothing for them; they are invoiced when paid.
ALTER TABLE sales_order DROP CONSTRAINT sales_order_origin_check;
ALTER TABLE sales_order ADD CONSTRAINT sales_order_origin_check
  CHECK (origin IN ('checkout', 'renewal', 'plan_change', 'usage'));
