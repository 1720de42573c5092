-- Accounts and access.
--
-- The auth_* and organization* tables are better-auth's schema for our
-- options (src/modules/accounts/auth/better-auth.ts), generated once with its
-- getMigrations().compileMigrations() and committed here, then tightened
-- (defaults, CHECKs, a unique membership). accounts.schema-drift.int.test.ts
-- asserts better-auth finds nothing to create or add after this ran, so the
-- options and this file cannot drift apart.

CREATE TABLE auth_user (
  id text NOT NULL PRIMARY KEY,
  name text NOT NULL,
  -- Always stored trimmed and lower-cased: one account per mailbox.
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND char_length(email) <= 254),
  email_verified boolean NOT NULL DEFAULT false,
  image text,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  -- Our additions (better-auth user.additionalFields).
  platform_role text NOT NULL DEFAULT 'free' CHECK (platform_role IN ('free', 'student', 'pro', 'enterprise')),
  staff_role text CHECK (staff_role IN ('admin', 'support')),
  must_change_password boolean NOT NULL DEFAULT false
);

CREATE TABLE auth_session (
  id text NOT NULL PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  token text NOT NULL UNIQUE,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamptz NOT NULL,
  ip_address text,
  user_agent text,
  user_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  active_organization_id text
);
CREATE INDEX auth_session_user_id_idx ON auth_session (user_id);

-- One row per way to sign in; "credential" rows hold the argon2id password hash.
CREATE TABLE auth_account (
  id text NOT NULL PRIMARY KEY,
  account_id text NOT NULL,
  provider_id text NOT NULL,
  user_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  access_token text,
  refresh_token text,
  id_token text,
  access_token_expires_at timestamptz,
  refresh_token_expires_at timestamptz,
  scope text,
  password text,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX auth_account_user_id_idx ON auth_account (user_id);

-- Reset tokens, stored under a keyed hash of the token.
CREATE TABLE auth_verification (
  id text NOT NULL PRIMARY KEY,
  identifier text NOT NULL,
  value text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE INDEX auth_verification_identifier_idx ON auth_verification (identifier);

CREATE TABLE organization (
  id text NOT NULL PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  logo text,
  created_at timestamptz NOT NULL,
  metadata text
);

CREATE TABLE organization_member (
  id text NOT NULL PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at timestamptz NOT NULL,
  -- Two concurrent acceptances of one invitation cannot make two memberships.
  UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_member_organization_id_idx ON organization_member (organization_id);
CREATE INDEX organization_member_user_id_idx ON organization_member (user_id);

CREATE TABLE organization_invitation (
  id text NOT NULL PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text CHECK (role IN ('owner', 'admin', 'member')),
  status text NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'canceled')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  inviter_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE
);
CREATE INDEX organization_invitation_organization_id_idx ON organization_invitation (organization_id);
CREATE INDEX organization_invitation_email_idx ON organization_invitation (email);

-- Personal API tokens: only a keyed hash (Secrets.keyedHash('api-token', …)) and a display prefix are kept.
CREATE TABLE api_token (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  display_prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id, created_at DESC);

-- The permission matrix as data. A grant row is never deleted by the seeder:
-- withdrawing a permission sets granted = false, so a later seed (which only
-- inserts missing rows) cannot bring it back.
CREATE TABLE permission (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{1,79}$'),
  description text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_permission (
  role_kind text NOT NULL CHECK (role_kind IN ('platform', 'staff', 'org')),
  role text NOT NULL,
  permission text NOT NULL REFERENCES permission (key) ON DELETE CASCADE,
  granted boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Who last changed the row (a user id), null when the seeder wrote it.
  updated_by text,
  PRIMARY KEY (role_kind, role, permission)
);

-- When we last sent a user a given kind of notice (verification resend,
-- "someone tried to sign up with your address"), to send at most one every few minutes.
CREATE TABLE account_notice (
  user_id text NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  kind text NOT NULL,
  last_sent_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, kind)
);
