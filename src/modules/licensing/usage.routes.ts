import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { METER_PATTERN, USAGE_POLICIES } from './domain/usage.ts';
import { allowBrowsers, machineApi } from './machine-api.ts';
import type { SigningKeyStore } from './signing-keys.ts';
import {
  IDEMPOTENCY_KEY_PATTERN,
  USAGE_BATCH_MAX,
  USAGE_CLOCK_SKEW_MS,
  USAGE_QUANTITY_MAX,
  type UsageEventInput,
  type UsageService,
} from './usage.service.ts';

/**
 * Per IP and per key, per minute. Higher than validation's: an installation reports often (20
 * requests a second per key; batched, 1,000 events a request, that is 20,000 events a second),
 * and keys are no easier to guess here than through validation (the per-IP limit).
 */
export const USAGE_LIMITS = { perIp: 2400, perKey: 1200 } as const;

const Meter = Type.String({
  pattern: METER_PATTERN,
  description: 'A meter of the license: `records` for its `recordsPerMonth` limit.',
});
const Quantity = Type.Integer({ minimum: 1, maximum: USAGE_QUANTITY_MAX });
const IdempotencyKey = Type.String({
  minLength: 8,
  maxLength: 100,
  pattern: IDEMPOTENCY_KEY_PATTERN,
  description: 'The client’s id of the event: an event reported again with its key is counted once.',
});
const OccurredAt = Type.String({
  format: 'date-time',
  maxLength: 40,
  description: `When the usage happened (default: now). At most ${USAGE_CLOCK_SKEW_MS / 60_000} minutes ahead of the server’s clock, and not before the license’s current period.`,
});

const UsageEvent = Type.Object(
  {
    meter: Meter,
    quantity: Quantity,
    idempotencyKey: IdempotencyKey,
    occurredAt: Type.Optional(OccurredAt),
  },
  { additionalProperties: false },
);

const SINGLE_FIELDS = ['meter', 'quantity', 'idempotencyKey', 'occurredAt'] as const;

// One object (unknown fields refused) with either the fields of one event or `events`: `oneOf`
// enforces "one or the other", the handler refuses a mix.
const UsageBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    meter: Type.Optional(Meter),
    quantity: Type.Optional(Quantity),
    idempotencyKey: Type.Optional(IdempotencyKey),
    occurredAt: Type.Optional(OccurredAt),
    events: Type.Optional(
      Type.Array(UsageEvent, {
        minItems: 1,
        maxItems: USAGE_BATCH_MAX,
        description: `A batch of 1 to ${USAGE_BATCH_MAX} events, recorded all or nothing.`,
      }),
    ),
  },
  {
    additionalProperties: false,
    oneOf: [{ required: ['meter', 'quantity', 'idempotencyKey'] }, { required: ['events'] }],
  },
);

const MeterTotalsJson = Type.Object({
  meter: Type.String(),
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time', description: 'Exclusive: the next period’s start.' }),
  included: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited.' }),
  used: Type.Integer(),
  remaining: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited.' }),
  overage: Type.Integer({ description: 'Used above the included quantity (overage policy).' }),
});

const UsageJson = Type.Object({
  licenseId: Type.String(),
  policy: Type.Enum([...USAGE_POLICIES], {
    description: '`block`: usage above the included quantity is refused; `overage`: it is billed.',
  }),
  accepted: Type.Integer({ description: 'Events counted by this request.' }),
  duplicates: Type.Integer({ description: 'Events already counted (same idempotency key).' }),
  totals: Type.Array(MeterTotalsJson, { description: 'Every meter of the license, current period.' }),
  meta: Type.Object({ ts: Type.String({ format: 'date-time' }) }),
});

/**
 * The machine-facing usage API: authenticated by the license key, rate limited per key and per
 * IP, answers signed like validation's.
 */
export function registerUsageRoutes(
  app: HttpServer,
  deps: { usage: UsageService; signingKeys: SigningKeyStore; now: () => Date },
): void {
  const guarded = machineApi(app, { name: 'usage', signingKeys: deps.signingKeys, limits: USAGE_LIMITS });
  allowBrowsers(app, ['/api/v1/usage']);

  app.post(
    '/api/v1/usage',
    {
      ...guarded,
      schema: {
        tags: ['licensing'],
        summary: 'Report usage of a usage-metered license (one event or a batch)',
        description: [
          `Body: \`{ key, meter, quantity, idempotencyKey, occurredAt? }\`, or \`{ key, events: [{ meter, quantity, idempotencyKey, occurredAt? }, …] }\` (1 to ${USAGE_BATCH_MAX}, all or nothing).`,
          'A license meters what its limits say: `recordsPerMonth: 10000` is the meter `records`, 10,000 included per monthly period (periods start on the license’s start day).',
          'Each event is counted once per idempotency key: a retry answers the totals again without counting twice (`duplicates`); the same key for a different meter or quantity is `IDEMPOTENCY_KEY_REUSED`.',
          'Above the included quantity a `block` product refuses the whole request (`USAGE_LIMIT_EXCEEDED`, nothing recorded) and `overage` records it, billed when the period closes. The owner is mailed at 80 % and 100 %.',
          'The answer is the current period’s totals of every meter, signed like validation: header `FHIRIQ-Signature`, verifiable with GET /.well-known/fhiriq/keys.json.',
        ].join(' '),
        body: UsageBody,
        response: {
          200: UsageJson,
          ...errorResponses(
            ...BODY_ERRORS,
            'LICENSE_KEY_INVALID',
            'LICENSE_NOT_ACTIVE',
            'USAGE_METER_UNKNOWN',
            'USAGE_PERIOD_CLOSED',
            'USAGE_LIMIT_EXCEEDED',
            'IDEMPOTENCY_KEY_REUSED',
            'RATE_LIMITED',
          ),
        },
      },
    },
    async (request, reply) => {
      const { key, events, ...single } = request.body;
      let list: UsageEventInput[];
      if (events) {
        const mixed = SINGLE_FIELDS.filter((f) => single[f] !== undefined);
        if (mixed.length)
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: mixed.map((f) => ({ path: `/${f}`, message: 'goes inside `events` in a batch' })),
          });
        list = events;
      } else {
        // oneOf guarantees the three fields; typed optional because the body is one object.
        list = [
          {
            meter: single.meter ?? '',
            quantity: single.quantity ?? 0,
            idempotencyKey: single.idempotencyKey ?? '',
            occurredAt: single.occurredAt,
          },
        ];
      }
      const answer = await deps.usage.record(key, list, { ip: request.ip, single: !events });
      reply.header('cache-control', 'no-store');
      return { ...answer, meta: { ts: deps.now().toISOString() } };
    },
  );
}
