import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/2026112*_tax_*.sql, as Kysely sees them. */
export type TaxTables = {
  tax_rate: {
    id: string;
    country: string;
    region: string | null;
    kind: string;
    /** Parts per million (19 % = 190000). */
    rate_ppm: number;
    /** `date` columns come back as Date at UTC midnight from pg; we write YYYY-MM-DD strings. */
    valid_from: Date | string;
    valid_to: Date | string | null;
    label: string;
    created_at: Date;
    created_by: string | null;
  };
  vat_verification: {
    vat_id: string;
    country: string;
    status: 'pending' | 'valid' | 'invalid';
    source: 'vies' | 'local-format' | null;
    checked_at: Date | null;
    /** VIES's consultation number, issued to requester_vat_id. */
    request_identifier: string | null;
    requester_vat_id: string | null;
    registered_name: string | null;
    registered_address: string | null;
    attempts: number;
    last_error: string | null;
    created_at: Date;
    updated_at: Date;
  };
};

export type TaxDb = PlatformTables & TaxTables;
export type VatVerificationRow = TaxTables['vat_verification'];
