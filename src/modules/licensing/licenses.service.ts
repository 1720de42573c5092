import type { Kysely, Transaction } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { generateLicenseKey, type KeyParse, parseLicenseKey } from './domain/license-key.ts';
import { canMove, moveEvent } from './domain/lifecycle.ts';
import { DEFAULT_POLICY, type LicensePolicy, maxMachinesFor } from './domain/policy.ts';
import {
  type LicenseFacts,
  type LicenseStatus,
  type ValidationResult,
  type ValidationScope,
  validateLicense,
} from './domain/validation.ts';
import { type CachedLicense, LicenseCache } from './license-cache.ts';
import type { LicenseRow, LicensingDb, MachineRow } from './licensing.tables.ts';
import { ValidationTrail } from './validation-trail.ts';

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
  /** Who issued it, when staff did (recorded in the audit log). */
  actor?: LicenseActor;
}

export interface IssuedLicense {
  license: LicenseRow;
  /** The key, in clear: shown to its owner, never logged. */
  key: string;
  created: boolean;
}

/**
 * Who changed a license: the platform itself (fulfillment, a subscription's lifecycle; `reason`
 * says why), a staff member over HTTP, the CLI on the server, or the license's customer. Staff
 * and CLI actions are written to the audit log as well as the license's own trail.
 */
export type LicenseActor =
  | { kind: 'system'; reason: string }
  | { kind: 'staff'; staff: StaffContext; reason?: string }
  | { kind: 'cli'; reason?: string }
  | { kind: 'customer'; userId: string; email: string };

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

export interface LicenseEventView {
  id: string;
  licenseId: string | null;
  type: string;
  code: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  at: Date;
}

function months(from: Date, n: number): Date {
  const d = new Date(from);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d;
}

const actorDetail = (a: LicenseActor): Record<string, unknown> =>
  a.kind === 'system'
    ? { by: 'system', reason: a.reason }
    : a.kind === 'staff'
      ? { by: 'staff', staff: a.staff.actor.email, ...(a.reason ? { reason: a.reason } : {}) }
      : a.kind === 'cli'
        ? { by: 'cli', ...(a.reason ? { reason: a.reason } : {}) }
        : { by: 'customer', userId: a.userId };

export const licenseView = (license: LicenseRow, machines: number): LicenseView => ({
  id: license.id,
  sku: license.sku,
  type: license.type,
  status: license.status,
  seats: license.seats,
  maxMachines: license.max_machines,
  machines,
  limits: license.limits,
  validFrom: new Date(license.valid_from).toISOString(),
  validUntil: license.valid_until ? new Date(license.valid_until).toISOString() : null,
});

/**
 * Licenses: issued once per business operation with a fresh key (stored as a
 * keyed hash and encrypted), moved through their lifecycle by fulfillment,
 * staff and the CLI (every move on the license's trail, staff ones in the
 * audit log too), and validated by the pure rules with the machines and
 * seats they have. Every validation is recorded with its code.
 */
