import type { Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/client.ts';
import type { SigningAlgorithm } from './domain/certificate.ts';
import type { LicenseStatus } from './domain/validation.ts';

export type LicenseType = 'SEAT' | 'ORGANIZATION' | 'USAGE';

/** The tables of the licensing migrations. */
export type LicensingTables = {
  license: {
    id: string;
    key_hash: string;
    key_enc: string;
    key_last4: string;
    user_id: string | null;
    email: string | null;
    sku: string;
    product_key: string;
    type: LicenseType;
    status: LicenseStatus;
    seats: number;
    max_machines: number;
    limits: Record<string, number | boolean | string>;
    allowed_domains: string[];
    allowed_countries: string[];
    heartbeat_window_seconds: number | null;
    valid_from: Date;
    valid_until: Date | null;
    source: 'order' | 'staff';
    source_ref: string;
    /** Why the license is suspended, revoked or expired (staff note, "refund", "subscription suspended"). */
    status_reason: string | null;
    created_at: Date;
    updated_at: Date;
  };
  license_policy: {
    product_key: string;
    machines_per_seat: number;
    heartbeat_window_seconds: number | null;
    machine_file_ttl_seconds: number;
    transfers_per_month: number;
    signing_alg: SigningAlgorithm | null;
    updated_at: Date;
  };
  license_seat: {
    id: string;
    license_id: string;
    email: string;
    assigned_at: Date;
    assigned_by: string | null;
    seq: Generated<string>;
  };
  license_machine: {
    id: string;
    license_id: string;
    fingerprint: string;
    name: string | null;
    platform: string | null;
    hostname: string | null;
    activated_at: Date;
    last_heartbeat_at: Date | null;
    /** The user the machine was activated for (seat licenses), lower case. */
    user_email: string | null;
  };
  license_event: {
    id: string;
    license_id: string | null;
    type: string;
    code: string | null;
    detail: Record<string, unknown>;
    ip: string | null;
    at: Date;
  };
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
export type LicenseRow = LicensingTables['license'];
export type MachineRow = LicensingTables['license_machine'];
export type PolicyRow = LicensingTables['license_policy'];
export type SeatRow = LicensingTables['license_seat'];

/** The tables of the usage metering migration (202611250500_licensing_usage.sql). */
export type UsageTables = {
  license_usage_event: {
    license_id: string;
    idempotency_key: string;
    meter: string;
    quantity: number;
    occurred_at: Date;
    period_start: Date;
    recorded_at: Date;
  };
  license_usage_total: {
    license_id: string;
    meter: string;
    period_start: Date;
    period_end: Date;
    included: number | null;
    used: number;
    over_at: Date | null;
    warned_80_at: Date | null;
    warned_100_at: Date | null;
    closed_at: Date | null;
    updated_at: Date;
  };
  license_usage_statement: {
    license_id: string;
    period_start: Date;
    meter: string;
    period_end: Date;
    included: number | null;
    used: number;
    overage: number;
    rate_per_1000: number;
    overage_amount: number;
    currency: string;
    status: 'closed' | 'billed';
    closed_at: Date;
    /** The order that bills the overage (status 'billed'). */
    order_id: string | null;
    billed_at: Date | null;
  };
};

export type UsageDb = LicensingDb & UsageTables;
export type UsageTotalRow = UsageTables['license_usage_total'];
export type UsageStatementRow = UsageTables['license_usage_statement'];
