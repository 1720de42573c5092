import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, type Executor, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { parseVatNumber, type VatId } from './domain/vat-id.ts';
import type { VerificationStatus } from './tax.contract.ts';
import {
  getVerification,
  insertPending,
  markPending,
  recordAnswer,
  recordUnavailable,
  stalePending,
} from './tax.repository.ts';
import type { TaxDb, VatVerificationRow } from './tax.tables.ts';
import { localFormatRegistry, type VatRegistry } from './vat-registry.ts';

export const VERIFY_VAT_JOB = 'tax.verify-vat';
export const VERIFY_VAT_SWEEP_JOB = 'tax.verify-vat-sweep';
/** A pending ID untouched this long has lost its job (retries spent, or a crash): queue it again. */
const STALE_PENDING_MS = 6 * 3600_000;

export class VatUnavailableError extends Error {
  constructor(vatId: string, reason: string) {
    super(`VIES could not verify ${vatId}: ${reason}`);
    this.name = 'VatUnavailableError';
  }
}

const toStatus = (r: VatVerificationRow): VerificationStatus => ({
  vatId: r.vat_id,
  country: r.country,
  status: r.status,
  source: r.source,
  checkedAt: r.checked_at,
  requestIdentifier: r.request_identifier,
  requesterVatId: r.requester_vat_id,
  registeredName: r.registered_name,
  attempts: r.attempts,
  lastError: r.last_error,
});

/**
 * VAT ID verification with evidence. A new ID is recorded `pending` and
 * checked by the `tax.verify-vat` job, which retries with backoff while VIES
 * is unavailable; the status only leaves `pending` on a registry's answer.
 * With the local registry (no VIES_URL) the answer needs no network and is
 * recorded at once, marked `local-format`.
 *
 * UK VAT numbers always take the local check: VIES has not covered GB since
 * 2021, and HMRC's "check a UK VAT number" API needs an HMRC developer
 * application (OAuth credentials) that is not wired yet. They are recorded
 * like EU IDs, marked `local-format`, so the evidence says what was checked.
 */
export class VatVerificationService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<TaxDb>,
    private readonly registry: VatRegistry,
  ) {}

  /** Parses (EU or UK rules) or throws 400 VAT_ID_INVALID with the reason. */
  parse(raw: string, billingCountry?: string): VatId {
    const r = parseVatNumber(raw, billingCountry);
    if (!r.ok) throw new AppError('VAT_ID_INVALID', `The VAT ID ${r.reason}.`);
    return r.vatId;
  }

  /**
   * Starts (or reuses) the verification of a VAT ID and returns its current
   * status. With `trx`, the record and the job commit with the caller's work.
   */
  async requestVerification(rawOrParsed: string | VatId, trx?: DbHandle): Promise<VerificationStatus> {
    const vatId = typeof rawOrParsed === 'string' ? this.parse(rawOrParsed) : rawOrParsed;
    const root = trx ? view<TaxDb>(trx) : this.db;
    // The common case (an ID already checked, nothing to upgrade) is one read, no transaction.
    const upgradable = this.#registryFor(vatId).source === 'vies';
    const known = await getVerification(root, vatId.id);
    if (known && !(known.source === 'local-format' && upgradable)) return toStatus(known);
    return inTransaction(root, async (tx) => {
      const now = this.ctx.clock.now();
      const existing = await getVerification(tx, vatId.id);
      if (!existing) {
        if (await insertPending(tx, vatId.id, vatId.country, now)) await this.#schedule(vatId, handle(tx));
      } else if (existing.source === 'local-format' && upgradable) {
        // VIES was configured since the local check: get the registry's word before relying on it.
        await markPending(tx, vatId.id, now);
        await this.#schedule(vatId, handle(tx));
      }
      const row = await getVerification(tx, vatId.id);
      if (!row) throw new Error(`vat_verification row for ${vatId.id} vanished`);
      return toStatus(row);
    });
  }

  async verificationStatus(raw: string): Promise<VerificationStatus | undefined> {
    const r = parseVatNumber(raw);
    if (!r.ok) return undefined;
    const row = await getVerification(this.db, r.vatId.id);
    return row ? toStatus(row) : undefined;
  }

  #registryFor(vatId: VatId): VatRegistry {
    return vatId.country === 'GB' ? localFormatRegistry : this.registry;
  }

  async #schedule(vatId: VatId, trx: DbHandle): Promise<void> {
    if (this.#registryFor(vatId).source === 'local-format') {
      // No network involved: the local answer is immediate, and a job would only delay it.
      await this.#apply(view<TaxDb>(trx), vatId);
      return;
    }
    await this.ctx.jobs.send(VERIFY_VAT_JOB, { vatId: vatId.id }, { trx, singletonKey: vatId.id });
  }

  /** The job: ask the registry; on "unavailable" count the attempt and throw so the queue retries. */
  async runCheck(vatIdText: string): Promise<void> {
    const parsed = parseVatNumber(vatIdText);
    if (!parsed.ok) return; // only parsed ids are ever queued; nothing to retry
    const row = await getVerification(this.db, parsed.vatId.id);
    if (row?.status !== 'pending') return; // absent or answered already (at-least-once delivery)
    await this.#apply(this.db, parsed.vatId);
  }

  async #apply(db: Executor<TaxDb>, vatId: VatId): Promise<void> {
    const answer = await this.#registryFor(vatId).check(vatId);
    const now = this.ctx.clock.now();
    if (answer.status === 'unavailable') {
      const attempts = await recordUnavailable(db, vatId.id, answer.error, now);
      this.ctx.log.warn(
        { vatId: vatId.id, attempts, error: answer.error },
        'VIES unavailable, VAT ID stays pending',
      );
      throw new VatUnavailableError(vatId.id, answer.error);
    }
    await recordAnswer(db, vatId.id, {
      status: answer.status,
      source: answer.source,
      checkedAt: now,
      requestIdentifier: answer.requestIdentifier,
      requester: answer.requester,
      name: answer.name,
      address: answer.address,
    });
  }

  /** Hourly: queue again the pending IDs whose job gave up, so none stays pending forever unnoticed. */
  async sweep(): Promise<number> {
    const before = new Date(this.ctx.clock.now().getTime() - STALE_PENDING_MS);
    const ids = await stalePending(this.db, before, 100);
    for (const vatId of ids) await this.ctx.jobs.send(VERIFY_VAT_JOB, { vatId }, { singletonKey: vatId });
    return ids.length;
  }
}
