import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { generateLicenseKey, parseLicenseKey } from './domain/license-key.ts';
import {
  type LicenseFacts,
  type ValidationResult,
  type ValidationScope,
  validateLicense,
} from './domain/validation.ts';
import type { LicenseRow, LicensingDb, MachineRow } from './licensing.tables.ts';

const KEY_PURPOSE = 'license-key';

export interface IssueInput {
  sku: string;
  email: string;
  userId?: string | null;
  seats?: number;
  /** The business operation issuing it (`order-line:<id>`, `staff:<requestId>`): issuing twice answers the first. */
  sourceRef: string;
  source: 'order' | 'staff';
  /** Validity start (default now) and end (default: from the SKU's term; perpetual: none). */
  validFrom?: Date;
  validUntil?: Date | null;
}

export interface IssuedLicense {
  license: LicenseRow;
  /** The key, in clear: shown to its owner, never logged. */
  key: string;
  created: boolean;
}

/** What a validation answers about the license (no key, nothing about other customers). */
export interface LicenseView {
  id: string;
  sku: string;
  type: LicenseRow['type'];
  status: LicenseRow['status'];
  seats: number;
  maxMachines: number;
  machines: number;
  limits: LicenseRow['limits'];
  validFrom: string;
  validUntil: string | null;
}

function months(from: Date, n: number): Date {
  const d = new Date(from);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d;
}

/**
 * Licenses: issued once per business operation with a fresh key (stored as a
 * keyed hash and encrypted), and validated by the pure rules with the
 * machines they have. Every validation is recorded with its code.
 */
export class LicenseService {
  /** Usage facts for validation, set by usage metering (usage.module.ts); unset: no usage check. */
  usageFacts: ((license: LicenseRow, now: Date) => Promise<LicenseFacts['usage']>) | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
    private readonly catalog: CatalogModule,
  ) {}

  #hash(canonicalKey: string): string {
    return this.ctx.secrets.keyedHash(KEY_PURPOSE, canonicalKey);
  }

  async issue(input: IssueInput): Promise<IssuedLicense> {
    const found = await this.catalog.service.skuWithPrices(input.sku);
    const f = found.sku.fulfillment;
    if (f.kind !== 'license')
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/sku', message: `${input.sku} is not a software license` }],
      });
    const seats = input.seats ?? 1;
    if (!Number.isSafeInteger(seats) || seats < 1 || seats > 100_000)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/seats', message: 'must be a whole number from 1 to 100000' }],
      });
    const now = this.ctx.clock.now();
    const validFrom = input.validFrom ?? now;
    const validUntil =
      input.validUntil !== undefined
        ? input.validUntil
        : found.sku.interval === 'month'
          ? months(validFrom, 1)
          : found.sku.interval === 'year'
            ? months(validFrom, 12)
            : null;
    const key = generateLicenseKey();
    return inTransaction(this.db, async (tx) => {
      const existing = await tx
        .selectFrom('license')
        .selectAll()
        .where('source_ref', '=', input.sourceRef)
        .executeTakeFirst();
      if (existing)
        return {
          license: existing,
          key: this.ctx.secrets.decrypt(KEY_PURPOSE, existing.key_enc),
          created: false,
        };
      const row: LicenseRow = {
        id: newId('lic', this.ctx.clock),
        key_hash: this.#hash(key),
        key_enc: this.ctx.secrets.encrypt(KEY_PURPOSE, key),
        key_last4: key.slice(-4),
        user_id: input.userId ?? null,
        email: input.email.trim().toLowerCase(),
        sku: found.sku.code,
        product_key: found.sku.productKey,
        type: f.licenseType,
        status: 'ACTIVE',
        seats,
        // One machine per seat unless the product says otherwise (a policy on the limits).
        max_machines: seats * (typeof f.limits.machinesPerSeat === 'number' ? f.limits.machinesPerSeat : 1),
        limits: f.limits,
        allowed_domains: [],
        allowed_countries: [],
        heartbeat_window_seconds: null,
        valid_from: validFrom,
        valid_until: validUntil,
        source: input.source,
        source_ref: input.sourceRef,
        created_at: now,
        updated_at: now,
      };
      await tx
        .insertInto('license')
        .values({
          ...row,
          limits: JSON.stringify(row.limits),
          allowed_domains: JSON.stringify(row.allowed_domains),
          allowed_countries: JSON.stringify(row.allowed_countries),
        } as never)
        .execute();
      await this.#event(handle(tx), row.id, 'issued', null, { sku: row.sku, seats, source: input.source });
      return { license: row, key, created: true };
    });
  }

  async #event(
    trx: DbHandle,
    licenseId: string | null,
    type: string,
    code: string | null,
    detail: Record<string, unknown>,
    ip: string | null = null,
  ): Promise<void> {
    await view<LicensingDb>(trx)
      .insertInto('license_event')
      .values({
        id: newId('lev', this.ctx.clock),
        license_id: licenseId,
        type,
        code,
        detail: JSON.stringify(detail),
        ip,
        at: this.ctx.clock.now(),
      } as never)
      .execute();
  }

  /** The license of a key, by its keyed hash (undefined when malformed or unknown). */
  async byKey(key: string): Promise<LicenseRow | undefined> {
    const parsed = parseLicenseKey(key);
    if (!parsed.ok) return undefined;
    return this.db
      .selectFrom('license')
      .selectAll()
      .where('key_hash', '=', this.#hash(parsed.key))
      .executeTakeFirst();
  }

  async machinesOf(licenseId: string): Promise<MachineRow[]> {
    return this.db.selectFrom('license_machine').selectAll().where('license_id', '=', licenseId).execute();
  }

  /**
   * Validates a key for a scope: the format before any lookup, then the pure rules. The outcome
   * (with its code, never the key) is recorded for the license's audit trail.
   */
  async validate(
    key: string,
    scope: Omit<ValidationScope, 'now' | 'malformedKey'>,
    meta: { ip: string | null },
  ): Promise<{ result: ValidationResult; license: LicenseView | null }> {
    const now = this.ctx.clock.now();
    const parsed = parseLicenseKey(key);
    if (!parsed.ok) return { result: validateLicense(undefined, { now, malformedKey: true }), license: null };
    const license = await this.byKey(parsed.key);
    const machines = license ? await this.machinesOf(license.id) : [];
    const facts: LicenseFacts | undefined = license && {
      status: license.status,
      sku: license.sku,
      productKey: license.product_key,
      validUntil: license.valid_until,
      maxMachines: license.max_machines,
      machines: machines.map((m) => ({ fingerprint: m.fingerprint, lastHeartbeatAt: m.last_heartbeat_at })),
      heartbeatWindowSeconds: license.heartbeat_window_seconds,
      assignedUsers: null,
      allowedDomains: license.allowed_domains,
      allowedCountries: license.allowed_countries,
      usage: (await this.usageFacts?.(license, now)) ?? null,
    };
    const result = validateLicense(facts, { ...scope, now });
    if (license)
      await this.#event(
        handle(this.db),
        license.id,
        'validated',
        result.code,
        scope.sku ? { sku: scope.sku } : {},
        meta.ip,
      );
    return {
      result,
      license: license
        ? {
            id: license.id,
            sku: license.sku,
            type: license.type,
            status: license.status,
            seats: license.seats,
            maxMachines: license.max_machines,
            machines: machines.length,
            limits: license.limits,
            validFrom: new Date(license.valid_from).toISOString(),
            validUntil: license.valid_until ? new Date(license.valid_until).toISOString() : null,
          }
        : null,
    };
  }
}
