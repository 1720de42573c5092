import type { Kysely } from 'kysely';
import Stripe from 'stripe';
import type { Config } from '../../config.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrdersModule } from '../orders/index.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow, PaymentsDb } from './payments.tables.ts';
import type { PaymentProvider, ProviderPlanChange, ProviderSubscriptionChange } from './provider.ts';

/**
 * Stripe on the official SDK: a Checkout Session per payment attempt.
 *
 * - Mode `payment` for one-time lines, `subscription` when a line's SKU is
 *   recurring (`price_data.recurring` month/year; one-time lines then go on
 *   the first invoice).
 * - Tax: FHIR IQ's own computed tax is sent as explicit line items (one per
 *   taxed order line, recurring like its line), never `automatic_tax`; the
 *   session total is the order's gross total.
 * - One Stripe customer per FHIR IQ user (stripe_customer), created with the
 *   idempotency key `customer:<userId>`.
 * - The session is created outside any transaction, stored on the payment and
 *   reused until it expires; its idempotency key is
 *   `checkout-session:<orderId>:<attempt>`, so concurrent or retried calls of
 *   the same attempt get the same session.
 *
 * Tested offline against a local server speaking Stripe's REST protocol;
 * never run against the live API.
 */

/** Stripe client options from the config (a local base URL for tests or stripe-mock). */
export function stripeClient(config: Config, maxNetworkRetries = 2): Stripe {
  const key = config.stripeSecretKey;
  if (!key) throw new Error('STRIPE_SECRET_KEY is not set');
  const base = config.stripeApiUrl ? new URL(config.stripeApiUrl) : undefined;
  const protocol = base?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(key, {
    maxNetworkRetries,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (protocol === 'http' ? 80 : 443)),
          protocol,
        }
      : {}),
  });
}

export type IntervalOf = (sku: string) => Promise<'month' | 'year' | null>;

/** Sessions expire after 24 h; a stored one is reused while it has more than this left. */
const REUSE_MARGIN_MS = 10 * 60_000;

