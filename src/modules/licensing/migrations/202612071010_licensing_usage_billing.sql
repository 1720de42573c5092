-- A statement with an overage amount is billed by one order (status 'billed'); the order is
-- created once per license period (its idempotency key is the period's), so this only records it.
ALTER TABLE license_usage_statement ADD COLUMN order_id text;
ALTER TABLE license_usage_statement ADD COLUMN billed_at timestamptz;

-- Retention: the events of periods closed long ago are pruned by period (the totals and the
-- statements stay).
CREATE INDEX license_usage_event_period ON license_usage_event (period_start);
