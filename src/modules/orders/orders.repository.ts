import { type ExpressionBuilder, sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type { OrderLineRow, OrderRow, OrdersDb } from './orders.tables.ts';

/** SQL for the orders module's tables only. Customer reads always filter by owner (or viewer) here. */

type Db = Executor<OrdersDb>;

export async function nextOrderSeq(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`SELECT nextval('order_number_seq')::int AS n`.execute(db);
  return r.rows[0]!.n;
}

export async function insertOrder(db: Db, order: OrderRow, lines: OrderLineRow[]): Promise<void> {
  await db
    .insertInto('sales_order')
    .values({
      ...order,
      billing: JSON.stringify(order.billing),
      tax_notes: JSON.stringify(order.tax_notes),
    } as never)
    .execute();
  if (lines.length)
    await db
      .insertInto('order_line')
      .values(lines.map((l) => ({ ...l, tax_components: JSON.stringify(l.tax_components) })) as never)
      .execute();
}

export async function findOrder(db: Db, id: string, forUpdate = false): Promise<OrderRow | undefined> {
  let q = db.selectFrom('sales_order').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findOrderOfUser(db: Db, id: string, userId: string): Promise<OrderRow | undefined> {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * Who may read which orders in the portal: the buyer reads their own; an organization's owners,
 * admins and billing members (`orgIds`, resolved by accounts) read every order placed for it.
 */
export interface OrderViewer {
  userId: string;
  orgIds: readonly string[];
}

const visibleTo = (viewer: OrderViewer) => (eb: ExpressionBuilder<OrdersDb, 'sales_order'>) =>
  eb.or([
    eb('user_id', '=', viewer.userId),
    ...(viewer.orgIds.length ? [eb('organization_id', 'in', [...viewer.orgIds])] : []),
  ]);

export async function findOrderOfViewer(
  db: Db,
  id: string,
  viewer: OrderViewer,
): Promise<OrderRow | undefined> {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(viewer))
    .executeTakeFirst();
}

export async function ordersOfViewer(db: Db, viewer: OrderViewer, limit: number): Promise<OrderRow[]> {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where(visibleTo(viewer))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findByIdempotencyKey(db: Db, key: string): Promise<OrderRow | undefined> {
  return db.selectFrom('sales_order').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

export async function linesOf(db: Db, orderId: string): Promise<OrderLineRow[]> {
  return db
    .selectFrom('order_line')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();
}

export async function ordersOfUser(db: Db, userId: string, limit: number): Promise<OrderRow[]> {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Staff search: by order number, billing email or name (case-insensitive substring). */
export async function searchOrders(
  db: Db,
  filter: { q?: string | undefined; state?: string | undefined; limit: number; offset: number },
): Promise<OrderRow[]> {
  let q = db.selectFrom('sales_order').selectAll();
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['number']), 'like', like),
        eb(sql<string>`lower(billing->>'email')`, 'like', like),
        eb(sql<string>`lower(billing->>'name')`, 'like', like),
      ]),
    );
  }
  if (filter.state) q = q.where('state', '=', filter.state as OrderRow['state']);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

/** Paid orders and revenue since a time, by currency, and the unpaid orders whose payment failed. */
export async function orderActivity(
  db: Db,
  since: Date,
  limit: number,
): Promise<{
  paid: { currency: string; orders: number; gross: number; refunded: number }[];
  recentPaid: OrderRow[];
  failed: OrderRow[];
  failedCount: number;
}> {
  const [paid, recentPaid, failed, failedCount] = await Promise.all([
    db
      .selectFrom('sales_order')
      .select((eb) => [
        'currency',
        eb.fn.countAll<string>().as('orders'),
        eb.fn.sum<string>('gross_total').as('gross'),
        eb.fn.sum<string>('refunded_total').as('refunded'),
      ])
      .where('paid_at', '>=', since)
      .groupBy('currency')
      .orderBy('currency')
      .execute(),
    db
      .selectFrom('sales_order')
      .selectAll()
      .where('paid_at', '>=', since)
      .orderBy('paid_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('sales_order')
      .selectAll()
      .where('state', '=', 'payment_failed')
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('sales_order')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('state', '=', 'payment_failed')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    paid: paid.map((r) => ({
      currency: r.currency,
      orders: Number(r.orders),
      gross: Number(r.gross ?? 0),
      refunded: Number(r.refunded ?? 0),
    })),
    recentPaid,
    failed,
    failedCount: Number(failedCount.n),
  };
}

export async function updateOrder(
  db: Db,
  id: string,
  patch: Partial<Pick<OrderRow, 'state' | 'paid_at' | 'last_payment_error' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('sales_order').set(patch).where('id', '=', id).execute();
}

/** Claims the confirmation mail: true exactly once per order. */
export async function claimConfirmationMail(db: Db, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('sales_order')
    .set({ confirmation_mailed_at: at })
    .where('id', '=', id)
    .where('confirmation_mailed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a refund's effect on the order (its total refunded and the state it leads to). */
export async function setRefunded(
  db: Db,
  id: string,
  patch: Pick<OrderRow, 'refunded_total' | 'state' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('sales_order').set(patch).where('id', '=', id).execute();
}

/** Claims the refund notice mail: true exactly once per refund. */
export async function claimRefundNotice(
  db: Db,
  refundId: string,
  orderId: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .insertInto('order_refund_notice')
    .values({ refund_id: refundId, order_id: orderId, mailed_at: at })
    .onConflict((oc) => oc.column('refund_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows) === 1;
}
