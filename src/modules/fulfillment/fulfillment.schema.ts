import Type from 'typebox';
import type { AllocationWithEntries } from './consulting.service.ts';
import { balanceOf, hoursOf } from './domain/consulting.ts';
import type { FulfillmentView } from './fulfillment.service.ts';
import type { EnrollmentRow, FulfillmentRow, StepRow, TimeEntryRow } from './fulfillment.tables.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

const closed = { additionalProperties: false } as const;
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A SQL date as YYYY-MM-DD: the driver gives local midnight, so read it back in local time. */
export const dateOnly = (d: Date | string): string =>
  d instanceof Date
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : String(d).slice(0, 10);

export const AllocationIdParams = Type.Object(
  { id: Type.String({ pattern: '^cal_[0-9a-hjkmnp-tv-z]{26}$' }) },
  closed,
);

export const FULFILLMENT_STATUSES = ['pending', 'fulfilled', 'needs_attention'] as const;

export const FulfillmentQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...FULFILLMENT_STATUSES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  closed,
);

const StepJson = Type.Object({
  key: Type.String({
    description: 'The idempotency key of the delivery: `order-line:<lineId>[:<componentSku>]`.',
  }),
  position: Type.Integer(),
  linePosition: Type.Integer(),
  sku: Type.String(),
  name: Type.String(),
  bundleSku: nullable(Type.String()),
  kind: Type.Enum(['license', 'enrollment', 'allocation']),
  delivered: nullable(
    Type.Integer({ description: 'Seats (licenses, enrollments) or minutes (hours); null for fixed scope.' }),
  ),
  status: Type.Enum(['pending', 'done']),
  targetId: nullable(
    Type.String({ description: 'The license, enrollment or allocation id once delivered.' }),
  ),
  doneAt: nullable(DateTime),
});

const fulfillmentFields = {
  orderId: Type.String(),
  orderNumber: Type.String(),
  status: Type.Enum([...FULFILLMENT_STATUSES]),
  attempts: Type.Integer(),
  failedStep: nullable(Type.String()),
  lastError: nullable(Type.String({ description: 'The error code and message; never customer data.' })),
  createdAt: DateTime,
  updatedAt: DateTime,
  fulfilledAt: nullable(DateTime),
  attentionAt: nullable(DateTime),
  mailedAt: nullable(DateTime),
};

export const FulfillmentJson = Type.Object({
  ...fulfillmentFields,
  steps: Type.Array(StepJson),
  error: Type.Optional(nullable(Type.String({ description: 'Retry only: why this run failed, if it did.' }))),
});

export const FulfillmentList = Type.Object({
  items: Type.Array(
    Type.Object({ ...fulfillmentFields, stepsDone: Type.Integer(), stepsTotal: Type.Integer() }),
  ),
});

const summary = (f: FulfillmentRow) => ({
  orderId: f.order_id,
  orderNumber: f.order_number,
  status: f.status,
  attempts: f.attempts,
  failedStep: f.failed_step,
  lastError: f.last_error,
  createdAt: iso(f.created_at)!,
  updatedAt: iso(f.updated_at)!,
  fulfilledAt: iso(f.fulfilled_at),
  attentionAt: iso(f.attention_at),
  mailedAt: iso(f.mailed_at),
});

const stepJson = (s: StepRow) => ({
  key: s.key,
  position: s.position,
  linePosition: s.line_position,
  sku: s.sku,
  name: s.name,
  bundleSku: s.bundle_sku,
  kind: s.kind,
  delivered: s.delivered,
  status: s.status,
  targetId: s.target_id,
  doneAt: iso(s.done_at),
});

export const fulfillmentJson = (v: FulfillmentView & { error?: string | null }) => ({
  ...summary(v.fulfillment),
  steps: v.steps.map(stepJson),
  ...(v.error !== undefined ? { error: v.error } : {}),
});

export const fulfillmentListJson = (
  items: { fulfillment: FulfillmentRow; steps: { done: number; total: number } }[],
) => ({
  items: items.map((i) => ({
    ...summary(i.fulfillment),
    stepsDone: i.steps.done,
    stepsTotal: i.steps.total,
  })),
});

// ---- training ---------------------------------------------------------------------------------------------------

export const EnrollmentJson = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  format: Type.Enum(['self_paced', 'live']),
  hours: nullable(Type.Integer()),
  seats: Type.Integer(),
  accessKey: Type.String({ description: 'The access key, in full: this answer is the owner’s only.' }),
  status: Type.Enum(['active', 'revoked', 'expired']),
  validFrom: DateTime,
  validUntil: nullable(Type.String({ format: 'date-time', description: 'null: lifetime access.' })),
});

export const EnrollmentList = Type.Object({ items: Type.Array(EnrollmentJson) });

export function enrollmentStatus(e: EnrollmentRow, now: Date): 'active' | 'revoked' | 'expired' {
  if (e.status === 'revoked') return 'revoked';
  return e.valid_until && new Date(e.valid_until).getTime() <= now.getTime() ? 'expired' : 'active';
}

