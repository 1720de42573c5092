-- What the public product pages say besides prices: a page per product ("what it does",
-- highlights, screenshots, the docs link, the course's instructor), course outlines, the
-- instructors, the schedule of live workshops and the questions answered on the pricing page.
-- Seeded once (the seeder inserts missing rows only); staff edit them through the catalog's
-- admin API, each edit audited and bumping catalog_state.version like any catalog edit.

CREATE TABLE catalog_instructor (
  key text PRIMARY KEY CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(key) <= 60),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  role text NOT NULL CHECK (char_length(role) BETWEEN 1 AND 200),
  bio text NOT NULL CHECK (char_length(bio) BETWEEN 1 AND 2000),
  updated_at timestamptz NOT NULL
);

CREATE TABLE catalog_product_page (
  product_key text PRIMARY KEY REFERENCES catalog_product (key),
  tagline text NOT NULL CHECK (char_length(tagline) BETWEEN 1 AND 200),
  -- Paragraphs of plain text.
  overview jsonb NOT NULL CHECK (jsonb_typeof(overview) = 'array'),
  -- [{ title, text }]
  highlights jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(highlights) = 'array'),
  audience text NOT NULL DEFAULT '' CHECK (char_length(audience) <= 1000),
  -- [{ src, alt, caption, width, height }]: src relative to content/ (images/tools/…).
  screenshots jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(screenshots) = 'array'),
  docs_path text CHECK (docs_path ~ '^/docs/[a-z0-9-]+(/[a-z0-9-]+)*$'),
  instructor_key text REFERENCES catalog_instructor (key),
  prerequisites text NOT NULL DEFAULT '' CHECK (char_length(prerequisites) <= 1000),
  updated_at timestamptz NOT NULL
);

CREATE TABLE catalog_course_module (
  product_key text NOT NULL REFERENCES catalog_product (key),
  position integer NOT NULL CHECK (position BETWEEN 1 AND 100),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  hours integer NOT NULL CHECK (hours BETWEEN 1 AND 100),
  summary text NOT NULL CHECK (char_length(summary) <= 1000),
  -- Lesson titles, plain text.
  topics jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(topics) = 'array'),
  PRIMARY KEY (product_key, position)
);

-- A live workshop's dates. Times are wall-clock times in the session's IANA time zone, the
-- way the instructor announces them. `seats_taken` is kept by staff (buyers pick a date with
-- us after purchase); seats left = capacity - seats_taken when the capacity is known.
CREATE TABLE catalog_course_session (
  id text PRIMARY KEY,
  sku text NOT NULL REFERENCES catalog_sku (code),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  daily_start text NOT NULL CHECK (daily_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  daily_end text NOT NULL CHECK (daily_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone text NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  location text NOT NULL CHECK (char_length(location) BETWEEN 1 AND 200),
  capacity integer CHECK (capacity BETWEEN 1 AND 1000),
  seats_taken integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
  instructor_key text REFERENCES catalog_instructor (key),
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (ends_on >= starts_on),
  CHECK (daily_end > daily_start),
  CHECK (capacity IS NULL OR seats_taken <= capacity)
);
CREATE INDEX catalog_course_session_sku_idx ON catalog_course_session (sku, starts_on);

CREATE TABLE catalog_faq (
  key text PRIMARY KEY CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(key) <= 80),
  topic text NOT NULL CHECK (topic IN ('pricing', 'training', 'consulting')),
  position integer NOT NULL DEFAULT 0,
  question text NOT NULL CHECK (char_length(question) BETWEEN 1 AND 300),
  answer text NOT NULL CHECK (char_length(answer) BETWEEN 1 AND 3000),
  updated_at timestamptz NOT NULL
);
CREATE INDEX catalog_faq_topic_idx ON catalog_faq (topic, position);
