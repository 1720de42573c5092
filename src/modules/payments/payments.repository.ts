import type { Executor } from '../../platform/db/transaction.ts';
import type { PaymentAttemptRow, PaymentRow, PaymentsDb, PaymentsTables } from './payments.tables.ts';

type Db = Executor<PaymentsDb>;

export async function insertPayment(db: Db, row: PaymentRow): Promise<void> {
  await db.insertInto('payment').values(row).execute();
}

export async function findPayment(db: Db, id: string, forUpdate = false): Promise<PaymentRow | undefined> {
  let q = db.selectFrom('payment').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function paymentOfOrder(db: Db, orderId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function updatePayment(
  db: Db,
  id: string,
  patch: Partial<
    Pick<PaymentRow, 'status' | 'failure_code' | 'failure_message' | 'updated_at' | 'succeeded_at'>
  >,
): Promise<void> {
  await db.updateTable('payment').set(patch).where('id', '=', id).execute();
}

export async function insertAttempt(db: Db, row: PaymentAttemptRow): Promise<void> {
  await db.insertInto('payment_attempt').values(row).execute();
}

export async function attemptsOf(db: Db, paymentId: string): Promise<PaymentAttemptRow[]> {
  return db
    .selectFrom('payment_attempt')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('created_at')
    .execute();
}

export async function insertMethod(db: Db, row: PaymentsTables['payment_method']): Promise<void> {
  await db.insertInto('payment_method').values(row).execute();
}

/** Records an event id; false when it was recorded before (a duplicate delivery). */
export async function recordEvent(db: Db, row: PaymentsTables['payment_event']): Promise<boolean> {
  const r = await db
    .insertInto('payment_event')
    .values({ ...row, payload: JSON.stringify(row.payload) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}
