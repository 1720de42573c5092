-- The organization an invoice (and its credit notes) bills: the order's, copied at finalization.
-- Its owners, admins and billing members read them beside the buyer. Documents issued before
-- this migration are personal (NULL): adding a column rewrites no row, so the immutability
-- triggers (UPDATE, DELETE) never fire.
ALTER TABLE invoice ADD COLUMN organization_id text;
ALTER TABLE credit_note ADD COLUMN organization_id text;
CREATE INDEX invoice_organization ON invoice (organization_id, issued_at DESC)
  WHERE organization_id IS NOT NULL;
