import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import { balanceOf, canceledAfterRefund, entryRefusal, minutesFromHours } from './domain/consulting.ts';
import type { RefundEffect } from './domain/plan.ts';
import type { AllocationRow, FulfillmentDb, TimeEntryRow } from './fulfillment.tables.ts';

export interface AllocateInput {
  sourceRef: string;
  orderId: string;
  userId: string;
  email: string;
  sku: string;
  name: string;
  engagement: AllocationRow['engagement'];
  units: number;
  /** null: a fixed-scope engagement (no hours). */
  minutes: number | null;
  validFrom: Date;
  expiresAt: Date | null;
}

export interface TimeEntryInput {
  /** YYYY-MM-DD, the day the work was done. */
  date: string;
  hours: number;
  note: string;
  /** Idempotency key of the form or API request: the same entry sent twice is recorded once. */
  requestKey?: string | undefined;
}

export interface AllocationWithEntries {
  allocation: AllocationRow;
  entries: TimeEntryRow[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date as YYYY-MM-DD, or null. */
export function parseWorkDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text ? text : null;
}

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message }] });

/**
 * Consulting allocations: blocks of hours (in whole minutes) with an expiry, fixed-scope
 * engagements without hours, and the time entries staff record against them. An entry is
 * checked and booked with the allocation row locked, so concurrent entries queue up and the
 * balance never goes below zero (the table's CHECK holds it too).
 */
