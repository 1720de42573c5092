import type { PlatformTables } from '../../platform/db/client.ts';
import type { SigningAlgorithm } from './domain/certificate.ts';

/** The tables of migrations/202611250100_licensing_signing_keys.sql. */
export type LicensingTables = {
  license_signing_key: {
    kid: string;
    alg: SigningAlgorithm;
    private_key_enc: string;
    public_key_pem: string;
    status: 'active' | 'retired';
    source: 'generated' | 'config';
    created_at: Date;
    retired_at: Date | null;
  };
};

export type LicensingDb = PlatformTables & LicensingTables;
