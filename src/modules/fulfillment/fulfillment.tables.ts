import type { PlatformTables } from '../../platform/db/client.ts';

export type FulfillmentStatus = 'pending' | 'fulfilled' | 'needs_attention';
export type StepKind = 'license' | 'enrollment' | 'allocation';

/** The tables of migrations/202611250600…, …0610… and …0620_fulfillment_*.sql. */
export type FulfillmentTables = {
  fulfillment: {
    order_id: string;
    order_number: string;
    user_id: string;
    status: FulfillmentStatus;
    attempts: number;
    failed_step: string | null;
    last_error: string | null;
    planned_at: Date | null;
    created_at: Date;
    updated_at: Date;
    fulfilled_at: Date | null;
    attention_at: Date | null;
    mailed_at: Date | null;
  };
  fulfillment_step: {
    key: string;
    order_id: string;
    position: number;
    line_id: string;
    line_position: number;
    line_quantity: number;
    line_gross: number;
    sku: string;
    name: string;
    bundle_sku: string | null;
    kind: StepKind;
    per_unit: number;
    delivered: number | null;
    recurring: boolean;
    status: 'pending' | 'done';
    target_id: string | null;
    done_at: Date | null;
  };
  fulfillment_applied: {
    key: string;
    applied_at: Date;
  };
  training_enrollment: {
    id: string;
    source_ref: string;
    order_id: string;
    user_id: string;
    email: string;
    sku: string;
    name: string;
    format: 'self_paced' | 'live';
    hours: number | null;
    seats: number;
    access_key_hash: string;
    access_key_enc: string;
    access_key_last4: string;
    status: 'active' | 'revoked';
    status_reason: string | null;
    valid_from: Date;
    valid_until: Date | null;
    created_at: Date;
    updated_at: Date;
  };
  consulting_allocation: {
    id: string;
    source_ref: string;
    order_id: string;
    user_id: string;
    email: string;
    sku: string;
    name: string;
    engagement: 'hours' | 'fixed_scope' | 'project';
    units: number;
    minutes_allocated: number | null;
    minutes_used: number;
    minutes_canceled: number;
    status: 'active' | 'canceled';
    status_reason: string | null;
    valid_from: Date;
    expires_at: Date | null;
    created_at: Date;
    updated_at: Date;
  };
  consulting_time_entry: {
    id: string;
    allocation_id: string;
    /** A SQL date: the driver gives local midnight (see `dateOnly`). */
    work_date: Date | string;
    minutes: number;
    note: string;
    recorded_by: string;
    recorded_by_email: string;
    request_key: string | null;
    created_at: Date;
  };
};

export type FulfillmentDb = PlatformTables & FulfillmentTables;
export type FulfillmentRow = FulfillmentTables['fulfillment'];
export type StepRow = FulfillmentTables['fulfillment_step'];
export type EnrollmentRow = FulfillmentTables['training_enrollment'];
export type AllocationRow = FulfillmentTables['consulting_allocation'];
export type TimeEntryRow = FulfillmentTables['consulting_time_entry'];
