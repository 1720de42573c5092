-- Product releases (files staff upload, stored under DATA_DIR/releases/) and every download of
-- one. A release belongs to a licensing product key (`TL-MAPPER`); customers entitled to the
-- product (an ACTIVE license they own or hold a seat on) see its published releases.

CREATE TABLE product_release (
  id text PRIMARY KEY,
  product_key text NOT NULL,
  version text NOT NULL,
  platform text NOT NULL CHECK (platform IN ('windows', 'macos', 'linux', 'any')),
  file_name text NOT NULL,
  -- The file's name on disk, relative to DATA_DIR/releases (never a customer-supplied name).
  storage_name text NOT NULL UNIQUE,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  notes text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('published', 'unpublished')),
  uploaded_by text NOT NULL,
  uploaded_by_email text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (product_key, version, platform)
);
CREATE INDEX product_release_product ON product_release (product_key, created_at DESC);

CREATE TABLE release_download (
  id text PRIMARY KEY,
  release_id text NOT NULL REFERENCES product_release (id),
  user_id text NOT NULL,
  ip text,
  at timestamptz NOT NULL
);
CREATE INDEX release_download_release ON release_download (release_id, at DESC);
CREATE INDEX release_download_user ON release_download (user_id, at DESC);
