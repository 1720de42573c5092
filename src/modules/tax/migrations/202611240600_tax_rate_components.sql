-- Rates in parts per million instead of basis points: Quebec's QST is 9.975 %, which a whole
-- number of basis points cannot hold. Existing rows convert exactly (1 bp = 100 ppm).
ALTER TABLE tax_rate ADD COLUMN rate_ppm integer;
UPDATE tax_rate SET rate_ppm = rate_bp * 100;
ALTER TABLE tax_rate ALTER COLUMN rate_ppm SET NOT NULL;
ALTER TABLE tax_rate ADD CONSTRAINT tax_rate_rate_ppm_check CHECK (rate_ppm BETWEEN 0 AND 1000000);
ALTER TABLE tax_rate DROP COLUMN rate_bp;

-- Provincial taxes charged beside Canada's GST: PST (British Columbia, Saskatchewan, Manitoba's
-- RST) and Quebec's QST.
ALTER TABLE tax_rate DROP CONSTRAINT tax_rate_kind_check;
ALTER TABLE tax_rate ADD CONSTRAINT tax_rate_kind_check
  CHECK (kind IN ('vat', 'gst', 'hst', 'pst', 'qst', 'sales'));
