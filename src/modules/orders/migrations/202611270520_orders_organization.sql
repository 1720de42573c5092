-- The organization an order was placed for (a member buying for it; the accounts module's id, no
-- foreign key across modules). Its owners, admins and billing members see the order beside the
-- buyer. Orders placed before this migration stay personal: NULL.
ALTER TABLE sales_order ADD COLUMN organization_id text;
CREATE INDEX sales_order_organization ON sales_order (organization_id, created_at DESC)
  WHERE organization_id IS NOT NULL;
