-- Quote requests become a small sales pipeline: new → contacted → won | lost, each move made by
-- staff with an optional note (the history is in the audit log; the row keeps the latest move).
-- No code ever set the former 'answered' / 'closed': they map to their nearest new meaning.
ALTER TABLE catalog_quote_request DROP CONSTRAINT catalog_quote_request_status_check;
UPDATE catalog_quote_request SET status = 'contacted' WHERE status = 'answered';
UPDATE catalog_quote_request SET status = 'lost' WHERE status = 'closed';
ALTER TABLE catalog_quote_request ADD CONSTRAINT catalog_quote_request_status_check
  CHECK (status IN ('new', 'contacted', 'won', 'lost'));
ALTER TABLE catalog_quote_request
  ADD COLUMN status_note text CHECK (char_length(status_note) <= 2000),
  ADD COLUMN status_changed_at timestamptz,
  ADD COLUMN status_changed_by text;
