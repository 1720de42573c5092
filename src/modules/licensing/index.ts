import Type from 'typebox';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { publicJwk } from './domain/certificate.ts';
import { registerLicenseRoutes } from './licenses.routes.ts';
import { LicenseService } from './licenses.service.ts';
import type { LicensingDb } from './licensing.tables.ts';
import { SigningKeyStore } from './signing-keys.ts';
import { createUsage } from './usage.module.ts';
import { registerUsageRoutes } from './usage.routes.ts';
import type { UsageService } from './usage.service.ts';

/**
 * Licensing (issue 4, being built): license keys with a check group, the
 * validation codes and their fixed order, signed license and machine files,
 * and the signing keys (generated or configured, published with their ids).
 * Fulfillment, license storage and the public license API build on these.
 * Usage metering (usage.*.ts): meters from the limits, POST /api/v1/usage,
 * monthly periods closed into statements for billing.
 */

export {
  type CertificateVerification,
  canonicalJson,
  generateSigningKey,
  keyId,
  type PublicKeyInfo,
  type PublishedJwk,
  publicJwk,
  type SignedFile,
  type SigningAlgorithm,
  type SigningKey,
  signBytes,
  signFile,
  signingKeyFromPem,
  verifyBytes,
  verifyFile,
} from './domain/certificate.ts';
export {
  checkGroup,
  generateLicenseKey,
  KEY_ALPHABET,
  type KeyParse,
  maskLicenseKey,
  parseLicenseKey,
} from './domain/license-key.ts';
export {
  type BillingLine,
  calculateUsageBilling,
  crossedThresholds,
  type MeterDef,
  metersOf,
  type Period as UsagePeriod,
  periodOf,
  USAGE_THRESHOLDS,
  type UsageBilling,
  type UsagePlan,
  type UsagePolicy,
  usagePlanOf,
} from './domain/usage.ts';
export {
  type LicenseFacts,
  type LicenseStatus,
  VALIDATION_CODES,
  type ValidationCode,
  type ValidationResult,
  type ValidationScope,
  validateLicense,
} from './domain/validation.ts';
export { VALIDATE_LIMITS } from './licenses.routes.ts';
export { type IssuedLicense, type IssueInput, LicenseService, type LicenseView } from './licenses.service.ts';
export { SigningKeyStore, signAnswers, signBody } from './signing-keys.ts';
export { USAGE_WARNING_TEMPLATE } from './usage.mail.ts';
export { USAGE_CLOSE_JOB } from './usage.module.ts';
export { USAGE_LIMITS } from './usage.routes.ts';
export { type MeterTotals, type UsageAnswer, type UsageEventInput, UsageService } from './usage.service.ts';

export interface LicensingModule extends AppModule {
  name: 'licensing';
  signingKeys: SigningKeyStore;
  licenses: LicenseService;
  usage: UsageService;
}

const Jwk = Type.Object(
  {
    kid: Type.String(),
    alg: Type.Enum(['ed25519', 'rsa-pss-sha256']),
    use: Type.Literal('sig'),
    kty: Type.String(),
  },
  { additionalProperties: true },
);

export function createLicensingModule(
  ctx: PlatformContext,
  deps: { catalog: CatalogModule },
): LicensingModule {
  const db = ctx.db.withTables<LicensingDb>();
  const signingKeys = new SigningKeyStore(ctx, db);
  const licenses = new LicenseService(ctx, db, deps.catalog);
  const usage = createUsage(ctx, db, licenses);
  return {
    name: 'licensing',
    signingKeys,
    licenses,
    usage,
    seeders: [signingKeys.seeder()],
    async registerRoutes(app: HttpServer) {
      registerLicenseRoutes(app, { licenses, signingKeys, now: () => ctx.clock.now() });
      registerUsageRoutes(app, { usage, signingKeys, now: () => ctx.clock.now() });
      app.get(
        '/.well-known/fhiriq/keys.json',
        {
          schema: {
            tags: ['licensing'],
            summary: 'The public keys that verify license and machine files',
            description:
              'Every key that ever signed a file, as JWKs with their `kid` and `alg` (`ed25519`, or `rsa-pss-sha256` for RSA-PSS/SHA-256 with a 32-byte salt). A file names the key that signed it; keys are never removed, so files signed before a rotation keep verifying.',
            response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
          },
        },
        async (_request, reply) => {
          const keys = (await signingKeys.published()).map(publicJwk);
          reply.header('cache-control', 'public, max-age=300');
          return { keys };
        },
      );
    },
  };
}
