-- Every product says how it reaches the buyer (002's productType): software installed on the
-- buyer's machines, a service FHIR IQ hosts, a course, consulting, or a bundle of those. The
-- delivery mail's activation steps and the onboarding mails follow it; staff may change it.
ALTER TABLE catalog_product ADD COLUMN product_type text
  CHECK (product_type IN ('desktop_software', 'web_service', 'training_course', 'consulting', 'bundle'));

-- Products an install already has get what the seed gives them (seed/tools.ts says why per tool):
-- the analytics and the app builder are hosted, the other tools are downloads.
UPDATE catalog_product SET product_type = CASE
  WHEN key IN ('TL-ANALYTICS', 'TL-BUILDER') THEN 'web_service'
  WHEN kind = 'tool' THEN 'desktop_software'
  WHEN kind = 'course' THEN 'training_course'
  WHEN kind = 'service' THEN 'consulting'
  ELSE 'bundle'
END;

ALTER TABLE catalog_product ALTER COLUMN product_type SET NOT NULL;

-- The product's type must fit its kind (the catalog checker says the same for staff edits).
ALTER TABLE catalog_product ADD CONSTRAINT catalog_product_type_fits_kind CHECK (
  (kind = 'tool' AND product_type IN ('desktop_software', 'web_service'))
  OR (kind = 'course' AND product_type = 'training_course')
  OR (kind = 'service' AND product_type = 'consulting')
  OR (kind = 'bundle' AND product_type = 'bundle')
);

UPDATE catalog_state SET version = version + 1, updated_at = now();
