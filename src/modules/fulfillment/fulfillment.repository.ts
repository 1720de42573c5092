import type { Executor } from '../../platform/db/transaction.ts';
import type { FulfillmentDb, FulfillmentRow, FulfillmentStatus, StepRow } from './fulfillment.tables.ts';

/** SQL for the fulfillment, fulfillment_step and fulfillment_applied tables. */

type Db = Executor<FulfillmentDb>;

export async function find(db: Db, orderId: string, lock = false): Promise<FulfillmentRow | undefined> {
  let q = db.selectFrom('fulfillment').selectAll().where('order_id', '=', orderId);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The order's row, created pending if it does not exist yet (idempotent). */
export async function ensure(
  db: Db,
  row: Pick<FulfillmentRow, 'order_id' | 'order_number' | 'user_id'>,
  now: Date,
): Promise<void> {
  await db
    .insertInto('fulfillment')
    .values({
      ...row,
      status: 'pending',
      attempts: 0,
      failed_step: null,
      last_error: null,
      planned_at: null,
      created_at: now,
      updated_at: now,
      fulfilled_at: null,
      attention_at: null,
      mailed_at: null,
    })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

export async function update(db: Db, orderId: string, patch: Partial<FulfillmentRow>): Promise<void> {
  await db.updateTable('fulfillment').set(patch).where('order_id', '=', orderId).execute();
}

export async function countAttempt(db: Db, orderId: string, now: Date): Promise<void> {
  await db
    .updateTable('fulfillment')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('order_id', '=', orderId)
    .execute();
}

export async function insertSteps(db: Db, steps: StepRow[]): Promise<void> {
  if (!steps.length) return;
  await db
    .insertInto('fulfillment_step')
    .values(steps)
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function stepsOf(db: Db, orderId: string): Promise<StepRow[]> {
  return db
    .selectFrom('fulfillment_step')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();
}

/** The steps delivering one line of an order (a subscription's origin line). */
export async function stepsOfLine(db: Db, orderId: string, linePosition: number): Promise<StepRow[]> {
  return db
    .selectFrom('fulfillment_step')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('line_position', '=', linePosition)
    .orderBy('position')
    .execute();
}

export async function markStepDone(db: Db, key: string, targetId: string, now: Date): Promise<void> {
  await db
    .updateTable('fulfillment_step')
    .set({ status: 'done', target_id: targetId, done_at: now })
    .where('key', '=', key)
    .where('status', '=', 'pending')
    .execute();
}

/** Sets `mailed_at` once: true for the one caller that may queue the "ready" mail. */
export async function claimMail(db: Db, orderId: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('fulfillment')
    .set({ mailed_at: now })
    .where('order_id', '=', orderId)
    .where('mailed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function list(
  db: Db,
  filter: { status?: FulfillmentStatus | undefined; limit: number },
): Promise<FulfillmentRow[]> {
  let q = db
    .selectFrom('fulfillment')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('order_id', 'desc')
    .limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.execute();
}

export async function stepCounts(
  db: Db,
  orderIds: readonly string[],
): Promise<Map<string, { done: number; total: number }>> {
  const out = new Map<string, { done: number; total: number }>();
  if (!orderIds.length) return out;
  const rows = await db
    .selectFrom('fulfillment_step')
    .select(['order_id', 'status'])
    .where('order_id', 'in', orderIds)
    .execute();
  for (const r of rows) {
    const c = out.get(r.order_id) ?? { done: 0, total: 0 };
    c.total++;
    if (r.status === 'done') c.done++;
    out.set(r.order_id, c);
  }
  return out;
}

export async function wasApplied(db: Db, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('fulfillment_applied')
    .select('key')
    .where('key', '=', key)
    .executeTakeFirst();
  return row !== undefined;
}

export async function markApplied(db: Db, key: string, now: Date): Promise<void> {
  await db
    .insertInto('fulfillment_applied')
    .values({ key, applied_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function stepByKey(db: Db, key: string): Promise<StepRow | undefined> {
  return db.selectFrom('fulfillment_step').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Marks `key` applied; true for the one caller that marked it (a claim that commits with its effect). */
export async function claimApplied(db: Db, key: string, now: Date): Promise<boolean> {
  const row = await db
    .insertInto('fulfillment_applied')
    .values({ key, applied_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
