import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { BODY_ERRORS, errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { parseLicenseKey } from './domain/license-key.ts';
import { VALIDATION_CODES } from './domain/validation.ts';
import type { LicenseService } from './licenses.service.ts';
import { type SigningKeyStore, signAnswers } from './signing-keys.ts';

/** Per IP and per key, per minute: generous for real clients, a wall for key guessing. */
export const VALIDATE_LIMITS = { perIp: 600, perKey: 300, windowMs: 60_000 } as const;

// Fingerprints are opaque client strings; printable ASCII only, so look-alike Unicode cannot
// make two "equal" fingerprints.
const Fingerprint = Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' });

const ValidateBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    fingerprint: Type.Optional(Fingerprint),
    sku: Type.Optional(Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Z0-9-]+$' })),
    user: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    nonce: Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' })),
  },
  { additionalProperties: false },
);

const LicenseJson = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  type: Type.Enum(['SEAT', 'ORGANIZATION', 'USAGE']),
  status: Type.Enum(['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED']),
  seats: Type.Integer(),
  maxMachines: Type.Integer(),
  machines: Type.Integer(),
  limits: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()])),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const ValidateJson = Type.Object({
  valid: Type.Boolean({ description: 'True only when `code` is VALID.' }),
  code: Type.Enum([...VALIDATION_CODES]),
  detail: Type.String(),
  license: Type.Union([LicenseJson, Type.Null()]),
  meta: Type.Object({
    nonce: Type.Union([Type.String(), Type.Null()], {
      description: 'The request’s nonce, echoed and signed.',
    }),
    ts: Type.String({ format: 'date-time' }),
  }),
});

/**
 * The machine-facing license API. Authenticated by the key itself; every answer carries a
 * `FHIRIQ-Signature` header (the signing key's id, its algorithm and a signature over the
 * canonical JSON body), so a client detects a spoofed answer, and the echoed nonce and
 * timestamp make a replayed one useless.
 */
export function registerLicenseRoutes(
  app: HttpServer,
  deps: { licenses: LicenseService; signingKeys: SigningKeyStore; now: () => Date },
): void {
  const perIp = app.createRateLimit({
    max: VALIDATE_LIMITS.perIp,
    timeWindow: VALIDATE_LIMITS.windowMs,
    keyGenerator: (req) => `license:ip:${req.ip}`,
  });
  const perKey = app.createRateLimit({
    max: VALIDATE_LIMITS.perKey,
    timeWindow: VALIDATE_LIMITS.windowMs,
    keyGenerator: (req) => {
      const key = (req.body as { key?: unknown } | undefined)?.key;
      const parsed = typeof key === 'string' ? parseLicenseKey(key) : undefined;
      return `license:key:${parsed?.ok ? parsed.body : 'malformed'}`;
    },
  });
  async function limit(request: FastifyRequest, reply: FastifyReply) {
    for (const check of [perIp, perKey]) {
      const r = await check(request);
      if (!r.isAllowed && r.isExceeded) {
        const retryAfter = String(Math.max(1, r.ttlInSeconds));
        reply.header('retry-after', retryAfter);
        throw new AppError('RATE_LIMITED', undefined, { headers: { 'retry-after': retryAfter } });
      }
    }
  }

  app.post(
    '/api/v1/licenses/validate',
    {
      preHandler: limit,
      onSend: signAnswers(deps.signingKeys),
      schema: {
        tags: ['licensing'],
        summary: 'Validate a license key (optionally for a machine, product and user)',
        description: `Codes, checked in this order (the first failing check answers): ${VALIDATION_CODES.join(', ')}. \`valid\` is true only for VALID; a refused license still answers 200. Every answer is signed: header \`FHIRIQ-Signature: keyid="…", algorithm="…", signature="…"\` over the exact body bytes, verifiable with GET /.well-known/fhiriq/keys.json.`,
        body: ValidateBody,
        response: { 200: ValidateJson, ...errorResponses(...BODY_ERRORS, 'RATE_LIMITED') },
      },
    },
    async (request, reply) => {
      const { key, nonce, ...scope } = request.body;
      const { result, license } = await deps.licenses.validate(key, scope, { ip: request.ip });
      reply.header('cache-control', 'no-store');
      return {
        valid: result.valid,
        code: result.code,
        detail: result.detail,
        license,
        meta: { nonce: nonce ?? null, ts: deps.now().toISOString() },
      };
    },
  );
}
