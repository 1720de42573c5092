-- Consulting allocations: blocks of hours (kept in whole minutes, so sums are exact) that expire
-- after the SKU's months, and fixed-scope engagements (the assessment) without hours. Staff
-- record time entries; the balance (allocated − used − canceled) never goes below zero — the
-- service checks it under a row lock, and the CHECK below holds whatever the code does.

CREATE TABLE consulting_allocation (
  id text PRIMARY KEY,
  source_ref text NOT NULL UNIQUE,
  order_id text NOT NULL,
  user_id text NOT NULL,
  email text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  engagement text NOT NULL CHECK (engagement IN ('hours', 'fixed_scope', 'project')),
  units integer NOT NULL CHECK (units >= 1),
  minutes_allocated integer CHECK (minutes_allocated >= 0),
  minutes_used integer NOT NULL DEFAULT 0 CHECK (minutes_used >= 0),
  -- Unused minutes taken back by a refund.
  minutes_canceled integer NOT NULL DEFAULT 0 CHECK (minutes_canceled >= 0),
  status text NOT NULL CHECK (status IN ('active', 'canceled')),
  status_reason text,
  valid_from timestamptz NOT NULL,
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (minutes_allocated IS NULL OR minutes_used + minutes_canceled <= minutes_allocated)
);
CREATE INDEX consulting_allocation_user ON consulting_allocation (user_id, created_at DESC);
CREATE INDEX consulting_allocation_order ON consulting_allocation (order_id);

CREATE TABLE consulting_time_entry (
  id text PRIMARY KEY,
  allocation_id text NOT NULL REFERENCES consulting_allocation (id),
  work_date date NOT NULL,
  minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  note text NOT NULL,
  recorded_by text NOT NULL,
  recorded_by_email text NOT NULL,
  -- A form or API client's idempotency key: the same entry submitted twice is recorded once.
  request_key text UNIQUE,
  created_at timestamptz NOT NULL
);
CREATE INDEX consulting_time_entry_allocation ON consulting_time_entry (allocation_id, work_date, created_at);
