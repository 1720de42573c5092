import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { OrdersModule } from '../orders/index.ts';
import {
  type CardForm,
  DECLINE_MESSAGES,
  type DeclineCode,
  testCardOutcome,
  validateCardForm,
} from './domain/test-cards.ts';
import * as repo from './payments.repository.ts';
import type { PaymentRow, PaymentsDb } from './payments.tables.ts';
import type {
  CreatePaymentInput,
  PaymentEvent,
  PaymentProvider,
  ProviderPlanChange,
  ProviderSubscriptionChange,
} from './provider.ts';

/** Applies the refund part of a provider event, in the event's transaction (the refunds service). */
export type RefundEventHandler = (payment: PaymentRow, event: PaymentEvent, trx: DbHandle) => Promise<void>;

export type CardResult =
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'succeeded'; orderId: string }
  | { kind: 'declined'; orderId: string; declineCode: string; message: string };

export type Availability = { ok: true; provider: PaymentProvider } | { ok: false; reason: string };

/**
 * Payments: one per order, attempts on it, and the one idempotent event
 * handler. An event is applied at most once (its id is recorded in the same
 * transaction that applies it) and order-independently: a late "failed" never
 * undoes a success; a success marks the order paid once.
 */
export class PaymentService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<PaymentsDb>,
    private readonly orders: OrdersModule,
    private readonly provider: PaymentProvider | undefined,
    private readonly unavailableReason: string,
  ) {}

  availability(): Availability {
    return this.provider
      ? { ok: true, provider: this.provider }
      : { ok: false, reason: this.unavailableReason };
  }

  /** The payment of a new order, in the checkout's transaction. */
  async createPayment(input: CreatePaymentInput, trx: DbHandle): Promise<{ id: string }> {
    const availability = this.availability();
    if (!availability.ok) throw new AppError('CHECKOUT_DISABLED');
    const now = this.ctx.clock.now();
    const id = newId('pay', this.ctx.clock);
    await repo.insertPayment(view<PaymentsDb>(trx), {
      id,
      order_id: input.orderId,
      user_id: input.userId,
      provider: availability.provider.name,
      amount: input.amount,
      currency: input.currency,
      status: 'requires_payment',
      failure_code: null,
      failure_message: null,
      created_at: now,
      updated_at: now,
      succeeded_at: null,
      checkout_session_id: null,
      checkout_url: null,
      checkout_expires_at: null,
      checkout_attempt: 0,
      provider_payment_intent: null,
      provider_subscription_id: null,
      provider_invoice_id: null,
    });
    return { id };
  }

  async get(paymentId: string): Promise<PaymentRow | undefined> {
    return repo.findPayment(this.db, paymentId);
  }

  async ofOrder(orderId: string, trx?: DbHandle): Promise<PaymentRow | undefined> {
    return repo.paymentOfOrder(trx ? view<PaymentsDb>(trx) : this.db, orderId);
  }

  /** Where an unpaid order is paid, or null when it cannot be (paid, or no provider). */
  async payUrlForOrder(orderId: string): Promise<string | null> {
    const p = await this.ofOrder(orderId);
    const availability = this.availability();
    if (!p || p.status === 'succeeded' || !availability.ok) return null;
    return availability.provider.payUrl(p);
  }

  /** The payment a provider object points at: by our order id (metadata) or by a provider id. */
  async findByRef(ref: {
    orderId?: string | undefined;
    paymentIntentId?: string | undefined;
    subscriptionId?: string | undefined;
    sessionId?: string | undefined;
    invoiceId?: string | undefined;
  }): Promise<PaymentRow | undefined> {
    if (ref.orderId) {
      const p = await repo.paymentOfOrder(this.db, ref.orderId);
      if (p) return p;
    }
    return repo.paymentByProviderRef(this.db, ref);
  }

  /**
   * Stripe's `invoice_payment.paid` for an invoice none of our payments knows yet: the link is
   * kept and applied when the invoice's payment is recorded (a renewal's, by the subscriptions job).
   */
  async rememberInvoicePayment(invoiceId: string, paymentIntentId: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const now = this.ctx.clock.now();
      await repo.rememberInvoicePayment(tx, invoiceId, paymentIntentId, now);
      // Recorded meanwhile (its transaction committed between our lookup and this one): link it now.
      const payment = await repo.paymentByProviderRef(tx, { invoiceId });
      if (payment && !payment.provider_payment_intent)
        await repo.updatePayment(tx, payment.id, {
          provider_payment_intent: paymentIntentId,
          updated_at: now,
        });
    });
  }

  /** Applies a provider event once, however often and in whatever order it arrives. */
  async handleEvent(event: PaymentEvent): Promise<'applied' | 'duplicate'> {
    return inTransaction(this.db, (tx) => this.#apply(event, handle(tx)));
  }

  async #apply(event: PaymentEvent, trx: DbHandle): Promise<'applied' | 'duplicate'> {
    const db = view<PaymentsDb>(trx);
    const fresh = await repo.recordEvent(db, {
      id: event.id,
      provider: event.provider,
      type: event.type,
      payment_id: event.paymentId,
      payload: event,
      received_at: this.ctx.clock.now(),
    });
    if (!fresh) return 'duplicate';
    // The lock orders concurrent events of one payment (a failure and a success racing).
    const payment = await repo.findPayment(db, event.paymentId, true);
    if (!payment) throw new AppError('NOT_FOUND', `payment ${event.paymentId} is unknown`);
    const now = this.ctx.clock.now();
    const refs: Parameters<typeof repo.updatePayment>[2] = {};
    if (event.refs?.paymentIntentId && !payment.provider_payment_intent)
      refs.provider_payment_intent = event.refs.paymentIntentId;
    if (event.refs?.subscriptionId && !payment.provider_subscription_id)
      refs.provider_subscription_id = event.refs.subscriptionId;
    if (event.refs?.invoiceId && !payment.provider_invoice_id)
      refs.provider_invoice_id = event.refs.invoiceId;
    // An invoice's payment intent that arrived before this payment knew its invoice.
    const invoiceId = refs.provider_invoice_id ?? payment.provider_invoice_id;
    if (invoiceId && !payment.provider_payment_intent && !refs.provider_payment_intent) {
      const known = await repo.invoicePaymentIntent(db, invoiceId);
      if (known) refs.provider_payment_intent = known;
    }
    if (Object.keys(refs).length) await repo.updatePayment(db, payment.id, refs);
    if (event.subscription)
      await repo.upsertStripeSubscription(db, {
        id: event.subscription.id,
        payment_id: payment.id,
        customer_id: event.subscription.customerId,
        status: event.subscription.status,
        event_created: event.subscription.eventCreated,
        updated_at: now,
      });
    if (event.subscriptionUpdate)
      await this.ctx.events.publish('payments.subscription-updated', event.subscriptionUpdate, {
        trx,
        key: event.id,
      });
    // Refunds (`refund.*`, `charge.refunded`): applied by the refunds service in this transaction,
    // so the event id and its effect commit together.
    if ((event.refunds?.length || event.refundedTotal !== undefined) && this.#refundHandler)
      await this.#refundHandler(payment, event, trx);
    if (event.type === 'payment.noted') return 'applied';
    if (event.type === 'payment.succeeded') {
      if (payment.status !== 'succeeded') {
        await repo.updatePayment(db, payment.id, {
          status: 'succeeded',
          succeeded_at: now,
          updated_at: now,
          failure_code: null,
          failure_message: null,
        });
      }
      await this.orders.service.markPaid(payment.order_id, trx);
    } else if (payment.status !== 'succeeded') {
      const message = event.message ?? 'The payment failed.';
      await repo.updatePayment(db, payment.id, {
        status: 'failed',
        failure_code: event.declineCode ?? 'payment_failed',
        failure_message: message,
        updated_at: now,
      });
      await this.orders.service.markPaymentFailed(payment.order_id, message, trx);
    }
    return 'applied';
  }

  /**
   * The test provider's "charge": validates the form, decides by Stripe's test card rules, and
   * records the attempt and its event in one transaction (nothing is lost between them). Only
   * brand and last four digits are stored.
   */
  async payWithTestCard(paymentId: string, form: CardForm): Promise<CardResult> {
    const checked = validateCardForm(form, this.ctx.clock.now());
    if (checked.errors) return { kind: 'invalid', errors: checked.errors };
    const card = checked.card;
    const outcome = testCardOutcome(card.digits);
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const payment = await repo.findPayment(tx, paymentId, true);
      if (payment?.provider !== 'test') throw new AppError('NOT_FOUND');
      if (
        payment.status === 'succeeded' ||
        !(await this.orders.service.awaitingPayment(payment.order_id, trx))
      )
        throw new AppError('PAYMENT_NOT_PAYABLE');
      const now = this.ctx.clock.now();
      let methodId: string | null = null;
      if (outcome.ok) {
        methodId = newId('pm', this.ctx.clock);
        await repo.insertMethod(tx, {
          id: methodId,
          user_id: payment.user_id,
          provider: 'test',
          card_brand: outcome.brand,
          card_last4: outcome.last4,
          exp_month: card.expMonth,
          exp_year: card.expYear,
          fails_on_renewal: outcome.failsOnRenewal,
          created_at: now,
        });
      }
      const attemptId = newId('pat', this.ctx.clock);
      await repo.insertAttempt(tx, {
        id: attemptId,
        payment_id: paymentId,
        payment_method_id: methodId,
        card_brand: outcome.brand,
        card_last4: outcome.last4,
        outcome: outcome.ok ? 'succeeded' : 'declined',
        decline_code: outcome.ok ? null : outcome.declineCode,
        created_at: now,
      });
      const event: PaymentEvent = outcome.ok
        ? { id: `evt_${attemptId}`, provider: 'test', type: 'payment.succeeded', paymentId, attemptId }
        : {
            id: `evt_${attemptId}`,
            provider: 'test',
            type: 'payment.failed',
            paymentId,
            attemptId,
            declineCode: outcome.declineCode,
            message: DECLINE_MESSAGES[outcome.declineCode as DeclineCode],
          };
      await this.#apply(event, trx);
      this.ctx.log.info(
        { paymentId, attemptId, brand: outcome.brand, last4: outcome.last4, ok: outcome.ok },
        'test payment attempt',
      );
      return outcome.ok
        ? { kind: 'succeeded' as const, orderId: payment.order_id }
        : {
            kind: 'declined' as const,
            orderId: payment.order_id,
            declineCode: outcome.declineCode,
            message: DECLINE_MESSAGES[outcome.declineCode],
          };
    });
  }

  /**
   * A payment the provider collected on its own (a Stripe Billing renewal invoice), for an
   * order created for it: recorded as succeeded and the order marked paid, in the caller's
   * transaction. `reference` (the invoice id) is the event key: recording it twice is a no-op.
   */
  async recordCollected(
    input: CreatePaymentInput & { provider: 'stripe'; reference: string; subscriptionId: string | null },
    trx: DbHandle,
  ): Promise<void> {
    const db = view<PaymentsDb>(trx);
    const now = this.ctx.clock.now();
    const fresh = await repo.recordEvent(db, {
      id: `collected:${input.reference}`,
      provider: input.provider,
      type: 'payment.succeeded',
      payment_id: `pay_for_${input.orderId}`,
      payload: { reference: input.reference, amount: input.amount, currency: input.currency },
      received_at: now,
    });
    if (!fresh) return;
    await repo.insertPayment(db, {
      id: newId('pay', this.ctx.clock),
      order_id: input.orderId,
      user_id: input.userId,
      provider: input.provider,
      amount: input.amount,
      currency: input.currency,
      status: 'succeeded',
      failure_code: null,
      failure_message: null,
      created_at: now,
      updated_at: now,
      succeeded_at: now,
      checkout_session_id: null,
      checkout_url: null,
      checkout_expires_at: null,
      checkout_attempt: 0,
      // `invoice_payment.paid` may have come first.
      provider_payment_intent: (await repo.invoicePaymentIntent(db, input.reference)) ?? null,
      provider_subscription_id: input.subscriptionId,
      provider_invoice_id: input.reference,
    });
    await this.orders.service.markPaid(input.orderId, trx);
  }

  /** Changes the plan of a subscription the provider bills, with its proration, charged now. */
  async changeProviderPlan(
    providerSubscriptionId: string,
    change: ProviderPlanChange,
    idempotencyKey: string,
  ): Promise<void> {
    if (!this.provider?.changeSubscriptionPlan) throw new AppError('SUBSCRIPTION_PROVIDER_MANAGED');
    await this.provider.changeSubscriptionPlan(providerSubscriptionId, change, idempotencyKey);
  }

  /** Cancels or resumes a subscription the provider bills (Stripe Billing); its webhooks confirm it later. */
  async updateProviderSubscription(
    providerSubscriptionId: string,
    change: ProviderSubscriptionChange,
    idempotencyKey: string,
  ): Promise<void> {
    if (!this.provider?.updateSubscription) throw new AppError('SUBSCRIPTION_PROVIDER_MANAGED');
    await this.provider.updateSubscription(providerSubscriptionId, change, idempotencyKey);
  }

  /** The saved card that paid an order (renewals charge it), if one did. */
  async methodThatPaid(orderId: string): Promise<string | undefined> {
    return repo.methodThatPaid(this.db, orderId);
  }

  /** A saved card as the customer may see it: brand, last four digits, expiry. */
  async method(
    methodId: string,
  ): Promise<{ id: string; brand: string; last4: string; expMonth: number; expYear: number } | undefined> {
    const m = await repo.findMethod(this.db, methodId);
    return (
      m && { id: m.id, brand: m.card_brand, last4: m.card_last4, expMonth: m.exp_month, expYear: m.exp_year }
    );
  }

  /**
   * The built-in provider's off-session charge of a saved card (a renewal, a plan change),
   * recorded like a customer's attempt: same event, same handler. Stripe's test-card rules
   * hold: 4000 0000 0000 0341 pays the first time and fails every later charge; an expired
   * card is declined. Nothing to pay (account credit covered it) succeeds without a card.
   * Charging a payment that already succeeded answers its success again (retries are safe).
   */
  async chargeSaved(paymentId: string, methodId: string | null): Promise<CardResult> {
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const payment = await repo.findPayment(tx, paymentId, true);
      if (payment?.provider !== 'test') throw new AppError('NOT_FOUND');
      if (payment.status === 'succeeded') return { kind: 'succeeded' as const, orderId: payment.order_id };
      if (!(await this.orders.service.awaitingPayment(payment.order_id, trx)))
        throw new AppError('PAYMENT_NOT_PAYABLE');
      const now = this.ctx.clock.now();
      const attemptId = newId('pat', this.ctx.clock);
      const method = methodId ? await repo.findMethod(tx, methodId) : undefined;
      if (Number(payment.amount) === 0) {
        await this.#apply(
          { id: `evt_${attemptId}`, provider: 'test', type: 'payment.succeeded', paymentId, attemptId },
          trx,
        );
        return { kind: 'succeeded' as const, orderId: payment.order_id };
      }
      const expired =
        method !== undefined &&
        (method.exp_year < now.getUTCFullYear() ||
          (method.exp_year === now.getUTCFullYear() && method.exp_month < now.getUTCMonth() + 1));
      const declineCode: DeclineCode | null = !method
        ? 'card_declined'
        : method.fails_on_renewal
          ? 'card_declined'
          : expired
            ? 'expired_card'
            : null;
      if (method)
        await repo.insertAttempt(tx, {
          id: attemptId,
          payment_id: paymentId,
          payment_method_id: method.id,
          card_brand: method.card_brand,
          card_last4: method.card_last4,
          outcome: declineCode ? 'declined' : 'succeeded',
          decline_code: declineCode,
          created_at: now,
        });
      const event: PaymentEvent = declineCode
        ? {
            id: `evt_${attemptId}`,
            provider: 'test',
            type: 'payment.failed',
            paymentId,
            attemptId,
            declineCode,
            message: method ? DECLINE_MESSAGES[declineCode] : 'No saved card to charge.',
          }
        : { id: `evt_${attemptId}`, provider: 'test', type: 'payment.succeeded', paymentId, attemptId };
      await this.#apply(event, trx);
      return declineCode
        ? {
            kind: 'declined' as const,
            orderId: payment.order_id,
            declineCode,
            message: event.message ?? DECLINE_MESSAGES[declineCode],
          }
        : { kind: 'succeeded' as const, orderId: payment.order_id };
    });
  }

  #refundHandler: RefundEventHandler | undefined;

  /** Wires the refunds service in (once, when the module is built: it needs this service's events). */
  handleRefundsWith(handler: RefundEventHandler): void {
    this.#refundHandler = handler;
  }
}
