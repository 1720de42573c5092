import Type from 'typebox';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { publicJwk } from './domain/certificate.ts';
import { registerAccountLicenses } from './licenses.account.ts';
import { registerAdminLicenses } from './licenses.admin.ts';
import { licenseCommands } from './licenses.cli.ts';
import { type LicenseSummary, summaries } from './licenses.portal.ts';
import { registerLicenseRoutes } from './licenses.routes.ts';
import { LicenseService } from './licenses.service.ts';
import type { LicensingDb } from './licensing.tables.ts';
import { MachineService } from './machines.service.ts';
import { SeatService } from './seats.service.ts';
import { SigningKeyStore } from './signing-keys.ts';
import { createUsage } from './usage.module.ts';
import { registerUsageRoutes } from './usage.routes.ts';
import type { MeterTotals, UsageService } from './usage.service.ts';

/**
 * Licensing: license keys with a check group (stored hashed and encrypted),
 * the validation codes and their fixed order, product policies, machines
 * (activation limits under concurrency, heartbeats, signed machine files),
 * named seats with monthly transfer limits, allowed domains and countries,
 * the signing keys (generated or configured, published with their ids), and
 * the trail of every license event. Fulfillment issues licenses and moves
 * them through their lifecycle. Usage metering (usage.*.ts): meters from
 * the limits, POST /api/v1/usage, monthly periods closed into statements.
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
  DEFAULT_POLICY,
  domainAllowed,
  type LicensePolicy,
  machineAlive,
  maxMachinesFor,
} from './domain/policy.ts';
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
export { type LicenseSummary, LicenseSummaryJson } from './licenses.portal.ts';
export { LICENSE_API_PATHS } from './licenses.routes.ts';
export {
  type IssuedLicense,
  type IssueInput,
  type LicenseActor,
  type LicenseEventView,
  LicenseService,
  type LicenseView,
  licenseView,
} from './licenses.service.ts';
export type { LicenseRow, LicenseType, UsageStatementRow } from './licensing.tables.ts';
export {
  type MachineInput,
  type MachineOutcome,
  MachineService,
  type MachineView,
} from './machines.service.ts';
export { SeatService } from './seats.service.ts';
export { SigningKeyStore, signBody } from './signing-keys.ts';
export { USAGE_WARNING_TEMPLATE } from './usage.mail.ts';
export { USAGE_CLOSE_JOB, USAGE_PRUNE_JOB } from './usage.module.ts';
export { USAGE_LIMITS } from './usage.routes.ts';
export { type MeterTotals, type UsageAnswer, type UsageEventInput, UsageService } from './usage.service.ts';
export { type UsageMeters, UsageMetersJson } from './usage-meters.ts';
export { type MeterView, UsageMeter } from './views/usage-meters.tsx';

export interface LicensingModule extends AppModule {
  name: 'licensing';
  signingKeys: SigningKeyStore;
  licenses: LicenseService;
  machines: MachineService;
  seats: SeatService;
  /** `fhiriq license …` (see licenses.cli.ts), by command name. */
  commands: Record<string, (args: Record<string, unknown>) => Promise<string>>;
  usage: UsageService;
  /** A customer's licenses (newest first) with the current period's meters of the active usage licenses: the portal dashboard. */
  overviewFor(
    userId: string,
  ): Promise<{ licenses: LicenseSummary[]; meters: (MeterTotals & { licenseId: string })[] }>;
  /**
   * The product keys (`TL-MAPPER`) a user may use now: those of the ACTIVE licenses, within their
   * term, that the user owns or holds a named seat on (by their email). Product downloads ask this.
   */
  entitledProducts(user: { userId: string; email: string }): Promise<string[]>;
}

/** The `fhiriq license …` commands the CLI registers. */
export const LICENSE_COMMAND_NAMES = [
  'license issue',
  'license show',
  'license suspend',
  'license reinstate',
  'license revoke',
  'license extend',
  'license reset-activations',
  'license seats',
] as const;

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
  deps: { catalog: CatalogModule; audit: AuditModule; accounts: AccountsModule },
): LicensingModule {
  const db = ctx.db.withTables<LicensingDb>();
  const signingKeys = new SigningKeyStore(ctx, db);
  const licenses = new LicenseService(ctx, db, deps.catalog, deps.audit);
  const machines = new MachineService(ctx, licenses, signingKeys);
  const seats = new SeatService(ctx, licenses);
  const usage = createUsage(ctx, db, licenses);
  return {
    name: 'licensing',
    signingKeys,
    licenses,
    machines,
    seats,
    commands: licenseCommands({ licenses, machines, seats }),
    stop: async () => {
      await licenses.trail.flush();
      await signingKeys.signer.close();
    },
    usage,
    async entitledProducts({ userId, email }) {
      const now = ctx.clock.now();
      const rows = await db
        .selectFrom('license')
        .select('product_key')
        .distinct()
        .where('status', '=', 'ACTIVE')
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
        .where((eb) =>
          eb.or([
            eb('user_id', '=', userId),
            eb.exists(
              eb
                .selectFrom('license_seat')
                .select('license_seat.id')
                .whereRef('license_seat.license_id', '=', 'license.id')
                // Seats are stored lower case (seats.service.ts normalises them).
                .where('license_seat.email', '=', email.trim().toLowerCase()),
            ),
          ]),
        )
        .orderBy('product_key')
        .execute();
      return rows.map((r) => r.product_key);
    },
    seeders: [signingKeys.seeder()],
    async overviewFor(userId) {
      const rows = await licenses.listForUser(userId);
      const list = await summaries(
        { db, licenses, machines, seats, usage, catalog: deps.catalog, now: () => ctx.clock.now() },
        rows,
      );
      const meters = [];
      for (const row of rows)
        if (row.type === 'USAGE' && row.status === 'ACTIVE')
          for (const m of await usage.totals(row)) meters.push({ ...m, licenseId: row.id });
      return { licenses: list, meters };
    },
    async registerMachineRoutes(app: HttpServer) {
      registerLicenseRoutes(app, {
        licenses,
        machines,
        signingKeys,
        now: () => ctx.clock.now(),
        limits: ctx.config.licenseRateLimit,
      });
      registerUsageRoutes(app, { usage, signingKeys, now: () => ctx.clock.now() });
    },
    async registerRoutes(app: HttpServer) {
      // The customer's portal and the staff console, over the same services.
      const portal = {
        db,
        licenses,
        machines,
        seats,
        usage,
        catalog: deps.catalog,
        accounts: deps.accounts,
        now: () => ctx.clock.now(),
      };
      registerAccountLicenses(app, portal);
      registerAdminLicenses(app, portal);
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