export class ConsultingService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<FulfillmentDb>,
    private readonly audit: AuditModule,
  ) {}

  /** Creates the allocation of `sourceRef`, or answers the one it already created. Commits on its own. */
  async allocate(input: AllocateInput): Promise<{ allocation: AllocationRow; created: boolean }> {
    const now = this.ctx.clock.now();
    const row: AllocationRow = {
      id: newId('cal', this.ctx.clock),
      source_ref: input.sourceRef,
      order_id: input.orderId,
      user_id: input.userId,
      email: input.email.trim().toLowerCase(),
      sku: input.sku,
      name: input.name,
      engagement: input.engagement,
      units: input.units,
      minutes_allocated: input.minutes,
      minutes_used: 0,
      minutes_canceled: 0,
      status: 'active',
      status_reason: null,
      valid_from: input.validFrom,
      expires_at: input.expiresAt,
      created_at: now,
      updated_at: now,
    };
    const inserted = await this.db
      .insertInto('consulting_allocation')
      .values(row)
      .onConflict((oc) => oc.column('source_ref').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { allocation: row, created: true };
    const existing = await this.bySourceRef(input.sourceRef);
    if (!existing) throw new Error(`allocation ${input.sourceRef} neither inserted nor found`);
    return { allocation: existing, created: false };
  }

  async bySourceRef(sourceRef: string): Promise<AllocationRow | undefined> {
    return this.db
      .selectFrom('consulting_allocation')
      .selectAll()
      .where('source_ref', '=', sourceRef)
      .executeTakeFirst();
  }

  async get(id: string): Promise<AllocationWithEntries> {
    const allocation = await this.db
      .selectFrom('consulting_allocation')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!allocation) throw new AppError('NOT_FOUND');
    return { allocation, entries: await this.#entries([id]).then((m) => m.get(id) ?? []) };
  }

  /** The customer's allocations with their entries; another customer's are not there. */
  async listForUser(userId: string): Promise<AllocationWithEntries[]> {
    const rows = await this.db
      .selectFrom('consulting_allocation')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const entries = await this.#entries(rows.map((r) => r.id));
    return rows.map((allocation) => ({ allocation, entries: entries.get(allocation.id) ?? [] }));
  }

  /** Staff: allocations, newest first; `open` = active and not expired. */
  async search(filter: { open?: boolean; limit?: number }): Promise<AllocationRow[]> {
    let q = this.db
      .selectFrom('consulting_allocation')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(filter.limit ?? 100, 1), 500));
    if (filter.open)
      q = q
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.ctx.clock.now())]));
    return q.execute();
  }

  async #entries(ids: readonly string[]): Promise<Map<string, TimeEntryRow[]>> {
    const out = new Map<string, TimeEntryRow[]>();
    if (!ids.length) return out;
    const rows = await this.db
      .selectFrom('consulting_time_entry')
      .selectAll()
      .where('allocation_id', 'in', ids)
      .orderBy('work_date', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
    for (const r of rows) out.set(r.allocation_id, [...(out.get(r.allocation_id) ?? []), r]);
    return out;
  }

  /**
   * Staff record time worked. Refused, with nothing written: bad input (VALIDATION_FAILED), an
   * allocation canceled by a refund or past its expiry (ALLOCATION_EXPIRED), more hours than
   * remain (CONSULTING_HOURS_EXCEEDED). The entry, the balance and the audit entry commit together.
   */
  async recordEntry(
    staff: StaffContext,
    allocationId: string,
    input: TimeEntryInput,
  ): Promise<{ entry: TimeEntryRow; allocation: AllocationRow; created: boolean }> {
    const date = parseWorkDate(input.date);
    if (!date) throw invalid('/date', 'must be a date as YYYY-MM-DD');
    if (date > this.ctx.clock.now().toISOString().slice(0, 10))
      throw invalid('/date', 'must not be in the future');
    const minutes = minutesFromHours(input.hours);
    if (minutes === null)
      throw invalid('/hours', 'must be whole minutes from 1 minute to 24 hours (e.g. 1.5 or 0.25)');
    const note = input.note.trim();
    if (!note) throw invalid('/note', 'must not be empty');
    if (note.length > 1000) throw invalid('/note', 'must be at most 1000 characters');
    const key = input.requestKey ? `${allocationId}:${input.requestKey}` : null;
    return inTransaction(this.db, async (tx) => {
      const allocation = await tx
        .selectFrom('consulting_allocation')
        .selectAll()
        .where('id', '=', allocationId)
        .forUpdate()
        .executeTakeFirst();
      if (!allocation) throw new AppError('NOT_FOUND');
      // Under the lock: a request repeated (or racing itself) finds the entry it recorded.
      if (key) {
        const earlier = await tx
          .selectFrom('consulting_time_entry')
          .selectAll()
          .where('request_key', '=', key)
          .executeTakeFirst();
        if (earlier) {
          if (earlier.minutes !== minutes || earlier.note !== note)
            throw new AppError('IDEMPOTENCY_KEY_REUSED');
          return { entry: earlier, allocation, created: false };
        }
      }
      const now = this.ctx.clock.now();
      const refusal = entryRefusal(allocation, minutes, now);
      if (refusal === 'canceled')
        throw new AppError(
          'ALLOCATION_EXPIRED',
          'This allocation was canceled (refunded): it takes no more time.',
        );
      if (refusal === 'expired')
        throw new AppError('ALLOCATION_EXPIRED', 'This allocation has expired: it takes no more time.');
      if (refusal === 'exceeded') {
        const left = balanceOf(allocation).remaining ?? 0;
        throw new AppError(
          'CONSULTING_HOURS_EXCEEDED',
          `Only ${Math.round((left / 60) * 100) / 100} h remain on this allocation.`,
          {
            details: [{ path: '/hours', message: `must be at most ${Math.round((left / 60) * 100) / 100}` }],
          },
        );
      }
      const entry: TimeEntryRow = {
        id: newId('cte', this.ctx.clock),
        allocation_id: allocation.id,
        work_date: date,
        minutes,
        note,
        recorded_by: staff.actor.userId,
        recorded_by_email: staff.actor.email,
        request_key: key,
        created_at: now,
      };
      await tx.insertInto('consulting_time_entry').values(entry).execute();
      const after = { ...allocation, minutes_used: allocation.minutes_used + minutes, updated_at: now };
      await tx
        .updateTable('consulting_allocation')
        .set({ minutes_used: after.minutes_used, updated_at: now })
        .where('id', '=', allocation.id)
        .execute();
      await this.audit.log.record(
        {
          actor: staff.actor,
          action: 'consulting.time-entry',
          target: { type: 'consulting_allocation', id: allocation.id },
          before: balanceOf(allocation),
          after: { ...balanceOf(after), entryId: entry.id, date, minutes },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(tx),
      );
      return { entry, allocation: after, created: true };
    });
  }

  /**
   * A refund of the line: in full, the allocation is canceled with its unused minutes; in part,
   * the refunded share's whole hours are canceled (never minutes already used). Monotone under
   * the row lock, so concurrent appliers converge.
   */
  async applyRefund(sourceRef: string, effect: RefundEffect): Promise<void> {
    if (!effect.full && effect.units === 0) return;
    await inTransaction(this.db, async (tx) => {
      const a = await tx
        .selectFrom('consulting_allocation')
        .selectAll()
        .where('source_ref', '=', sourceRef)
        .forUpdate()
        .executeTakeFirst();
      if (!a || a.status === 'canceled') return;
      const canceled = canceledAfterRefund(a, effect);
      const now = this.ctx.clock.now();
      if (effect.full || canceled !== a.minutes_canceled)
        await tx
          .updateTable('consulting_allocation')
          .set({
            minutes_canceled: canceled,
            ...(effect.full ? { status: 'canceled' as const, status_reason: 'refund' } : {}),
            updated_at: now,
          })
          .where('id', '=', a.id)
          .execute();
    });
  }
}
