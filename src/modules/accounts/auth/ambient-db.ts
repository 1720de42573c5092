import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';

/**
 * Routes every query made through `kysely` to the transaction the current
 * async call chain opened with `transaction()`, or to the root handle when
 * there is none.
 *
 * Why: better-auth holds one Kysely handle for its whole life and cannot be
 * given a transaction per call. Our services must run better-auth's writes
 * together with their own (and with the mail they enqueue) in one
 * transaction; and on PGlite, whose pool has a single connection, a
 * better-auth query issued on the root handle while our transaction holds
 * that connection would wait forever.
 */
export class AmbientDb<T> {
  readonly #storage = new AsyncLocalStorage<Transaction<T>>();
  readonly kysely: Kysely<T>;

  constructor(readonly root: Kysely<T>) {
    const storage = this.#storage;
    this.kysely = new Proxy(root, {
      get(target, prop) {
        const open = storage.getStore();
        // Inside a transaction, "a connection of your own" / "a transaction of your own" (better-auth's
        // schema check asks for one) can only mean joining the open transaction: on PGlite there is no
        // second connection, and a nested BEGIN would not isolate anything anyway.
        if (open && (prop === 'connection' || prop === 'transaction')) {
          return () => ({ execute: <R>(fn: (db: Transaction<T>) => Promise<R>) => fn(open) });
        }
        const current: Kysely<T> = open ?? target;
        // Kysely keeps its state in private fields: methods and getters must see the real object as `this`.
        const value: unknown = Reflect.get(current, prop, current);
        // Bind methods; what a getter returns (`db.fn` is a function carrying `count`, `max`, …) is used as is.
        return typeof value === 'function' && !isGetter(current, prop) ? value.bind(current) : value;
      },
    });
  }

  /** The transaction open in this call chain, if any. */
  current(): Transaction<T> | undefined {
    return this.#storage.getStore();
  }

  /** Runs `fn` in a transaction, joining the one already open in this call chain. */
  async transaction<R>(fn: (trx: Transaction<T>) => Promise<R>): Promise<R> {
    const open = this.#storage.getStore();
    if (open) return fn(open);
    return this.root.transaction().execute((trx) => this.#storage.run(trx, () => fn(trx)));
  }

  /** Joins a transaction another module opened (it arrives as a DbHandle). */
  async within<R>(trx: Transaction<T>, fn: (trx: Transaction<T>) => Promise<R>): Promise<R> {
    return this.#storage.run(trx, () => fn(trx));
  }
}

function isGetter(object: object, prop: PropertyKey): boolean {
  for (let o: object | null = object; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, prop);
    if (d) return d.get !== undefined;
  }
  return false;
}
