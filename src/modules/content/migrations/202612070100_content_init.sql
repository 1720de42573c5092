-- Content: blog posts, case studies, podcast episodes and the show, docs pages, site pages
-- (about, privacy, terms) and authors. The Markdown files under content/ seed these tables; after
-- the first load the database is the truth: a file adds an item that does not exist yet and
-- updates one staff never edited (staff_edited_at IS NULL), never one they did.

CREATE TABLE content_item (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('post', 'case_study', 'episode', 'show', 'doc', 'page', 'author')),
  -- Docs pages are `<tool>/<page>` (the tool's index is `<tool>/index`); every other kind one segment.
  slug text NOT NULL CHECK (
    slug ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$' AND char_length(slug) <= 161
  ),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 4000),
  -- The kind's own fields (domain/front-matter.ts), without title and description.
  front_matter jsonb NOT NULL DEFAULT '{}',
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 200000),
  -- The body as words (markup and code fences' syntax removed): what search indexes and quotes.
  plain_text text NOT NULL DEFAULT '',
  -- The date shown and sorted by (posts, case studies, episodes); null for the other kinds.
  date date,
  status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
  -- Public from this instant while published or scheduled (a read-time rule: no job publishes).
  publish_at timestamptz,
  version integer NOT NULL CHECK (version >= 1),
  -- The file under content/ this item was seeded from, and the hash of that file when last applied.
  source_path text UNIQUE,
  source_hash text,
  -- Set by the first staff change: from then on the seeder leaves the item alone.
  staff_edited_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- `<` and `>` become spaces: PostgreSQL's text-search parser skips what looks like a <script> element.
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, translate(title, '<>', '  ')), 'A') ||
    setweight(to_tsvector('english'::regconfig, translate(description, '<>', '  ')), 'B') ||
    setweight(to_tsvector('english'::regconfig, translate(plain_text, '<>', '  ')), 'C')
  ) STORED,
  CHECK (status NOT IN ('scheduled', 'published') OR publish_at IS NOT NULL),
  UNIQUE (kind, slug)
);
CREATE INDEX content_item_search ON content_item USING gin (search);
CREATE INDEX content_item_kind_status ON content_item (kind, status);

-- Every saved version of an item's content (revision N is the content as of version N), so staff
-- can see what changed and restore an earlier text.
CREATE TABLE content_revision (
  item_id text NOT NULL REFERENCES content_item (id),
  version integer NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  description text NOT NULL,
  front_matter jsonb NOT NULL,
  body text NOT NULL,
  -- seed | file | create | update | restore
  action text NOT NULL,
  actor_user_id text,
  actor_email text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (item_id, version)
);

-- Slugs an item had before: their URLs answer 301 to the item's current URL (chains collapse
-- because a row names the item, not the next slug). A slug taken again by a live item leaves here.
CREATE TABLE content_slug_history (
  kind text NOT NULL,
  slug text NOT NULL,
  item_id text NOT NULL REFERENCES content_item (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (kind, slug)
);
CREATE INDEX content_slug_history_item ON content_slug_history (item_id);

-- Images staff upload. Kept in the database (not only on one process's disk) so every web process
-- serves them and backups hold them; resized variants are a cache under DATA_DIR.
CREATE TABLE content_media (
  id text PRIMARY KEY,
  sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  data bytea NOT NULL,
  original_name text NOT NULL,
  uploaded_by text NOT NULL,
  uploaded_by_email text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Bumped by every write: each process reloads its in-memory copy of public content when it moves.
CREATE TABLE content_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
INSERT INTO content_state (id, version, updated_at) VALUES (true, 0, now());
