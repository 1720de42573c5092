import type { Executor } from '../../platform/db/transaction.ts';
import type {
  ChargeRow,
  SubscriptionEventRow,
  SubscriptionRow,
  SubscriptionsDb,
} from './subscriptions.tables.ts';

/** SQL for the subscriptions module's tables only. Customer reads filter by owner here. */

type Db = Executor<SubscriptionsDb>;

/** Inserts unless this order line already became a subscription; true when inserted. */
export async function insertSubscription(db: Db, row: SubscriptionRow): Promise<boolean> {
  const r = await db
    .insertInto('subscription')
    .values({ ...row, billing: JSON.stringify(row.billing) } as never)
    .onConflict((oc) => oc.columns(['origin_order_id', 'origin_line']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function find(db: Db, id: string, forUpdate = false): Promise<SubscriptionRow | undefined> {
  let q = db.selectFrom('subscription').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findOfUser(db: Db, id: string, userId: string): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function ofUser(db: Db, userId: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function ofOrder(db: Db, orderId: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('origin_order_id', '=', orderId)
    .orderBy('origin_line')
    .execute();
}

export async function ofProvider(db: Db, providerSubscriptionId: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscription')
    .selectAll()
    .where('provider_subscription_id', '=', providerSubscriptionId)
    .execute();
}

export async function search(
  db: Db,
  filter: { status?: string | undefined; limit: number; offset: number },
): Promise<SubscriptionRow[]> {
  let q = db.selectFrom('subscription').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status as SubscriptionRow['status']);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

/** Subscriptions with something due at `now`: a renewal, a retry, the end of a grace period. */
/** Due at `now`: renewals, retries, grace ends, and suspensions older than `suspendedBefore` (given up). */
export async function due(db: Db, now: Date, suspendedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('subscription')
    .select('id')
    .where((eb) =>
      eb.or([
        // Stripe Billing renews Stripe subscriptions (its webhooks move them); the sweep renews the rest.
        eb.and([
          eb('status', '=', 'active'),
          eb('provider', '=', 'test'),
          eb('current_period_end', '<=', now),
        ]),
        eb.and([eb('status', '=', 'past_due'), eb('provider', '=', 'test'), eb('next_retry_at', '<=', now)]),
        eb.and([eb('status', '=', 'past_due'), eb('grace_ends_at', '<=', now)]),
        eb.and([
          eb('status', '=', 'suspended'),
          eb('provider', '=', 'test'),
          eb('suspended_at', '<=', suspendedBefore),
        ]),
      ]),
    )
    .orderBy('current_period_end')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function update(
  db: Db,
  id: string,
  patch: Partial<Omit<SubscriptionRow, 'id' | 'user_id' | 'origin_order_id' | 'origin_line'>>,
): Promise<void> {
  const { billing, ...rest } = patch;
  await db
    .updateTable('subscription')
    .set({ ...rest, ...(billing ? { billing: JSON.stringify(billing) } : {}) } as never)
    .where('id', '=', id)
    .execute();
}

export async function insertCharge(db: Db, row: ChargeRow): Promise<boolean> {
  const r = await db
    .insertInto('subscription_charge')
    .values({ ...row, change: row.change ? JSON.stringify(row.change) : null } as never)
    .onConflict((oc) => oc.doNothing())
    .returning('order_id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function charge(db: Db, orderId: string, forUpdate = false): Promise<ChargeRow | undefined> {
  let q = db.selectFrom('subscription_charge').selectAll().where('order_id', '=', orderId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function renewalCharge(db: Db, subscriptionId: string, periodIndex: number) {
  return db
    .selectFrom('subscription_charge')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('kind', '=', 'renewal')
    .where('period_index', '=', periodIndex)
    .executeTakeFirst();
}

export async function openCharges(db: Db, subscriptionId: string): Promise<ChargeRow[]> {
  return db
    .selectFrom('subscription_charge')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'open')
    .execute();
}

export async function setChargeStatus(db: Db, orderId: string, status: ChargeRow['status'], at: Date) {
  await db
    .updateTable('subscription_charge')
    .set({ status, applied_at: status === 'paid' ? at : null })
    .where('order_id', '=', orderId)
    .execute();
}

export async function insertEvent(db: Db, row: SubscriptionEventRow): Promise<void> {
  await db
    .insertInto('subscription_event')
    .values({ ...row, detail: JSON.stringify(row.detail) } as never)
    .execute();
}

export async function eventsOf(db: Db, subscriptionId: string): Promise<SubscriptionEventRow[]> {
  return db
    .selectFrom('subscription_event')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('seq')
    .execute();
}

export async function countCharges(db: Db, subscriptionId: string, kind: ChargeRow['kind']): Promise<number> {
  const r = await db
    .selectFrom('subscription_charge')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('subscription_id', '=', subscriptionId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
