-- Platform bookkeeping. Module tables live in their own modules' migrations.
CREATE TABLE seed_run (
  name text PRIMARY KEY,
  version integer NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