export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<PaymentsDb>,
    readonly stripe: Stripe,
    private readonly deps: { orders: OrdersModule; intervalOf: IntervalOf },
  ) {}

  async payUrl(payment: PaymentRow): Promise<string> {
    const now = this.ctx.clock.now();
    if (
      payment.checkout_url &&
      payment.checkout_expires_at &&
      new Date(payment.checkout_expires_at).getTime() - now.getTime() > REUSE_MARGIN_MS
    )
      return payment.checkout_url;
    const attempt = payment.checkout_url
      ? Number(payment.checkout_attempt) + 1
      : Math.max(1, Number(payment.checkout_attempt));
    try {
      const session = await this.#createSession(payment, attempt);
      if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
      await repo.storeCheckoutSession(this.db, payment.id, {
        id: session.id,
        url: session.url,
        expiresAt: new Date(session.expires_at * 1000),
        attempt,
        now,
      });
      return session.url;
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.ctx.log.error({ err, paymentId: payment.id, attempt }, 'Stripe Checkout Session not created');
      throw new AppError('SERVICE_UNAVAILABLE', 'The payment page is temporarily unavailable.', {
        cause: err,
      });
    }
  }

  async updateSubscription(
    id: string,
    change: ProviderSubscriptionChange,
    idempotencyKey: string,
  ): Promise<void> {
    try {
      if (change === 'cancel_now') await this.stripe.subscriptions.cancel(id, {}, { idempotencyKey });
      else
        await this.stripe.subscriptions.update(
          id,
          { cancel_at_period_end: change === 'cancel_at_period_end' },
          { idempotencyKey },
        );
    } catch (err) {
      this.ctx.log.error({ err, subscriptionId: id, change }, 'Stripe subscription not updated');
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        'Stripe could not be reached; nothing was changed. Try again shortly.',
        {
          cause: err,
        },
      );
    }
  }

  async changeSubscriptionPlan(
    id: string,
    change: ProviderPlanChange,
    idempotencyKey: string,
  ): Promise<void> {
    try {
      const sub = await this.stripe.subscriptions.retrieve(id, { expand: ['items.data.price.product'] });
      const meta = (item: Stripe.SubscriptionItem) => {
        const p = item.price.product;
        return typeof p === 'object' && !p.deleted ? p.metadata : {};
      };
      const main = sub.items.data.find((i) => meta(i).sku === change.fromSku && !meta(i).tax_for);
      const tax = sub.items.data.find((i) => meta(i).sku === change.fromSku && meta(i).tax_for);
      if (!main)
        throw new AppError(
          'SUBSCRIPTION_PROVIDER_MANAGED',
          `Stripe subscription ${id} has no ${change.fromSku} item.`,
        );
      const currency = change.currency.toLowerCase();
      const recurring = { interval: change.interval };
      const product = await this.stripe.products.create(
        { name: change.name, metadata: { sku: change.toSku } },
        { idempotencyKey: `${idempotencyKey}:product` },
      );
      const items: Stripe.SubscriptionUpdateParams.Item[] = [
        {
          id: main.id,
          quantity: change.quantity,
          price_data: {
            currency,
            product: product.id,
            unit_amount: change.unitAmount,
            recurring,
            tax_behavior: 'exclusive',
          },
        },
      ];
      if (change.taxAmount > 0) {
        const taxProduct = await this.stripe.products.create(
          { name: `${change.taxLabel} on ${change.name}`, metadata: { sku: change.toSku, tax_for: '1' } },
          { idempotencyKey: `${idempotencyKey}:tax-product` },
        );
        const price_data = { currency, product: taxProduct.id, unit_amount: change.taxAmount, recurring };
        items.push(tax ? { id: tax.id, quantity: 1, price_data } : { quantity: 1, price_data });
      } else if (tax) {
        items.push({ id: tax.id, deleted: true });
      }
      await this.stripe.subscriptions.update(
        id,
        // Stripe prorates to the second and invoices the difference now; a failed payment
        // refuses the whole change instead of leaving it half-applied.
        { items, proration_behavior: 'always_invoice', payment_behavior: 'error_if_incomplete' },
        { idempotencyKey },
      );
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof Stripe.errors.StripeCardError)
        throw new AppError('PAYMENT_DECLINED', err.message, { cause: err });
      this.ctx.log.error({ err, subscriptionId: id }, 'Stripe plan change failed');
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        'Stripe could not be reached; nothing was changed. Try again shortly.',
        {
          cause: err,
        },
      );
    }
  }

  async #customer(userId: string, email: string, name: string): Promise<string> {
    const known = await repo.stripeCustomerOf(this.db, userId);
    if (known) return known;
    const created = await this.stripe.customers.create(
      { email, name, metadata: { user_id: userId } },
      { idempotencyKey: `customer:${userId}` },
    );
    return repo.mapStripeCustomer(this.db, userId, created.id, this.ctx.clock.now());
  }

  async #createSession(payment: PaymentRow, attempt: number): Promise<Stripe.Checkout.Session> {
    const order = await this.deps.orders.service.get(payment.order_id);
    if (!order) throw new AppError('NOT_FOUND');
    const { row } = order;
    const currency = row.currency.toLowerCase();
    const customer = await this.#customer(row.user_id, row.billing.email, row.billing.name);
    let recurring = false;
    const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [];
    for (const line of order.lines) {
      const interval = await this.deps.intervalOf(line.sku);
      if (interval) recurring = true;
      const every = interval ? { recurring: { interval } } : {};
      lineItems.push({
        quantity: Number(line.quantity),
        price_data: {
          currency,
          unit_amount: Number(line.unit_amount),
          product_data: { name: line.name, metadata: { sku: line.sku } },
          tax_behavior: 'exclusive',
          ...every,
        },
      });
      if (Number(line.tax_amount) > 0)
        lineItems.push({
          quantity: 1,
          price_data: {
            currency,
            unit_amount: Number(line.tax_amount),
            product_data: {
              name: `Tax ${line.tax_rate_percent ?? Number(line.tax_rate_bp) / 100} % (${line.jurisdiction}) on ${line.name}`,
              metadata: { sku: line.sku, tax_for: String(line.position) },
            },
            ...every,
          },
        });
    }
    const metadata = { order_id: row.id, payment_id: payment.id };
    const back = `${this.ctx.config.publicUrl}${this.deps.orders.confirmationPath(row.id)}`;
    return this.stripe.checkout.sessions.create(
      {
        mode: recurring ? 'subscription' : 'payment',
        customer,
        client_reference_id: row.id,
        metadata,
        line_items: lineItems,
        success_url: back,
        cancel_url: `${back}&canceled=1`,
        ...(recurring ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
      },
      { idempotencyKey: `checkout-session:${row.id}:${attempt}` },
    );
  }
}
