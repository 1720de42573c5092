-- Whose consultation number a VIES check carries. With SELLER_VAT_ID set, checks are made as that
-- requester and VIES answers with a consultation number (request_identifier, already recorded):
-- the proof, for a tax audit, that this seller checked this ID on checked_at. The number is only
-- meaningful together with the requester's VAT ID, which may change over the years.
ALTER TABLE vat_verification ADD COLUMN requester_vat_id text
  CHECK (requester_vat_id IS NULL OR requester_vat_id ~ '^[A-Z]{2}[A-Z0-9+*]{2,20}$');
