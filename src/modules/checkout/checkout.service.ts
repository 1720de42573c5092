import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { Currency } from '../../platform/money.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { type OrderRow, type OrdersModule, vatStatusOf } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { TaxModule, TaxQuote } from '../tax/index.ts';
import * as repo from './cart.repository.ts';
import type { CartOwner, CartService } from './cart.service.ts';
import type { CheckoutDb } from './checkout.tables.ts';
import { type BillingInput, type CleanBilling, cleanBilling } from './domain/billing.ts';

export interface CheckoutInput {
  billing: BillingInput;
  /** The cart the customer reviewed, and its version: a changed cart is refused (CART_CHANGED). */
  cartId?: string | undefined;
  cartVersion?: number | undefined;
}

export interface CheckoutResult {
  orderId: string;
  orderNumber: string;
  state: OrderRow['state'];
  currency: string;
  totals: { net: number; tax: number; gross: number };
  /** Where to pay (the provider's hosted page), null once paid. */
  payUrl: string | null;
  /** The confirmation page, reachable by a guest through its token. */
  confirmationUrl: string;
  /** false when this answer repeats an earlier checkout of the same cart. */
  created: boolean;
}

export interface QuoteResult {
  cartId: string;
  cartVersion: number;
  billing: CleanBilling;
  quote: TaxQuote;
}

/**
 * The order is placed but its payment page could not be opened: the provider (Stripe) was
 * unreachable or failing. Nothing was charged; repeating the checkout continues with this order
 * (and the same provider idempotency key), and its confirmation page offers the payment later.
 */
export class PaymentPageUnavailableError extends AppError {
  constructor(
    readonly orderId: string,
    orderNumber: string,
    cause: unknown,
  ) {
    super(
      'PAYMENT_PAGE_UNAVAILABLE',
      `Your order ${orderNumber} is saved, but the payment page is temporarily unavailable. Nothing was charged. Try again in a moment: you will continue with the same order.`,
      { cause, headers: { 'retry-after': '30' } },
    );
  }
}

/**
 * Checkout: a tax quote for the cart, then exactly one order and one payment
 * per cart version. The idempotency key is the business operation
 * (`checkout:<cartId>:<version>`), and the cart row is locked while the order
 * is created, so a double submit or 50 parallel ones all answer the same order.
 */
