import type { Kysely, Transaction } from 'kysely';

/** Either the root handle or an open transaction: repositories accept both. */
export type Executor<T> = Kysely<T> | Transaction<T>;

/**
 * Runs `fn` in a transaction. Services call this at their public boundary and
 * pass the transaction down; nested calls reuse the open one instead of
 * deadlocking PGlite's single connection.
 */
export async function inTransaction<T, R>(
  db: Executor<T>,
  fn: (trx: Transaction<T>) => Promise<R>,
): Promise<R> {
  if (db.isTransaction) return fn(db as Transaction<T>);
  return (db as Kysely<T>).transaction().execute(fn);
}

declare const handleBrand: unique symbol;

/**
 * A database handle (the root or an open transaction) as it crosses a module
 * boundary. Kysely's table types are invariant, so each module re-types the
 * same connection with its own tables through `view`; `handle` is the way out.
 */
export type DbHandle = { readonly [handleBrand]: true };

export function handle<T>(db: Executor<T>): DbHandle {
  return db as unknown as DbHandle;
}

export function view<T>(h: DbHandle): Executor<T> {
  return h as unknown as Executor<T>;
}
