-- The keys that sign license files and machine files. The private key is encrypted at rest
-- (AES-GCM under a key derived from the root secret); the public key is published with its id
-- at /.well-known/fhiriq/keys.json. Retired keys stay published, so files they signed keep
-- verifying after a rotation.

CREATE TABLE license_signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL CHECK (alg IN ('ed25519', 'rsa-pss-sha256')),
  private_key_enc text NOT NULL,
  public_key_pem text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'retired')),
  -- 'generated' on first start, or 'config' (LICENSE_SIGNING_KEY).
  source text NOT NULL CHECK (source IN ('generated', 'config')),
  created_at timestamptz NOT NULL,
  retired_at timestamptz
);
-- One active key at a time.
CREATE UNIQUE INDEX license_signing_key_active ON license_signing_key (status) WHERE status = 'active';
