import type { Executor } from '../../platform/db/transaction.ts';
import type { RefundRow, RefundsDb } from './refunds.tables.ts';

/** SQL for the refund table. */

type Db = Executor<RefundsDb>;

export async function insertRefund(db: Db, row: RefundRow): Promise<void> {
  await db
    .insertInto('refund')
    .values({ ...row, allocation: JSON.stringify(row.allocation) } as never)
    .execute();
}

export async function findRefund(db: Db, id: string, forUpdate = false): Promise<RefundRow | undefined> {
  let q = db.selectFrom('refund').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function refundByRequestKey(db: Db, key: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refund').selectAll().where('request_key', '=', key).executeTakeFirst();
}

export async function refundByProviderId(
  db: Db,
  providerRefundId: string,
  forUpdate = false,
): Promise<RefundRow | undefined> {
  let q = db.selectFrom('refund').selectAll().where('provider_refund_id', '=', providerRefundId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function refundsOfOrder(db: Db, orderId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refund')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function refundsOfPayment(db: Db, paymentId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refund')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function updateRefund(
  db: Db,
  id: string,
  patch: Partial<
    Pick<
      RefundRow,
      | 'status'
      | 'net'
      | 'tax'
      | 'allocation'
      | 'failure_message'
      | 'provider_refund_id'
      | 'updated_at'
      | 'succeeded_at'
      | 'failed_at'
    >
  >,
): Promise<void> {
  const { allocation, ...rest } = patch;
  await db
    .updateTable('refund')
    .set({ ...rest, ...(allocation ? { allocation: JSON.stringify(allocation) } : {}) } as never)
    .where('id', '=', id)
    .execute();
}

/** The provider events recorded for a payment, oldest first (the staff order page). */
export async function eventsOfPayment(db: Db, paymentId: string): Promise<RefundsDb['payment_event'][]> {
  return db
    .selectFrom('payment_event')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('received_at')
    .orderBy('id')
    .limit(500)
    .execute();
}