export const enrollmentJson = (e: EnrollmentRow, accessKey: string, now: Date) => ({
  id: e.id,
  orderId: e.order_id,
  sku: e.sku,
  name: e.name,
  format: e.format,
  hours: e.hours,
  seats: e.seats,
  accessKey,
  status: enrollmentStatus(e, now),
  validFrom: iso(e.valid_from)!,
  validUntil: iso(e.valid_until),
});

// ---- consulting -------------------------------------------------------------------------------------------------

const hours = (description: string) => nullable(Type.Number({ description }));

const TimeEntryJson = Type.Object({
  id: Type.String(),
  date: Type.String({ format: 'date' }),
  hours: Type.Number(),
  minutes: Type.Integer(),
  note: Type.String(),
});

const StaffTimeEntryJson = Type.Object({
  ...TimeEntryJson.properties,
  recordedBy: Type.String({ description: 'The staff member’s email.' }),
  createdAt: DateTime,
});

const allocationFields = {
  id: Type.String(),
  orderId: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  engagement: Type.Enum(['hours', 'fixed_scope', 'project']),
  units: Type.Integer(),
  hoursAllocated: hours('null for a fixed-scope engagement (no hours).'),
  hoursUsed: Type.Number(),
  hoursCanceled: Type.Number({ description: 'Unused hours taken back by a refund.' }),
  hoursRemaining: hours('Allocated − used − canceled; never below zero. null for a fixed-scope engagement.'),
  minutesAllocated: nullable(Type.Integer()),
  minutesRemaining: nullable(Type.Integer()),
  status: Type.Enum(['active', 'canceled', 'expired']),
  validFrom: DateTime,
  expiresAt: nullable(Type.String({ format: 'date-time', description: 'null: the hours do not expire.' })),
};

export const AllocationJson = Type.Object({ ...allocationFields, entries: Type.Array(TimeEntryJson) });
export const AllocationList = Type.Object({ items: Type.Array(AllocationJson) });
export const StaffAllocationJson = Type.Object({
  ...allocationFields,
  email: Type.String(),
  userId: Type.String(),
  entries: Type.Array(StaffTimeEntryJson),
});
export const StaffAllocationList = Type.Object({
  items: Type.Array(Type.Object({ ...allocationFields, email: Type.String(), userId: Type.String() })),
});

export const AllocationQuery = Type.Object(
  { open: Type.Optional(Type.Boolean({ description: 'Only active allocations that have not expired.' })) },
  closed,
);

export const TimeEntryBody = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'The day the work was done (not in the future).' }),
    hours: Type.Number({
      exclusiveMinimum: 0,
      maximum: 24,
      description: 'Hours worked, in whole minutes (1.5, 0.25, 0.1); kept as minutes.',
    }),
    note: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }),
  },
  closed,
);

export const OptionalIdempotencyHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 100,
        pattern: '^[A-Za-z0-9_.:-]+$',
        description: 'Optional. Repeating a request with the same key answers its first entry (200).',
      }),
    ),
  },
  { additionalProperties: true },
);

export const TimeEntryResult = Type.Object({ entry: StaffTimeEntryJson, allocation: StaffAllocationJson });

export function allocationStatus(
  a: { status: 'active' | 'canceled'; expires_at: Date | null },
  now: Date,
): 'active' | 'canceled' | 'expired' {
  if (a.status === 'canceled') return 'canceled';
  return a.expires_at && new Date(a.expires_at).getTime() <= now.getTime() ? 'expired' : 'active';
}

const allocationBase = (a: AllocationWithEntries['allocation'], now: Date) => {
  const b = balanceOf(a);
  return {
    id: a.id,
    orderId: a.order_id,
    sku: a.sku,
    name: a.name,
    engagement: a.engagement,
    units: a.units,
    hoursAllocated: b.allocated === null ? null : hoursOf(b.allocated),
    hoursUsed: hoursOf(b.used),
    hoursCanceled: hoursOf(b.canceled),
    hoursRemaining: b.remaining === null ? null : hoursOf(b.remaining),
    minutesAllocated: b.allocated,
    minutesRemaining: b.remaining,
    status: allocationStatus(a, now),
    validFrom: iso(a.valid_from)!,
    expiresAt: iso(a.expires_at),
  };
};

const entryJson = (e: TimeEntryRow) => ({
  id: e.id,
  date: dateOnly(e.work_date),
  hours: hoursOf(e.minutes),
  minutes: e.minutes,
  note: e.note,
});

export const staffEntryJson = (e: TimeEntryRow) => ({
  ...entryJson(e),
  recordedBy: e.recorded_by_email,
  createdAt: iso(e.created_at)!,
});

export const allocationJson = (v: AllocationWithEntries, now: Date) => ({
  ...allocationBase(v.allocation, now),
  entries: v.entries.map(entryJson),
});

export const staffAllocationSummary = (a: AllocationWithEntries['allocation'], now: Date) => ({
  ...allocationBase(a, now),
  email: a.email,
  userId: a.user_id,
});

export const staffAllocationJson = (v: AllocationWithEntries, now: Date) => ({
  ...staffAllocationSummary(v.allocation, now),
  entries: v.entries.map(staffEntryJson),
});