export class CheckoutService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<CheckoutDb>,
    private readonly carts: CartService,
    private readonly deps: {
      accounts: AccountsModule;
      catalog: CatalogModule;
      tax: TaxModule;
      orders: OrdersModule;
      payments: PaymentsModule;
    },
  ) {}

  available(): { ok: true } | { ok: false; reason: string } {
    const a = this.deps.payments.service.availability();
    return a.ok ? { ok: true } : { ok: false, reason: a.reason };
  }

  #billing(input: BillingInput): CleanBilling {
    const { billing, problems } = cleanBilling(input);
    const details = Object.entries(problems).map(([k, message]) => ({ path: `/billing/${k}`, message }));
    if (details.length) throw new AppError('VALIDATION_FAILED', undefined, { details });
    return billing;
  }

  /** Tax and totals for the caller's cart and billing details, before paying. Writes nothing but the VAT ID check. */
  async quote(owner: CartOwner, input: BillingInput): Promise<QuoteResult> {
    const billing = this.#billing(input);
    const { cart } = await this.carts.resolve(owner);
    const lines = cart ? await this.carts.lines(cart.id) : [];
    if (!cart || lines.length === 0) throw new AppError('CART_EMPTY');
    await this.carts.assertQuantities(lines);
    const quote = await this.deps.tax.quote({
      items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      currency: cart.currency as Currency,
      customer: {
        country: billing.country,
        region: billing.region ?? undefined,
        postalCode: billing.postalCode,
        vatId: billing.business ? (billing.vatId ?? undefined) : undefined,
        business: billing.business,
      },
    });
    return { cartId: cart.id, cartVersion: cart.version, billing, quote };
  }

  async checkout(
    owner: CartOwner,
    input: CheckoutInput,
    meta: { ip: string | null },
  ): Promise<CheckoutResult> {
    if (!this.available().ok) throw new AppError('CHECKOUT_DISABLED');
    // A repeat of a checkout that already happened answers its order.
    const repeated = await this.#repeat(owner, input);
    if (repeated) return repeated;
    let quoted: QuoteResult;
    try {
      quoted = await this.quote(owner, input.billing);
    } catch (err) {
      // A parallel submit of the same cart may have just closed it.
      const again =
        err instanceof AppError && err.code === 'CART_EMPTY' ? await this.#repeat(owner, input) : undefined;
      if (again) return again;
      throw err;
    }
    if (input.cartId && input.cartId !== quoted.cartId) throw new AppError('CART_CHANGED');
    if (input.cartVersion !== undefined && input.cartVersion !== quoted.cartVersion)
      throw new AppError('CART_CHANGED');
    const { billing, quote } = quoted;
    await this.#checkIntervals(quote.lines.map((l) => l.sku));
    const key = `checkout:${quoted.cartId}:${quoted.cartVersion}`;

    const outcome = await inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const cart = await repo.findCart(tx, quoted.cartId, true);
      if (!cart) throw new AppError('CART_CHANGED');
      if (cart.status === 'checked_out' && cart.order_id) {
        if (cart.version !== quoted.cartVersion) throw new AppError('CART_CHANGED');
        return { orderId: cart.order_id, created: false };
      }
      if (cart.status !== 'open' || cart.version !== quoted.cartVersion) throw new AppError('CART_CHANGED');
      const existing = await this.deps.orders.service.byIdempotencyKey(key, trx);
      if (existing) return { orderId: existing.id, created: false };
      const userId =
        owner.userId ??
        (await this.deps.accounts.findOrInviteCustomer(billing.email, billing.name, trx)).userId;
      const order = await this.deps.orders.service.create(
        {
          userId,
          idempotencyKey: key,
          currency: quote.currency,
          billing,
          vatId: quote.vat.vatId ?? (billing.business ? billing.vatId : null),
          vatStatus: vatStatusOf(quote.vat.status),
          taxDate: quote.date,
          taxNotes: quote.notes,
          ip: meta.ip,
          lines: quote.lines,
        },
        trx,
      );
      await this.deps.payments.service.createPayment(
        { orderId: order.row.id, userId, amount: order.row.gross_total, currency: quote.currency },
        trx,
      );
      await repo.closeCart(tx, cart.id, order.row.id, this.ctx.clock.now());
      return { orderId: order.row.id, created: true };
    });
    if (outcome.created)
      this.ctx.log.info({ orderId: outcome.orderId, cartId: quoted.cartId }, 'order created at checkout');
    return this.#result(outcome.orderId, outcome.created);
  }

  /**
   * Stripe bills one subscription per Checkout Session, at one interval: monthly and annual
   * plans in one cart cannot be paid together there. Refused before anything is written, with
   * what to do (the built-in provider renews each line on its own, so it takes any mix).
   */
  async #checkIntervals(skus: string[]): Promise<void> {
    const a = this.deps.payments.service.availability();
    if (!a.ok || a.provider.name !== 'stripe') return;
    const intervals = new Set<string>();
    for (const sku of skus) {
      const found = await this.deps.catalog.service.skuWithPrices(sku).catch(() => undefined);
      if (found?.sku.billing === 'recurring' && found.sku.interval) intervals.add(found.sku.interval);
    }
    if (intervals.size > 1) throw new AppError('CART_MIXED_INTERVALS');
  }

  /** The order of an earlier checkout of the cart (and version) the request names, if there was one. */
  async #repeat(owner: CartOwner, input: CheckoutInput): Promise<CheckoutResult | undefined> {
    if (!input.cartId) return undefined;
    const named = await this.carts.find(input.cartId);
    if (!named || !this.carts.owns(owner, named)) throw new AppError('CART_CHANGED');
    if (
      named.status === 'checked_out' &&
      named.order_id &&
      (input.cartVersion ?? named.version) === named.version
    )
      return this.#result(named.order_id, false);
    return undefined;
  }

  async #payUrl(row: OrderRow): Promise<string | null> {
    try {
      return await this.deps.payments.service.payUrlForOrder(row.id);
    } catch (err) {
      if (isAppError(err) && err.code === 'SERVICE_UNAVAILABLE')
        throw new PaymentPageUnavailableError(row.id, row.number, err);
      throw err;
    }
  }

  /** The confirmation page of an order (where a guest goes when its payment page is unavailable). */
  confirmationUrl(orderId: string): string {
    return this.deps.orders.confirmationPath(orderId);
  }

  async #result(orderId: string, created: boolean): Promise<CheckoutResult> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order) throw new AppError('NOT_FOUND');
    const { row } = order;
    return {
      orderId: row.id,
      orderNumber: row.number,
      state: row.state,
      currency: row.currency,
      totals: { net: Number(row.net_total), tax: Number(row.tax_total), gross: Number(row.gross_total) },
      payUrl: await this.#payUrl(row),
      confirmationUrl: this.deps.orders.confirmationPath(row.id),
      created,
    };
  }
}
