-- Invoices and credit notes: legal documents, written once when an order is paid (or a refund
-- succeeds) and never changed afterwards. Every value printed is a snapshot taken at
-- finalization (seller from configuration, buyer and lines from the order), so a later change
-- of configuration, catalog, order or account never rewrites an issued document.

-- Gapless numbering: one counter row per series and month, incremented by
-- INSERT … ON CONFLICT DO UPDATE … RETURNING inside the transaction that writes the document.
-- The row stays locked until that transaction ends, so numbers are handed out one at a time,
-- and a transaction that rolls back takes its increment back with it: no gap, no duplicate.
CREATE TABLE invoice_counter (
  series text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
  -- 'YYYY-MM' (UTC) of the documents' issue date: numbering restarts each month.
  period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  last_value integer NOT NULL CHECK (last_value >= 1),
  PRIMARY KEY (series, period)
);

CREATE TABLE invoice (
  id text PRIMARY KEY,
  -- FHIR-YYYY-MM-NNNN (NNNN widens past 9999, never wraps).
  number text NOT NULL UNIQUE,
  period text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  -- One invoice per paid order (the orders module's; no foreign key across modules).
  order_id text NOT NULL UNIQUE,
  order_number text NOT NULL,
  order_origin text NOT NULL,
  -- The buyer's account: customer reads are scoped by it.
  user_id text NOT NULL,
  issued_at timestamptz NOT NULL,
  -- When the order was paid (the date of supply printed on the invoice).
  supplied_at timestamptz NOT NULL,
  tax_date date NOT NULL,
  currency char(3) NOT NULL,
  net_total bigint NOT NULL CHECK (net_total >= 0),
  tax_total bigint NOT NULL CHECK (tax_total >= 0),
  gross_total bigint NOT NULL CHECK (gross_total = net_total + tax_total),
  -- Account credit (from a downgrade) taken off what was paid; amount_paid = gross_total - credit_applied.
  credit_applied bigint NOT NULL CHECK (credit_applied >= 0 AND credit_applied <= gross_total),
  seller jsonb NOT NULL,
  buyer jsonb NOT NULL,
  reverse_charge boolean NOT NULL,
  -- Legal mentions printed under the lines (reverse-charge wording, tax notes of the order).
  notes jsonb NOT NULL DEFAULT '[]',
  UNIQUE (period, seq)
);
CREATE INDEX invoice_user ON invoice (user_id, issued_at DESC);
CREATE INDEX invoice_issued ON invoice (issued_at DESC);

CREATE TABLE invoice_line (
  invoice_id text NOT NULL REFERENCES invoice (id),
  position integer NOT NULL,
  order_line_id text NOT NULL,
  sku text NOT NULL,
  description text NOT NULL,
  quantity integer NOT NULL CHECK (quantity >= 1),
  unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
  net bigint NOT NULL CHECK (net = unit_amount * quantity),
  -- The exact rate as sold ("19", "14.975").
  tax_rate_percent text NOT NULL,
  tax_amount bigint NOT NULL CHECK (tax_amount >= 0),
  gross bigint NOT NULL CHECK (gross = net + tax_amount),
  tax_reason text NOT NULL,
  jurisdiction text NOT NULL,
  tax_components jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (invoice_id, position)
);

-- One credit note per succeeded refund, numbered in its own series (FHIR-CN-YYYY-MM-NNNN).
CREATE TABLE credit_note (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  period text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  refund_id text NOT NULL UNIQUE,
  invoice_id text NOT NULL REFERENCES invoice (id),
  user_id text NOT NULL,
  issued_at timestamptz NOT NULL,
  currency char(3) NOT NULL,
  net_total bigint NOT NULL CHECK (net_total >= 0),
  tax_total bigint NOT NULL CHECK (tax_total >= 0),
  gross_total bigint NOT NULL CHECK (gross_total = net_total + tax_total AND gross_total > 0),
  -- The refund settled the order in full.
  full_refund boolean NOT NULL,
  UNIQUE (period, seq)
);
CREATE INDEX credit_note_invoice ON credit_note (invoice_id, issued_at);

CREATE TABLE credit_note_line (
  credit_note_id text NOT NULL REFERENCES credit_note (id),
  position integer NOT NULL,
  sku text NOT NULL,
  description text NOT NULL,
  tax_rate_percent text NOT NULL,
  net bigint NOT NULL CHECK (net >= 0),
  tax_amount bigint NOT NULL CHECK (tax_amount >= 0),
  PRIMARY KEY (credit_note_id, position)
);

-- The PDF of a document, generated once (deterministically) and kept with its SHA-256. In the
-- database rather than under DATA_DIR: it commits or rolls back with the rest, is in every
-- backup, and every web process of a PostgreSQL deployment reads it without shared disk.
CREATE TABLE invoice_document (
  -- An invoice's or a credit note's id.
  document_id text PRIMARY KEY,
  filename text NOT NULL,
  pdf bytea NOT NULL,
  sha256 char(64) NOT NULL,
  created_at timestamptz NOT NULL
);

-- The invoice mail: one per invoice, claimed in the transaction that queues it.
CREATE TABLE invoice_mail (
  invoice_id text PRIMARY KEY REFERENCES invoice (id),
  message_id text NOT NULL,
  mailed_at timestamptz NOT NULL
);

-- A finalized document never changes: no UPDATE or DELETE of any of its rows, from any code path
-- (corrections are credit notes). Only the counters and the mail claims are ever updated.
CREATE FUNCTION invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'finalized % rows are immutable', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON invoice
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();
CREATE TRIGGER invoice_line_immutable BEFORE UPDATE OR DELETE ON invoice_line
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();
CREATE TRIGGER credit_note_immutable BEFORE UPDATE OR DELETE ON credit_note
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();
CREATE TRIGGER credit_note_line_immutable BEFORE UPDATE OR DELETE ON credit_note_line
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();
CREATE TRIGGER invoice_document_immutable BEFORE UPDATE OR DELETE ON invoice_document
  FOR EACH ROW EXECUTE FUNCTION invoice_immutable();
