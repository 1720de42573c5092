import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import { generateAccessKey, maskAccessKey } from './domain/access-key.ts';
import { type RefundEffect, remainingAfter } from './domain/plan.ts';
import type { EnrollmentRow, FulfillmentDb } from './fulfillment.tables.ts';

const KEY_PURPOSE = 'training-access-key';

export interface EnrollInput {
  sourceRef: string;
  orderId: string;
  userId: string;
  email: string;
  sku: string;
  name: string;
  format: EnrollmentRow['format'];
  hours: number | null;
  seats: number;
  validFrom: Date;
  /** null: lifetime access. */
  validUntil: Date | null;
}

/**
 * Training enrollments: created once per order line (or bundle component) with a fresh access
 * key (keyed hash to find it, encrypted for its owner's screen), revoked or reduced by refunds.
 */
export class TrainingService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<FulfillmentDb>,
  ) {}

  /** Creates the enrollment of `sourceRef`, or answers the one it already created. Commits on its own. */
  async enroll(input: EnrollInput): Promise<{ enrollment: EnrollmentRow; created: boolean }> {
    const key = generateAccessKey();
    const now = this.ctx.clock.now();
    const row: EnrollmentRow = {
      id: newId('enr', this.ctx.clock),
      source_ref: input.sourceRef,
      order_id: input.orderId,
      user_id: input.userId,
      email: input.email.trim().toLowerCase(),
      sku: input.sku,
      name: input.name,
      format: input.format,
      hours: input.hours,
      seats: input.seats,
      access_key_hash: this.ctx.secrets.keyedHash(KEY_PURPOSE, key),
      access_key_enc: this.ctx.secrets.encrypt(KEY_PURPOSE, key),
      access_key_last4: key.slice(-4),
      status: 'active',
      status_reason: null,
      valid_from: input.validFrom,
      valid_until: input.validUntil,
      created_at: now,
      updated_at: now,
    };
    const inserted = await this.db
      .insertInto('training_enrollment')
      .values(row)
      .onConflict((oc) => oc.column('source_ref').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { enrollment: row, created: true };
    const existing = await this.bySourceRef(input.sourceRef);
    if (!existing) throw new Error(`enrollment ${input.sourceRef} neither inserted nor found`);
    return { enrollment: existing, created: false };
  }

  async bySourceRef(sourceRef: string): Promise<EnrollmentRow | undefined> {
    return this.db
      .selectFrom('training_enrollment')
      .selectAll()
      .where('source_ref', '=', sourceRef)
      .executeTakeFirst();
  }

  async listForUser(userId: string): Promise<EnrollmentRow[]> {
    return this.db
      .selectFrom('training_enrollment')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** The access key in clear, for its owner's screen only (never logged, never mailed). */
  accessKeyOf(e: EnrollmentRow): string {
    return this.ctx.secrets.decrypt(KEY_PURPOSE, e.access_key_enc);
  }

  masked(e: EnrollmentRow): string {
    return maskAccessKey(e.access_key_last4);
  }

  /**
   * A refund of the line: in full, the enrollment is revoked; in part, it keeps the seats the
   * unrefunded share paid for (at least one). Monotone under the row lock: a stale read of the
   * refunds never gives seats back, so concurrent appliers converge.
   */
  async applyRefund(sourceRef: string, delivered: number, effect: RefundEffect): Promise<void> {
    if (!effect.full && effect.units === 0) return;
    await inTransaction(this.db, async (tx) => {
      const e = await tx
        .selectFrom('training_enrollment')
        .selectAll()
        .where('source_ref', '=', sourceRef)
        .forUpdate()
        .executeTakeFirst();
      if (!e || e.status === 'revoked') return;
      const now = this.ctx.clock.now();
      if (effect.full) {
        await tx
          .updateTable('training_enrollment')
          .set({ status: 'revoked', status_reason: 'refund', updated_at: now })
          .where('id', '=', e.id)
          .execute();
        return;
      }
      const seats = Math.min(e.seats, remainingAfter(delivered, effect));
      if (seats !== e.seats)
        await tx
          .updateTable('training_enrollment')
          .set({ seats, updated_at: now })
          .where('id', '=', e.id)
          .execute();
    });
  }
}
