import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { randomToken } from '../../platform/crypto/secrets.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type Currency, isCurrency } from '../../platform/money.ts';
import type { CatalogEntry, CatalogModule } from '../catalog/index.ts';
import * as repo from './cart.repository.ts';
import type { CartLineRow, CartRow, CheckoutDb } from './checkout.tables.ts';
import { MAX_LINES, mergeItems, type QuantityProblem, quantityProblem } from './domain/cart-rules.ts';

/** Who a cart belongs to: a signed-in user, and/or the guest cookie's raw token. */
export interface CartOwner {
  userId: string | null;
  token: string | null;
}

/** What the HTTP layer must do with the guest cookie after a cart call. */
export type CookieAction = { set: string } | { clear: true } | null;

export interface CartLineView {
  sku: string;
  name: string;
  quantity: number;
  perSeat: boolean;
  /** Per-seat items: the most seats this line may hold (the edition's cap); null: bought once. */
  maxSeats: number | null;
  /** Recurring items: the period the price is for. */
  interval: 'month' | 'year' | null;
  /** Current catalog price in the cart's currency; null when the SKU is not sold in it. */
  unitAmount: number | null;
  amount: number | null;
}

export interface CartView {
  id: string | null;
  version: number;
  currency: Currency;
  status: 'open' | 'empty';
  lines: CartLineView[];
  /** Net total of the lines at today's catalog prices (tax comes with the checkout quote). */
  subtotal: number;
}

export interface CartResult {
  cart: CartView;
  cookie: CookieAction;
}

type Tx = Transaction<CheckoutDb>;

const invalidQuantity = (message: string, path = '/quantity') =>
  new AppError('QUANTITY_NOT_ALLOWED', message, { details: [{ path, message }] });

/** What the catalog says about one SKU in a cart line: its seat cap and billing period. */
interface LineFacts {
  perSeat: boolean;
  maxSeats: number | null;
  interval: 'month' | 'year' | null;
}
const UNKNOWN: LineFacts = { perSeat: false, maxSeats: null, interval: null };

/**
 * Carts. Prices are never stored in a cart: every view, quote and checkout
 * reads them from the catalog. Catalog reads happen before a transaction
 * opens (on PGlite the pool has one connection; a transaction must never
 * wait for another pool query).
 */
