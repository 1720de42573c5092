import Type from 'typebox';
import { BODY_ERRORS, errorResponses } from '../../platform/http/schemas.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { parseLicenseKey } from './domain/license-key.ts';
import { VALIDATION_CODES } from './domain/validation.ts';
import type { LicenseService } from './licenses.service.ts';
import { allowBrowsers, machineApi, requestKey } from './machine-api.ts';
import type { MachineOutcome, MachineService } from './machines.service.ts';
import type { SigningKeyStore } from './signing-keys.ts';

/** The machine-facing routes: callable from any origin (see `signed` below). */
export const LICENSE_API_PATHS = [
  '/api/v1/licenses/validate',
  '/api/v1/licenses/activate',
  '/api/v1/licenses/deactivate',
  '/api/v1/licenses/heartbeat',
  '/api/v1/licenses/certificate',
] as const;

// Fingerprints are opaque client strings; printable ASCII only, so look-alike Unicode cannot
// make two "equal" fingerprints.
const Fingerprint = Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' });

const Nonce = Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' }));
const Sku = Type.Optional(Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Z0-9-]+$' }));
const User = Type.Optional(Type.String({ minLength: 3, maxLength: 254 }));

const ValidateBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    fingerprint: Type.Optional(Fingerprint),
    sku: Sku,
    user: User,
    country: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description:
          'ISO 3166-1 alpha-2 code of where the software runs (organization licenses may be limited to countries).',
      }),
    ),
    nonce: Nonce,
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

const MachineJson = Type.Object({
  id: Type.String(),
  fingerprint: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  platform: Type.Union([Type.String(), Type.Null()]),
  hostname: Type.Union([Type.String(), Type.Null()]),
  user: Type.Union([Type.String(), Type.Null()]),
  activatedAt: Type.String({ format: 'date-time' }),
  lastHeartbeatAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  heartbeatDueBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Floating licenses: the machine is released unless it sends a heartbeat before this time.',
  }),
});

const Meta = Type.Object({
  nonce: Type.Union([Type.String(), Type.Null()], { description: 'The request’s nonce, echoed and signed.' }),
  ts: Type.String({ format: 'date-time' }),
});

const Label = (description: string) =>
  Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description }),
  );

const ActivateBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64 }),
    fingerprint: Fingerprint,
    name: Label('A name the customer recognizes (shown in the portal).'),
    platform: Label('e.g. `linux-x64`.'),
    hostname: Label('The machine’s host name.'),
    user: User,
    sku: Sku,
    nonce: Nonce,
  },
  { additionalProperties: false },
);

const MachineBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64 }), fingerprint: Fingerprint, nonce: Nonce },
  { additionalProperties: false },
);

const KeyBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64 }), nonce: Nonce },
  { additionalProperties: false },
);

const MachineOutcomeJson = Type.Object({
  ok: Type.Boolean({ description: 'True only when `code` is VALID.' }),
  code: Type.Enum([...VALIDATION_CODES]),
  detail: Type.String(),
  license: Type.Union([LicenseJson, Type.Null()]),
  machine: Type.Union([MachineJson, Type.Null()]),
  machineFile: Type.Union([Type.String(), Type.Null()], {
    description:
      'A signed machine file (PEM-like armor around base64 JSON: payload, alg, kid, sig) for offline verification until its `expiresAt`.',
  }),
  created: Type.Boolean(),
  meta: Meta,
});

const ValidateJson = Type.Object({
  valid: Type.Boolean({ description: 'True only when `code` is VALID.' }),
  code: Type.Enum([...VALIDATION_CODES]),
  detail: Type.String(),
  license: Type.Union([LicenseJson, Type.Null()]),
  meta: Meta,
});

/**
 * The machine-facing license API. Authenticated by the key itself; every answer carries a
 * `FHIRIQ-Signature` header (the signing key's id, its algorithm and a signature over the
 * canonical JSON body), so a client detects a spoofed answer, and the echoed nonce and
 * timestamp make a replayed one useless.
 */