export class LicenseService {
  /** Validations are recorded in batches (the hot path); see ValidationTrail. */
  readonly trail: ValidationTrail;
  /** What validation reads, for a second per key; dropped on every change made here. */
  readonly cache = new LicenseCache();
  /** Usage facts for validation, set by usage metering (usage.module.ts); unset: no usage check. */
  usageFacts: ((license: LicenseRow, now: Date) => Promise<LicenseFacts['usage']>) | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
    private readonly catalog: CatalogModule,
    private readonly audit: AuditModule,
  ) {
    this.trail = new ValidationTrail(ctx, db);
  }

  #hash(canonicalKey: string): string {
    return this.ctx.secrets.keyedHash(KEY_PURPOSE, canonicalKey);
  }

  /** The key of a license, in clear, for its owner's screen and the CLI (never logged). */
  keyOf(license: LicenseRow): string {
    return this.ctx.secrets.decrypt(KEY_PURPOSE, license.key_enc);
  }

  /** A product's policy (stored, or the defaults). */
  async policyFor(productKey: string, trx?: DbHandle): Promise<LicensePolicy> {
    const row = await view<LicensingDb>(trx ?? handle(this.db))
      .selectFrom('license_policy')
      .selectAll()
      .where('product_key', '=', productKey)
      .executeTakeFirst();
    if (!row) return { productKey, ...DEFAULT_POLICY };
    return {
      productKey,
      machinesPerSeat: row.machines_per_seat,
      heartbeatWindowSeconds: row.heartbeat_window_seconds,
      machineFileTtlSeconds: row.machine_file_ttl_seconds,
      transfersPerMonth: row.transfers_per_month,
      signingAlg: row.signing_alg,
    };
  }

  /**
   * Sets a product's policy. Licenses issued before keep their machine limit and heartbeat
   * window (the terms they were sold with); other settings apply from now on.
   */
  async setPolicy(
    productKey: string,
    patch: Partial<Omit<LicensePolicy, 'productKey'>>,
    actor: LicenseActor,
  ): Promise<LicensePolicy> {
    const before = await this.policyFor(productKey);
    const next: LicensePolicy = { ...before, ...patch, productKey };
    await inTransaction(this.db, async (tx) => {
      const row = {
        product_key: productKey,
        machines_per_seat: next.machinesPerSeat,
        heartbeat_window_seconds: next.heartbeatWindowSeconds,
        machine_file_ttl_seconds: next.machineFileTtlSeconds,
        transfers_per_month: next.transfersPerMonth,
        signing_alg: next.signingAlg,
        updated_at: this.ctx.clock.now(),
      };
      await tx
        .insertInto('license_policy')
        .values(row)
        .onConflict((oc) => oc.column('product_key').doUpdateSet(row))
        .execute();
      await this.audited(
        handle(tx),
        actor,
        'license.policy',
        { type: 'license_policy', id: productKey },
        before,
        next,
      );
    });
    return next;
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
    const policy = await this.policyFor(found.sku.productKey);
    const keyHash = this.#hash(key);
    this.cache.forgetMissing(keyHash);
    try {
      return await inTransaction(this.db, async (tx) => {
        const existing = await tx
          .selectFrom('license')
          .selectAll()
          .where('source_ref', '=', input.sourceRef)
          .executeTakeFirst();
        if (existing) return { license: existing, key: this.keyOf(existing), created: false };
        const row: LicenseRow = {
          id: newId('lic', this.ctx.clock),
          key_hash: keyHash,
          key_enc: this.ctx.secrets.encrypt(KEY_PURPOSE, key),
          key_last4: key.slice(-4),
          user_id: input.userId ?? null,
          email: input.email.trim().toLowerCase(),
          sku: found.sku.code,
          product_key: found.sku.productKey,
          type: f.licenseType,
          status: 'ACTIVE',
          seats,
          max_machines: maxMachinesFor(seats, policy),
          limits: f.limits,
          allowed_domains: [],
          allowed_countries: [],
          heartbeat_window_seconds: policy.heartbeatWindowSeconds,
          valid_from: validFrom,
          valid_until: validUntil,
          source: input.source,
          source_ref: input.sourceRef,
          status_reason: null,
          created_at: now,
          updated_at: now,
        };
        const inserted = await tx
          .insertInto('license')
          .values({
            ...row,
            limits: JSON.stringify(row.limits),
            allowed_domains: JSON.stringify(row.allowed_domains),
            allowed_countries: JSON.stringify(row.allowed_countries),
          } as never)
          // Two concurrent issues for one operation: the second waits for the first and answers it.
          .onConflict((oc) => oc.column('source_ref').doNothing())
          .executeTakeFirst();
        if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) {
          const first = await tx
            .selectFrom('license')
            .selectAll()
            .where('source_ref', '=', input.sourceRef)
            .executeTakeFirstOrThrow();
          return { license: first, key: this.keyOf(first), created: false };
        }
        const actor = input.actor ?? { kind: 'system', reason: input.source };
        await this.event(handle(tx), row.id, 'issued', null, {
          sku: row.sku,
          seats,
          source: input.source,
          ...actorDetail(actor),
        });
        await this.audited(handle(tx), actor, 'license.issue', { type: 'license', id: row.id }, undefined, {
          sku: row.sku,
          seats,
          email: row.email,
        });
        return { license: row, key, created: true };
      });
    } finally {
      // After the commit too: a validation of this key that raced with the insert is not kept.
      this.cache.forgetMissing(keyHash);
    }
  }

  /** Records a license event (the license's trail staff query), in the caller's transaction (or none: null). */
  async event(
    trx: DbHandle | null,
    licenseId: string | null,
    type: string,
    code: string | null,
    detail: Record<string, unknown>,
    ip: string | null = null,
  ): Promise<void> {
    await view<LicensingDb>(trx ?? handle(this.db))
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

  /** Writes a staff or CLI change to the audit log (in the caller's transaction); other actors are only on the license's trail. */
  async audited(
    trx: DbHandle,
    actor: LicenseActor,
    action: string,
    target: { type: string; id: string },
    before: unknown,
    after: unknown,
  ): Promise<void> {
    if (actor.kind !== 'staff' && actor.kind !== 'cli') return;
    await this.audit.log.record(
      {
        actor: actor.kind === 'staff' ? actor.staff.actor : null,
        action,
        target,
        before,
        after: actor.kind === 'cli' ? { ...(after as object), via: 'cli' } : after,
        ...(actor.kind === 'staff' ? { ip: actor.staff.ip, requestId: actor.staff.requestId } : {}),
      },
      trx,
    );
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

  async get(id: string): Promise<LicenseRow | undefined> {
    return this.db.selectFrom('license').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A license by id or by key (the CLI accepts either); 404 NOT_FOUND when neither matches. */
  async find(idOrKey: string): Promise<LicenseRow> {
    const found = idOrKey.startsWith('lic_') ? await this.get(idOrKey) : await this.byKey(idOrKey);
    if (!found) throw new AppError('NOT_FOUND', 'No license has this id or key.');
    return found;
  }

  async bySourceRef(sourceRef: string): Promise<LicenseRow | undefined> {
    return this.db.selectFrom('license').selectAll().where('source_ref', '=', sourceRef).executeTakeFirst();
  }

  async listForUser(userId: string): Promise<LicenseRow[]> {
    return this.db
      .selectFrom('license')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  async machinesOf(licenseId: string, trx?: DbHandle): Promise<MachineRow[]> {
    return view<LicensingDb>(trx ?? handle(this.db))
      .selectFrom('license_machine')
      .selectAll()
      .where('license_id', '=', licenseId)
      .orderBy('activated_at')
      .execute();
  }

  async seatsOf(licenseId: string, trx?: DbHandle): Promise<string[]> {
    const rows = await view<LicensingDb>(trx ?? handle(this.db))
      .selectFrom('license_seat')
      .select('email')
      .where('license_id', '=', licenseId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.email);
  }

  /** The license's trail, newest first (staff and audits): issued, activations, failed validations… */
  async events(
    licenseId: string,
    options: { limit?: number; type?: string; before?: Date } = {},
  ): Promise<LicenseEventView[]> {
    await this.trail.flush();
    let q = this.db
      .selectFrom('license_event')
      .selectAll()
      .where('license_id', '=', licenseId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
    if (options.type) q = q.where('type', '=', options.type);
    if (options.before) q = q.where('at', '<', options.before);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      licenseId: r.license_id,
      type: r.type,
      code: r.code,
      detail: r.detail,
      ip: r.ip,
      at: new Date(r.at),
    }));
  }

  /**
   * Runs `fn` with the license row locked (SELECT … FOR UPDATE): machine and seat limits and
   * status moves serialize per license, so they hold under any concurrency.
   */
  async withLicenseLocked<R>(
    licenseId: string,
    fn: (tx: Transaction<LicensingDb>, license: LicenseRow) => Promise<R>,
  ): Promise<R> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const license = await tx
          .selectFrom('license')
          .selectAll()
          .where('id', '=', licenseId)
          .forUpdate()
          .executeTakeFirst();
        if (!license) throw new AppError('NOT_FOUND', 'No license has this id.');
        this.cache.invalidate(licenseId);
        return fn(tx, license);
      });
    } finally {
      // After the commit too: a validation that read the old state meanwhile is not kept.
      this.cache.invalidate(licenseId);
    }
  }

  /**
   * Moves a license to a status: idempotent (already there: nothing happens, `changed` false),
   * refused with LICENSE_STATE_CONFLICT when the move is not allowed (a revoked license is
   * final; an expired one comes back only with a new term).
   */
  async setStatus(
    licenseId: string,
    to: LicenseStatus,
    actor: LicenseActor,
    reason: string | null = null,
  ): Promise<{ license: LicenseRow; changed: boolean }> {
    return this.withLicenseLocked(licenseId, async (tx, license) => {
      if (license.status === to) return { license, changed: false };
      if (!canMove(license.status, to))
        throw new AppError(
          'LICENSE_STATE_CONFLICT',
          `A ${license.status.toLowerCase()} license cannot become ${to.toLowerCase()}.`,
        );
      if (
        to === 'ACTIVE' &&
        license.valid_until &&
        new Date(license.valid_until).getTime() <= this.ctx.clock.now().getTime()
      )
        throw new AppError(
          'LICENSE_STATE_CONFLICT',
          'The license’s term has ended: extend it to a new end date to reinstate it.',
        );
      const now = this.ctx.clock.now();
      const updated = {
        ...license,
        status: to,
        status_reason: to === 'ACTIVE' ? null : reason,
        updated_at: now,
      };
      await tx
        .updateTable('license')
        .set({ status: to, status_reason: updated.status_reason, updated_at: now })
        .where('id', '=', licenseId)
        .execute();
      const type = moveEvent(to);
      await this.event(handle(tx), licenseId, type, null, {
        from: license.status,
        ...(reason ? { note: reason } : {}),
        ...actorDetail(actor),
      });
      await this.audited(
        handle(tx),
        actor,
        `license.${type}`,
        { type: 'license', id: licenseId },
        {
          status: license.status,
        },
        { status: to, reason },
      );
      return { license: updated, changed: true };
    });
  }

  /**
   * Sets the end of the term (a renewal, a staff extension; null = perpetual). An expired license
   * whose new term is current becomes active again. Idempotent: the same date changes nothing.
   */
  async extend(
    licenseId: string,
    validUntil: Date | null,
    actor: LicenseActor,
  ): Promise<{ license: LicenseRow; changed: boolean }> {
    return this.withLicenseLocked(licenseId, async (tx, license) => {
      const before = license.valid_until ? new Date(license.valid_until) : null;
      if (before?.getTime() === validUntil?.getTime()) return { license, changed: false };
      if (license.status === 'REVOKED')
        throw new AppError('LICENSE_STATE_CONFLICT', 'A revoked license cannot be extended.');
      const now = this.ctx.clock.now();
      const current = validUntil === null || validUntil.getTime() > now.getTime();
      const status: LicenseStatus = license.status === 'EXPIRED' && current ? 'ACTIVE' : license.status;
      await tx
        .updateTable('license')
        .set({
          valid_until: validUntil,
          status,
          status_reason: status === 'ACTIVE' ? null : license.status_reason,
          updated_at: now,
        })
        .where('id', '=', licenseId)
        .execute();
      const detail = {
        from: before?.toISOString() ?? null,
        to: validUntil?.toISOString() ?? null,
        ...actorDetail(actor),
      };
      await this.event(handle(tx), licenseId, 'extended', null, detail);
      if (status !== license.status)
        await this.event(handle(tx), licenseId, 'reinstated', null, {
          from: license.status,
          ...actorDetail(actor),
        });
      await this.audited(
        handle(tx),
        actor,
        'license.extend',
        { type: 'license', id: licenseId },
        {
          validUntil: detail.from,
        },
        { validUntil: detail.to },
      );
      return { license: { ...license, valid_until: validUntil, status, updated_at: now }, changed: true };
    });
  }

  /**
   * Changes the seats (a plan change, a partial refund) and, when given, the SKU of the same
   * product (its limits follow). Fewer seats than named users: the most recently assigned users
   * lose theirs (recorded). Machines are never deactivated behind the customer's back: above the
   * new limit, validation answers TOO_MANY_MACHINES until some are deactivated.
   */
  async changeSeats(
    licenseId: string,
    change: { seats: number; sku?: string },
    actor: LicenseActor,
  ): Promise<{ license: LicenseRow; changed: boolean }> {
    if (!Number.isSafeInteger(change.seats) || change.seats < 1 || change.seats > 100_000)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/seats', message: 'must be a whole number from 1 to 100000' }],
      });
    const license0 = await this.get(licenseId);
    if (!license0) throw new AppError('NOT_FOUND', 'No license has this id.');
    const target = change.sku ? await this.catalog.service.skuWithPrices(change.sku) : undefined;
    if (
      target &&
      (target.sku.productKey !== license0.product_key || target.sku.fulfillment.kind !== 'license')
    )
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/sku', message: `${change.sku} is not an edition of ${license0.product_key}` }],
      });
    return this.withLicenseLocked(licenseId, async (tx, license) => {
      const sku = target?.sku.code ?? license.sku;
      const limits =
        target && target.sku.fulfillment.kind === 'license' ? target.sku.fulfillment.limits : license.limits;
      if (change.seats === license.seats && sku === license.sku) return { license, changed: false };
      // The machines per seat the license was sold with (its policy then), kept through the change.
      const perSeat = Math.max(1, Math.round(license.max_machines / license.seats));
      const maxMachines = change.seats * perSeat;
      const now = this.ctx.clock.now();
      await tx
        .updateTable('license')
        .set({
          seats: change.seats,
          sku,
          limits: JSON.stringify(limits) as never,
          max_machines: maxMachines,
          updated_at: now,
        })
        .where('id', '=', licenseId)
        .execute();
      const seats = await this.seatsOf(licenseId, handle(tx));
      const released = seats.slice(change.seats);
      if (released.length)
        await tx
          .deleteFrom('license_seat')
          .where('license_id', '=', licenseId)
          .where('email', 'in', released)
          .execute();
      await this.event(handle(tx), licenseId, 'seats-changed', null, {
        from: { seats: license.seats, sku: license.sku },
        to: { seats: change.seats, sku },
        ...(released.length ? { released: released.length } : {}),
        ...actorDetail(actor),
      });
      await this.audited(
        handle(tx),
        actor,
        'license.seats',
        { type: 'license', id: licenseId },
        {
          seats: license.seats,
          sku: license.sku,
        },
        { seats: change.seats, sku },
      );
      return {
        license: { ...license, seats: change.seats, sku, limits, max_machines: maxMachines, updated_at: now },
        changed: true,
      };
    });
  }

  /** Deactivates every machine (a customer moved to new hardware and lost the old). */
  async resetActivations(licenseId: string, actor: LicenseActor): Promise<{ released: number }> {
    return this.withLicenseLocked(licenseId, async (tx) => {
      const gone = await tx.deleteFrom('license_machine').where('license_id', '=', licenseId).execute();
      const released = Number(gone[0]?.numDeletedRows ?? 0);
      await this.event(handle(tx), licenseId, 'activations-reset', null, { released, ...actorDetail(actor) });
      await this.audited(
        handle(tx),
        actor,
        'license.reset-activations',
        { type: 'license', id: licenseId },
        undefined,
        {
          released,
        },
      );
      return { released };
    });
  }

  /**
   * Validates a key for a scope: the format before any lookup, then the pure rules. The outcome
   * (with its code, never the key) is recorded for the license's audit trail.
   */
  async validate(
    key: string,
    scope: Omit<ValidationScope, 'now' | 'malformedKey'>,
    meta: { ip: string | null },
    parsed: KeyParse = parseLicenseKey(key),
  ): Promise<{ result: ValidationResult; license: LicenseView | null }> {
    const now = this.ctx.clock.now();
    if (!parsed.ok) return { result: validateLicense(undefined, { now, malformedKey: true }), license: null };
    const cached = await this.#validationFacts(this.#hash(parsed.key), now);
    if (!cached) return { result: validateLicense(undefined, { ...scope, now }), license: null };
    const license = cached.license;
    // What the rules read and what the answer shows, derived once per cached read.
    cached.facts ??= this.facts(license, cached.machines, null, cached.usage);
    cached.view ??= licenseView(license, cached.machines.length);
    const facts =
      license.type === 'SEAT' && scope.user
        ? { ...cached.facts, assignedUsers: await this.seatsOf(license.id) }
        : cached.facts;
    const result = validateLicense(facts, { ...scope, now });
    this.trail.record(license.id, result.code, scope.sku ? { sku: scope.sku } : {}, meta.ip);
    return { result, license: cached.view };
  }

  /** The license of a key hash with its machines and usage: from the cache, or one query (plus usage when metered). */
  async #validationFacts(keyHash: string, now: Date): Promise<CachedLicense | undefined> {
    const hit = this.cache.get(keyHash);
    if (hit) return hit;
    if (this.cache.isMissing(keyHash)) return undefined;
    const generation = this.cache.generation;
    const row = await this.db
      .selectFrom('license')
      .selectAll('license')
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('license_machine')
            .select(['fingerprint', 'activated_at', 'last_heartbeat_at'])
            .whereRef('license_machine.license_id', '=', 'license.id'),
        ).as('machine_list'),
      )
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    if (!row) {
      this.cache.setMissing(keyHash, generation);
      return undefined;
    }
    const { machine_list, ...license } = row;
    const value: CachedLicense = {
      license,
      machines: machine_list,
      usage: this.usageFacts ? await this.usageFacts(license, now) : null,
    };
    this.cache.set(keyHash, value, generation);
    return value;
  }

  /** The facts the pure validation rules read. */
  facts(
    license: LicenseRow,
    // Rows, or the JSON of a joined query (timestamps as strings).
    machines: readonly {
      fingerprint: string;
      activated_at: Date | string;
      last_heartbeat_at: Date | string | null;
    }[],
    seats: string[] | null,
    usage: LicenseFacts['usage'] = null,
  ): LicenseFacts {
    return {
      status: license.status,
      sku: license.sku,
      productKey: license.product_key,
      validUntil: license.valid_until ? new Date(license.valid_until) : null,
      maxMachines: license.max_machines,
      machines: machines.map((m) => ({
        fingerprint: m.fingerprint,
        activatedAt: new Date(m.activated_at),
        lastHeartbeatAt: m.last_heartbeat_at ? new Date(m.last_heartbeat_at) : null,
      })),
      heartbeatWindowSeconds: license.heartbeat_window_seconds,
      assignedUsers: seats,
      allowedDomains: license.allowed_domains,
      allowedCountries: license.allowed_countries,
      usage,
    };
  }
}
