import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { LicensingDb } from './licensing.tables.ts';

/** Rows written per INSERT, and the longest a validation waits to be written. */
const BATCH = 500;
const FLUSH_MS = 200;
/** Rows kept while the database refuses them (beyond: the oldest are dropped, and that is logged). */
const MAX_PENDING = 50_000;

interface Pending {
  id: string;
  license_id: string;
  type: 'validated';
  code: string;
  detail: string;
  ip: string | null;
  at: Date;
}

/**
 * The trail of validations, written in batches. Validation is the hot path
 * (thousands a second from customers' software) and an INSERT per call would
 * cost more than the validation itself; the outcome is recorded in memory and
 * written at most 200 ms later in one multi-row INSERT, and on shutdown.
 * Reading the trail flushes first, so a reader sees every validation answered
 * before. A crash loses at most the last 200 ms of validation records, never
 * a state change (activations, seats and lifecycle moves are transactional).
 */
export class ValidationTrail {
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
  ) {}

  record(licenseId: string, code: string, detail: Record<string, unknown>, ip: string | null): void {
    this.#pending.push({
      id: newId('lev', this.ctx.clock),
      license_id: licenseId,
      type: 'validated',
      code,
      detail: JSON.stringify(detail),
      ip,
      at: this.ctx.clock.now(),
    });
    if (this.#pending.length >= BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes everything recorded so far (flushes run one at a time, in order). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    while (this.#pending.length) {
      const batch = this.#pending.splice(0, BATCH);
      try {
        await this.db
          .insertInto('license_event')
          .values(batch as never)
          .execute();
      } catch (err) {
        // Keep them for the next flush (the database may be restarting); bounded.
        this.#pending.unshift(...batch);
        const dropped = this.#pending.length - MAX_PENDING;
        if (dropped > 0) this.#pending.splice(0, dropped);
        this.ctx.log.warn(
          { err: (err as Error).message, pending: this.#pending.length, dropped: Math.max(0, dropped) },
          'license validation trail: write failed, will retry',
        );
        this.#timer ??= setTimeout(() => void this.flush(), 5_000).unref();
        return;
      }
    }
  }
}