export function registerLicenseRoutes(
  app: HttpServer,
  deps: {
    licenses: LicenseService;
    machines: MachineService;
    signingKeys: SigningKeyStore;
    now: () => Date;
    /** Requests a minute per key and per client address (generous for clients, a wall for key guessing). */
    limits: { perKey: number; perIp: number };
  },
): void {
  const signed = machineApi(app, { name: 'license', signingKeys: deps.signingKeys, limits: deps.limits });
  allowBrowsers(app, LICENSE_API_PATHS);
  const meta = (nonce: string | undefined) => ({ nonce: nonce ?? null, ts: deps.now().toISOString() });
  const answer = (o: MachineOutcome, nonce: string | undefined) => ({ ...o, meta: meta(nonce) });
  const tags = ['licensing'];
  const machineErrors = errorResponses(...BODY_ERRORS, 'RATE_LIMITED', 'SERVICE_BUSY');

  app.post(
    '/api/v1/licenses/activate',
    {
      ...signed,
      schema: {
        tags,
        summary: 'Activate a machine on a license (answers a signed machine file)',
        description:
          'Checks the license like validation (format, existence, revoked, suspended, expired, product, user), then the machine limit (`license.maxMachines`, the product’s policy: seats × machines per seat). The limit holds under any concurrency. Activating a fingerprint that is already active answers the same activation (`created: false`) with a fresh machine file. A refusal answers 200 with `ok: false` and its code (TOO_MANY_MACHINES when the limit is reached). Signed like validation.',
        body: ActivateBody,
        response: { 200: MachineOutcomeJson, ...machineErrors },
      },
    },
    async (request) => {
      const { key, nonce, ...input } = request.body;
      return answer(await deps.machines.activate(key, input, { ip: request.ip }), nonce);
    },
  );

  app.post(
    '/api/v1/licenses/deactivate',
    {
      ...signed,
      schema: {
        tags,
        summary: 'Deactivate a machine, freeing its place',
        description:
          'NO_MACHINE (`ok: false`) when the fingerprint is not activated. Works on any license the key finds, whatever its status.',
        body: MachineBody,
        response: { 200: MachineOutcomeJson, ...machineErrors },
      },
    },
    async (request) => {
      const { key, fingerprint, nonce } = request.body;
      return answer(await deps.machines.deactivate(key, fingerprint, { ip: request.ip }), nonce);
    },
  );

  app.post(
    '/api/v1/licenses/heartbeat',
    {
      ...signed,
      schema: {
        tags,
        summary: 'A floating machine’s heartbeat (answers a fresh machine file)',
        description:
          'Floating licenses (a product policy with a heartbeat window) release machines that miss their window: they no longer count against the limit, and their next heartbeat answers HEARTBEAT_DEAD (activate again). `machine.heartbeatDueBy` says when the next beat is due.',
        body: MachineBody,
        response: { 200: MachineOutcomeJson, ...machineErrors },
      },
    },
    async (request) => {
      const { key, fingerprint, nonce } = request.body;
      return answer(await deps.machines.heartbeat(key, fingerprint), nonce);
    },
  );

  app.post(
    '/api/v1/licenses/certificate',
    {
      ...signed,
      schema: {
        tags,
        summary: 'A signed license certificate (the license’s terms, for offline entitlement checks)',
        description:
          'Answers the certificate whatever the license’s status: the status is inside it. Unknown or malformed keys answer `certificate: null` with their code.',
        body: KeyBody,
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            code: Type.Enum([...VALIDATION_CODES]),
            certificate: Type.Union([Type.String(), Type.Null()]),
            meta: Meta,
          }),
          ...machineErrors,
        },
      },
    },
    async (request) => {
      const { key, nonce } = request.body;
      const parsed = parseLicenseKey(key);
      const license = parsed.ok ? await deps.licenses.byKey(parsed.key) : undefined;
      return {
        ok: license !== undefined,
        code: !parsed.ok
          ? ('INVALID_KEY_FORMAT' as const)
          : license
            ? ('VALID' as const)
            : ('NOT_FOUND' as const),
        certificate: license ? await deps.machines.certificate(license) : null,
        meta: meta(nonce),
      };
    },
  );

  app.post(
    '/api/v1/licenses/validate',
    {
      ...signed,
      schema: {
        tags: ['licensing'],
        summary: 'Validate a license key (optionally for a machine, product and user)',
        description: `Codes, checked in this order (the first failing check answers): ${VALIDATION_CODES.join(', ')}. \`valid\` is true only for VALID; a refused license still answers 200. Every answer is signed: header \`FHIRIQ-Signature: keyid="…", algorithm="…", signature="…"\` over the exact body bytes, verifiable with GET /.well-known/fhiriq/keys.json.`,
        body: ValidateBody,
        response: { 200: ValidateJson, ...errorResponses(...BODY_ERRORS, 'RATE_LIMITED', 'SERVICE_BUSY') },
      },
    },
    async (request) => {
      const { key, nonce, ...scope } = request.body;
      const { result, license } = await deps.licenses.validate(
        key,
        scope,
        { ip: request.ip },
        requestKey(request),
      );
      return { valid: result.valid, code: result.code, detail: result.detail, license, meta: meta(nonce) };
    },
  );
}
