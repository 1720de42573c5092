-- Who did what, when, to what, with the state before and after: every staff
-- action is recorded here. Rows are never updated or deleted by the app.
CREATE TABLE audit_event (
  id text PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_user_id text,
  actor_email text,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  before jsonb,
  after jsonb,
  ip text,
  request_id text
);
CREATE INDEX audit_event_at_idx ON audit_event (at DESC);
CREATE INDEX audit_event_target_idx ON audit_event (target_type, target_id, at DESC);