export class CartService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<CheckoutDb>,
    private readonly catalog: CatalogModule,
  ) {}

  tokenHash(token: string): string {
    return this.ctx.secrets.keyedHash('cart', token);
  }

  /** Does this cart belong to this caller? */
  owns(owner: CartOwner, cart: CartRow): boolean {
    if (owner.userId && cart.user_id === owner.userId) return true;
    return Boolean(owner.token && cart.token_hash && cart.token_hash === this.tokenHash(owner.token));
  }

  /**
   * The caller's open cart, or undefined. Merging happens here, lazily: the first cart access after
   * signing in moves the guest cart's lines into the customer's cart and clears the guest cookie.
   */
  async resolve(owner: CartOwner): Promise<{ cart: CartRow | undefined; cookie: CookieAction }> {
    const guest = owner.token ? await repo.cartByToken(this.db, this.tokenHash(owner.token)) : undefined;
    if (!owner.userId) {
      return { cart: guest?.status === 'open' ? guest : undefined, cookie: null };
    }
    if (!owner.token) return { cart: await repo.openCartOfUser(this.db, owner.userId), cookie: null };
    if (guest?.status === 'open' && guest.user_id === null) await this.#merge(owner.userId, guest);
    return { cart: await repo.openCartOfUser(this.db, owner.userId), cookie: { clear: true } };
  }

  async #merge(userId: string, guest: CartRow): Promise<void> {
    const guestLines = await repo.linesOf(this.db, guest.id);
    const caps = new Map<string, number | null>();
    for (const l of guestLines) caps.set(l.sku, (await this.#facts(l.sku)).maxSeats);
    await inTransaction(this.db, async (tx) => {
      const now = this.ctx.clock.now();
      const locked = await repo.findCart(tx, guest.id, true);
      if (locked?.status !== 'open' || locked.user_id !== null) return;
      const mine = await repo.openCartOfUser(tx, userId, true);
      if (!mine) {
        // The guest cart simply becomes the customer's.
        await repo.touchCart(tx, guest.id, { user_id: userId, token_hash: null }, now);
        return;
      }
      const merged = mergeItems(await repo.linesOf(tx, mine.id), guestLines, (s) => caps.get(s) ?? null);
      for (const line of merged)
        await repo.upsertLine(tx, {
          cart_id: mine.id,
          sku: line.sku,
          quantity: line.quantity,
          added_at: now,
        });
      await repo.touchCart(tx, mine.id, {}, now);
      await repo.touchCart(tx, guest.id, { status: 'merged', user_id: userId, token_hash: null }, now);
    });
  }

  /** A SKU no longer sold (archived since it was added) is treated as bought once. */
  async #facts(sku: string): Promise<LineFacts> {
    try {
      const e = await this.catalog.service.get(sku);
      return { perSeat: e.perSeat, maxSeats: e.maxSeats, interval: e.interval };
    } catch {
      return UNKNOWN;
    }
  }

  /**
   * The refusal of a quantity, writing nothing. Above an edition's seat cap the message says where
   * more seats are sold: the next edition, or a quote (Enterprise), or a word with sales.
   */
  async #refuse(entry: Pick<CatalogEntry, 'sku'>, problem: QuantityProblem): Promise<AppError> {
    if (problem.code !== 'EDITION_SEAT_LIMIT_EXCEEDED') return invalidQuantity(problem.message);
    const view = await this.catalog.service.view();
    const current = view.bySku.get(entry.sku);
    const next = current && view.beyondSeats(current);
    const where = !next
      ? 'For more seats, contact us.'
      : next.purchase === 'contact_sales'
        ? `For more seats, ask us for a quote for ${next.name}.`
        : `For more seats, choose ${next.name} (${next.sku}, up to ${next.maxSeats} seats).`;
    const message = `${current?.name ?? entry.sku}: ${problem.message} ${where}`;
    return new AppError('EDITION_SEAT_LIMIT_EXCEEDED', message, {
      details: [{ path: '/quantity', message: `at most ${current?.maxSeats ?? 1} per purchase` }],
    });
  }

  /**
   * The lines' quantities against today's seat caps (staff may have lowered an edition's users
   * since a line was added): checkout sells no more seats than an edition carries. A SKU no
   * longer sold is left to the tax quote, which refuses it.
   */
  async assertQuantities(lines: readonly CartLineRow[]): Promise<void> {
    for (const l of lines) {
      const entry = await this.catalog.service.get(l.sku).catch(() => undefined);
      const problem = entry && quantityProblem(l.quantity, entry.maxSeats);
      if (entry && problem) throw await this.#refuse(entry, problem);
    }
  }

  async get(owner: CartOwner): Promise<CartResult> {
    const { cart, cookie } = await this.resolve(owner);
    return { cart: await this.view(cart), cookie };
  }

  /** The cart at today's catalog prices. */
  async view(cart: CartRow | undefined, lines?: CartLineRow[]): Promise<CartView> {
    if (cart?.status !== 'open')
      return { id: null, version: 0, currency: 'USD', status: 'empty', lines: [], subtotal: 0 };
    const currency = cart.currency as Currency;
    const rows = lines ?? (await repo.linesOf(this.db, cart.id));
    const out: CartLineView[] = [];
    for (const l of rows) {
      const price = await this.catalog.service.price(l.sku, currency);
      out.push({
        sku: l.sku,
        name: price?.name ?? l.sku,
        quantity: l.quantity,
        ...(await this.#facts(l.sku)),
        unitAmount: price?.unitAmount ?? null,
        amount: price ? price.unitAmount * l.quantity : null,
      });
    }
    return {
      id: cart.id,
      version: cart.version,
      currency,
      status: out.length ? 'open' : 'empty',
      lines: out,
      subtotal: out.reduce((s, l) => s + (l.amount ?? 0), 0),
    };
  }

  async lines(cartId: string): Promise<CartLineRow[]> {
    return repo.linesOf(this.db, cartId);
  }

  async find(cartId: string): Promise<CartRow | undefined> {
    return repo.findCart(this.db, cartId);
  }

  /** Adds seats (per-seat items) or the item once (others). The price always comes from the catalog. */
  async add(
    owner: CartOwner,
    input: { sku: string; quantity: number; currency?: string | undefined },
  ): Promise<CartResult> {
    const entry = await this.catalog.service.get(input.sku);
    if (entry.purchase !== 'buyable') throw new AppError('SKU_NOT_BUYABLE');
    const problem = quantityProblem(input.quantity, entry.maxSeats);
    if (problem) throw await this.#refuse(entry, problem);
    const { cart, cookie } = await this.resolve(owner);
    const lines = cart ? await repo.linesOf(this.db, cart.id) : [];
    const currency = this.#currency(input.currency ?? cart?.currency ?? 'USD');
    const existing = lines.find((l) => l.sku === entry.sku);
    if (!existing && lines.length >= MAX_LINES)
      throw invalidQuantity(`A cart holds at most ${MAX_LINES} items.`, '/sku');
    // Seats added to a line already in the cart count together against the cap.
    const quantity = entry.maxSeats !== null ? (existing?.quantity ?? 0) + input.quantity : 1;
    const total = quantityProblem(quantity, entry.maxSeats);
    if (total) throw await this.#refuse(entry, total);
    // Adding from a product page in another currency switches the cart, if everything in it is sold there.
    await this.#assertPriced([...lines.map((l) => l.sku), entry.sku], currency);
    return this.#write(owner, cart, cookie, currency, async (tx, id, now) => {
      await repo.upsertLine(tx, {
        cart_id: id,
        sku: entry.sku,
        quantity,
        added_at: existing?.added_at ?? now,
      });
    });
  }

  async setQuantity(owner: CartOwner, sku: string, quantity: number): Promise<CartResult> {
    const { cart, cookie } = await this.resolve(owner);
    const line = cart ? (await repo.linesOf(this.db, cart.id)).find((l) => l.sku === sku) : undefined;
    if (!cart || !line) throw new AppError('NOT_FOUND', 'This item is not in your cart.');
    const problem = quantityProblem(quantity, (await this.#facts(sku)).maxSeats);
    if (problem) throw await this.#refuse({ sku }, problem);
    return this.#write(owner, cart, cookie, cart.currency as Currency, async (tx, id) => {
      await repo.upsertLine(tx, { ...line, cart_id: id, quantity });
    });
  }

  async remove(owner: CartOwner, sku: string): Promise<CartResult> {
    const { cart, cookie } = await this.resolve(owner);
    if (!cart) throw new AppError('NOT_FOUND', 'This item is not in your cart.');
    return this.#write(owner, cart, cookie, cart.currency as Currency, async (tx, id) => {
      if (!(await repo.deleteLine(tx, id, sku)))
        throw new AppError('NOT_FOUND', 'This item is not in your cart.');
    });
  }

  /** Changes the cart's currency; refused (nothing changes) if an item is not sold in it. */
  async setCurrency(owner: CartOwner, raw: string): Promise<CartResult> {
    const currency = this.#currency(raw);
    const { cart, cookie } = await this.resolve(owner);
    const lines = cart ? await repo.linesOf(this.db, cart.id) : [];
    await this.#assertPriced(
      lines.map((l) => l.sku),
      currency,
    );
    return this.#write(owner, cart, cookie, currency, async () => {});
  }

  #currency(raw: string): Currency {
    if (!isCurrency(raw))
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/currency', message: `unknown currency "${raw}"` }],
      });
    return raw;
  }

  async #assertPriced(skus: string[], currency: Currency): Promise<void> {
    const missing: ErrorDetail[] = [];
    for (const sku of skus) {
      if (!(await this.catalog.service.price(sku, currency)))
        missing.push({ path: `/items/${sku}`, message: `${sku} is not sold in ${currency}` });
    }
    if (missing.length) throw new AppError('CURRENCY_NOT_AVAILABLE', undefined, { details: missing });
  }

  /** One change to the caller's open cart (created if needed), version bumped, in one transaction. */
  async #write(
    owner: CartOwner,
    cart: CartRow | undefined,
    cookie: CookieAction,
    currency: Currency,
    change: (tx: Tx, cartId: string, now: Date) => Promise<void>,
  ): Promise<CartResult> {
    let action = cookie;
    const id = await inTransaction(this.db, async (tx) => {
      const now = this.ctx.clock.now();
      let current = cart ? await repo.findCart(tx, cart.id, true) : undefined;
      if (current?.status !== 'open')
        current = owner.userId ? await repo.openCartOfUser(tx, owner.userId, true) : undefined;
      if (!current) {
        const token = owner.userId ? null : randomToken(32);
        current = {
          id: newId('crt', this.ctx.clock),
          token_hash: token ? this.tokenHash(token) : null,
          user_id: owner.userId,
          currency,
          status: 'open',
          version: 1,
          order_id: null,
          created_at: now,
          updated_at: now,
        };
        await repo.insertCart(tx, current);
        if (token) action = { set: token };
      }
      await change(tx, current.id, now);
      await repo.touchCart(tx, current.id, { currency }, now);
      return current.id;
    });
    return { cart: await this.view(await repo.findCart(this.db, id)), cookie: action };
  }
}
