-- The catalog: what FHIR IQ sells, at which prices, fulfilled how.
--
-- Codes (categories, editions, terms) are data, so the SKU parser accepts what
-- the catalog defines. Prices are rows per SKU and currency in minor units; a
-- price is never updated in place: changing an amount archives the old row and
-- adds a new one, so subscriptions and orders that point at a price id keep
-- reading what was sold.

CREATE TABLE catalog_category (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0
);

CREATE TABLE catalog_edition (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,3}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT ''
);

-- Term codes and what they mean (M monthly, A annual, P perpetual, S per seat, ORG organization…).
CREATE TABLE catalog_term (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]{1,3}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  billing text NOT NULL CHECK (billing IN ('recurring', 'one_time', 'quoted')),
  billing_interval text CHECK (billing_interval IN ('month', 'year')),
  CHECK ((billing = 'recurring') = (billing_interval IS NOT NULL))
);

CREATE TABLE catalog_product (
  -- CATEGORY-PRODUCT, e.g. TL-MAPPER: the first two parts of every SKU of the product.
  key text PRIMARY KEY CHECK (key ~ '^[A-Z]{2}-[A-Z0-9]{2,20}$'),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 80),
  category text NOT NULL REFERENCES catalog_category (code),
  kind text NOT NULL CHECK (kind IN ('tool', 'course', 'service', 'bundle')),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE catalog_sku (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]+(-[A-Z0-9]+){2,3}$' AND char_length(code) <= 40),
  product_key text NOT NULL REFERENCES catalog_product (key),
  edition_code text REFERENCES catalog_edition (code),
  term_code text REFERENCES catalog_term (code),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  -- 'contact_sales' SKUs are never sold through the cart: they lead to a quote request.
  purchase text NOT NULL CHECK (purchase IN ('buyable', 'contact_sales')),
  billing text NOT NULL CHECK (billing IN ('recurring', 'one_time')),
  billing_interval text CHECK (billing_interval IN ('month', 'year')),
  per_seat boolean NOT NULL DEFAULT false,
  fulfillment_kind text NOT NULL CHECK (fulfillment_kind IN ('license', 'training', 'consulting', 'bundle')),
  -- license
  license_type text CHECK (license_type IN ('SEAT', 'ORGANIZATION', 'USAGE')),
  limits jsonb,
  -- training
  training_format text CHECK (training_format IN ('self_paced', 'live')),
  training_hours integer CHECK (training_hours > 0),
  seats_per_unit integer CHECK (seats_per_unit > 0),
  -- NULL: lifetime access.
  access_months integer CHECK (access_months > 0),
  -- consulting
  engagement text CHECK (engagement IN ('hours', 'fixed_scope', 'project')),
  consulting_hours integer CHECK (consulting_hours > 0),
  expiry_months integer CHECK (expiry_months > 0),
  features jsonb NOT NULL DEFAULT '[]'::jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (fulfillment_kind <> 'license' OR (license_type IS NOT NULL AND jsonb_typeof(limits) = 'object')),
  CHECK (fulfillment_kind <> 'training' OR (training_format IS NOT NULL AND seats_per_unit IS NOT NULL)),
  CHECK (fulfillment_kind <> 'consulting' OR engagement IS NOT NULL),
  CHECK (jsonb_typeof(features) = 'array')
);
CREATE INDEX catalog_sku_product_idx ON catalog_sku (product_key, position);

CREATE TABLE catalog_price (
  id text PRIMARY KEY,
  sku text NOT NULL REFERENCES catalog_sku (code),
  currency text NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP', 'CAD')),
  -- Minor units (cents). Bounded well below 2^53 so arithmetic on sums stays exact.
  unit_amount bigint NOT NULL CHECK (unit_amount > 0 AND unit_amount <= 100000000000),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at timestamptz NOT NULL,
  archived_at timestamptz,
  CHECK ((status = 'archived') = (archived_at IS NOT NULL))
);
-- At most one active price per SKU and currency; archived rows stay for history.
CREATE UNIQUE INDEX catalog_price_active_uq ON catalog_price (sku, currency) WHERE status = 'active';
CREATE INDEX catalog_price_sku_idx ON catalog_price (sku, created_at);

CREATE TABLE catalog_bundle_item (
  bundle_sku text NOT NULL REFERENCES catalog_sku (code),
  component_sku text NOT NULL REFERENCES catalog_sku (code),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 1000),
  position integer NOT NULL DEFAULT 0,
  PRIMARY KEY (bundle_sku, component_sku),
  CHECK (bundle_sku <> component_sku)
);

-- One row: bumped on every change, so readers (and HTTP ETags) know when to reload.
CREATE TABLE catalog_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE catalog_quote_request (
  id text PRIMARY KEY,
  sku text NOT NULL REFERENCES catalog_sku (code),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  organization text CHECK (char_length(organization) <= 200),
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 5000),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'answered', 'closed')),
  created_at timestamptz NOT NULL
);
CREATE INDEX catalog_quote_request_created_idx ON catalog_quote_request (created_at DESC);
