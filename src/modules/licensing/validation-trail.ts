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
  licenseId: string;
  code: string;
  detail: Record<string, unknown>;
  ip: string | null;
  at: Date;
  lastAt: Date;
  count: number;
}

/**
 * The trail of validations, written in batches. Validation is the hot path
 * (thousands a second from customers' software) and an INSERT per call would
 * cost more than the validation itself; the outcome is recorded in memory and
 * written at most 200 ms later in one multi-row INSERT, and on shutdown.
 * Reading the trail flushes first, so a reader sees every validation answered
 * before. A crash loses at most the last 200 ms of validation records, never
 * a state change (activations, seats and lifecycle moves are transactional).
 *
 * Identical outcomes within one window (same license, code, detail and client
 * address: a product polling in a loop, a fleet restarting) become one row
 * with `count` and `lastAt` in its detail, so the trail keeps every validation
 * without growing by thousands of rows a second.
 */
export class ValidationTrail {
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<LicensingDb>,
  ) {}

  record(licenseId: string, code: string, detail: Record<string, unknown>, ip: string | null): void {
    const at = this.ctx.clock.now();
    const same = `${licenseId}\n${code}\n${ip ?? ''}\n${JSON.stringify(detail)}`;
    const pending = this.#pending.get(same);
    if (pending) {
      pending.count++;
      pending.lastAt = at;
      return;
    }
    this.#pending.set(same, { licenseId, code, detail, ip, at, lastAt: at, count: 1 });
    if (this.#pending.size >= BATCH) void this.flush();
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
    // What is recorded from here on starts a new window.
    const all = [...this.#pending.values()];
    this.#pending.clear();
    while (all.length) {
      const batch = all.splice(0, BATCH);
      try {
        await this.db
          .insertInto('license_event')
          .values(
            batch.map((p) => ({
              id: newId('lev', { now: () => p.at }),
              license_id: p.licenseId,
              type: 'validated' as const,
              code: p.code,
              detail: JSON.stringify(
                p.count > 1 ? { ...p.detail, count: p.count, lastAt: p.lastAt.toISOString() } : p.detail,
              ),
              ip: p.ip,
              at: p.at,
            })) as never,
          )
          .execute();
      } catch (err) {
        // Keep them for the next flush (the database may be restarting); bounded, oldest dropped.
        const kept = [...batch, ...all];
        const dropped = Math.max(0, kept.length - MAX_PENDING);
        this.#requeue(kept.slice(dropped));
        this.ctx.log.warn(
          { err: (err as Error).message, pending: this.#pending.size, dropped },
          'license validation trail: write failed, will retry',
        );
        this.#timer ??= setTimeout(() => void this.flush(), 5_000).unref();
        return;
      }
    }
  }

  /** Puts unwritten rows back in front of what was recorded meanwhile (each stays its own row). */
  #requeue(rows: Pending[]): void {
    const later = [...this.#pending];
    this.#pending = new Map(rows.map((p, i) => [`requeued\n${i}\n${p.licenseId}\n${p.at.getTime()}`, p]));
    for (const [k, v] of later) this.#pending.set(k, v);
  }
}
