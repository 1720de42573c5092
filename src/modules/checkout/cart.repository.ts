import type { Executor } from '../../platform/db/transaction.ts';
import type { CartLineRow, CartRow, CheckoutDb } from './checkout.tables.ts';

type Db = Executor<CheckoutDb>;

export async function findCart(db: Db, id: string, forUpdate = false): Promise<CartRow | undefined> {
  let q = db.selectFrom('cart').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function cartByToken(db: Db, tokenHash: string): Promise<CartRow | undefined> {
  return db.selectFrom('cart').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function openCartOfUser(
  db: Db,
  userId: string,
  forUpdate = false,
): Promise<CartRow | undefined> {
  let q = db.selectFrom('cart').selectAll().where('user_id', '=', userId).where('status', '=', 'open');
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertCart(db: Db, row: CartRow): Promise<void> {
  await db.insertInto('cart').values(row).execute();
}

export async function linesOf(db: Db, cartId: string): Promise<CartLineRow[]> {
  return db
    .selectFrom('cart_line')
    .selectAll()
    .where('cart_id', '=', cartId)
    .orderBy('added_at')
    .orderBy('sku')
    .execute();
}

export async function upsertLine(db: Db, line: CartLineRow): Promise<void> {
  await db
    .insertInto('cart_line')
    .values(line)
    .onConflict((oc) => oc.columns(['cart_id', 'sku']).doUpdateSet({ quantity: line.quantity }))
    .execute();
}

export async function deleteLine(db: Db, cartId: string, sku: string): Promise<boolean> {
  const r = await db
    .deleteFrom('cart_line')
    .where('cart_id', '=', cartId)
    .where('sku', '=', sku)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function touchCart(
  db: Db,
  id: string,
  patch: Partial<Pick<CartRow, 'currency' | 'status' | 'order_id' | 'user_id' | 'token_hash'>>,
  at: Date,
): Promise<void> {
  await db
    .updateTable('cart')
    .set((eb) => ({ ...patch, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Closes a cart after checkout; the version stays the one the order was made from. */
export async function closeCart(db: Db, id: string, orderId: string, at: Date): Promise<void> {
  await db
    .updateTable('cart')
    .set({ status: 'checked_out', order_id: orderId, updated_at: at })
    .where('id', '=', id)
    .execute();
}
