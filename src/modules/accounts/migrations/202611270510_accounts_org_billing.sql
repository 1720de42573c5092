-- Organizations: a `billing` role (billing details and the organization's orders and invoices,
-- no member management), and the organization's billing details.

ALTER TABLE organization_member DROP CONSTRAINT organization_member_role_check;
ALTER TABLE organization_member ADD CONSTRAINT organization_member_role_check
  CHECK (role IN ('owner', 'admin', 'billing', 'member'));
ALTER TABLE organization_invitation DROP CONSTRAINT organization_invitation_role_check;
ALTER TABLE organization_invitation ADD CONSTRAINT organization_invitation_role_check
  CHECK (role IN ('owner', 'admin', 'billing', 'member'));

-- What invoices of the organization's purchases print (prefilled at checkout). The VAT ID is
-- kept as verified-format text (its verification status and evidence live with the tax module's
-- vat_verification row, keyed by the same id), so a pending VIES check is never copied here stale.
CREATE TABLE organization_billing (
  organization_id text PRIMARY KEY REFERENCES organization (id) ON DELETE CASCADE,
  legal_name text NOT NULL CHECK (char_length(legal_name) BETWEEN 1 AND 100),
  line1 text NOT NULL CHECK (char_length(line1) BETWEEN 1 AND 200),
  line2 text CHECK (char_length(line2) BETWEEN 1 AND 200),
  city text NOT NULL CHECK (char_length(city) BETWEEN 1 AND 100),
  postal_code text NOT NULL CHECK (postal_code ~ '^[A-Z0-9 -]{1,16}$'),
  region text CHECK (region ~ '^[A-Z0-9]{1,3}$'),
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  vat_id text CHECK (vat_id ~ '^[A-Z0-9+*]{4,20}$'),
  updated_at timestamptz NOT NULL,
  -- Who last changed them (a user id).
  updated_by text NOT NULL
);
