import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { ProviderSubscriptionUpdate, SubscriptionChange } from '../../platform/jobs/events.ts';
import type { Currency } from '../../platform/money.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import { type CatalogModule, seatCap } from '../catalog/index.ts';
import {
  type NewOrderLine,
  type OrderOrigin,
  type OrdersModule,
  quoteCustomerOf,
  vatStatusOf,
} from '../orders/index.ts';
import type { PaymentsModule, ProviderSubscriptionChange } from '../payments/index.ts';
import type { PricedItem, TaxModule, TaxQuote } from '../tax/index.ts';
import { dunningAfter, entitled, type SubscriptionStatus } from './domain/dunning.ts';
import { period } from './domain/periods.ts';
import { type Proration, prorate } from './domain/proration.ts';
import { sendSubscriptionMail } from './subscriptions.mail.ts';
import * as repo from './subscriptions.repository.ts';
import type { ChargeRow, PlanChange, SubscriptionRow, SubscriptionsDb } from './subscriptions.tables.ts';

export interface SubscriptionDeps {
  audit: AuditModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  catalog: CatalogModule;
  tax: TaxModule;
}

/** A plan a subscription may change to; per-seat plans carry up to `maxSeats` seats. */
export interface PlanOption {
  sku: string;
  name: string;
  unitAmount: number;
  perSeat: boolean;
  maxSeats: number | null;
}

export interface PlanTarget {
  sku: string;
  quantity: number;
}

export interface ChangePreview {
  target: PlanChange;
  proration: Proration;
  /** The prorated difference with its tax: what is charged now (> 0) or credited (< 0 net). */
  quote: TaxQuote | null;
  /** What the card is charged now, after account credit. */
  amountDue: number;
  /** Account credit added (a downgrade), gross. */
  creditAdded: number;
}

export type SweepOutcome = 'renewed' | 'failed' | 'suspended' | 'ended' | 'canceled' | 'skipped';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Subscriptions: every recurring line of a paid order becomes one, billed
 * each period at its own price. With the built-in provider FHIR IQ charges
 * the saved card itself (the sweep); with Stripe, Stripe Billing charges and
 * its webhooks move the subscription. Every move is one transaction that
 * also records the history, publishes `subscriptions.changed` for
 * entitlements and queues the customer's mail — so none is lost or doubled.
 */
export class SubscriptionService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<SubscriptionsDb>,
    private readonly deps: SubscriptionDeps,
  ) {}

  // ---- reads ------------------------------------------------------------------------------------------------

  async get(id: string): Promise<SubscriptionRow | undefined> {
    return repo.find(this.db, id);
  }

  /** A subscription of this customer; another customer's (or an unknown) id is 404. */
  async getForUser(id: string, userId: string): Promise<SubscriptionRow> {
    const sub = await repo.findOfUser(this.db, id, userId);
    if (!sub) throw new AppError('NOT_FOUND');
    return sub;
  }

  async listForUser(userId: string): Promise<SubscriptionRow[]> {
    return repo.ofUser(this.db, userId);
  }

  async ofOrder(orderId: string): Promise<SubscriptionRow[]> {
    return repo.ofOrder(this.db, orderId);
  }

  async search(filter: { status?: string | undefined; limit?: number; offset?: number }) {
    return repo.search(this.db, {
      status: filter.status,
      limit: filter.limit ?? 50,
      offset: filter.offset ?? 0,
    });
  }

  async history(id: string) {
    return repo.eventsOf(this.db, id);
  }

  /** The unpaid renewal of a past-due or suspended subscription: its order, to pay with another card. */
  async openRenewal(sub: SubscriptionRow): Promise<ChargeRow | undefined> {
    const charge = await repo.renewalCharge(this.db, sub.id, sub.period_index + 1);
    return charge?.status === 'open' ? charge : undefined;
  }

  /** The plans this subscription can change to: buyable SKUs of its product and interval, in its currency. */
  async planOptions(sub: SubscriptionRow): Promise<PlanOption[]> {
    const current = await this.deps.catalog.service.skuWithPrices(sub.sku).catch(() => undefined);
    if (!current) return [];
    const entries = await this.deps.catalog.service.list({ currency: sub.currency as Currency });
    return entries
      .filter(
        (e) =>
          e.product.key === current.sku.productKey &&
          e.billing === 'recurring' &&
          e.interval === sub.interval,
      )
      .map((e) => ({
        sku: e.sku,
        name: e.name,
        unitAmount: e.prices[sub.currency as Currency] ?? 0,
        perSeat: e.perSeat,
        maxSeats: e.maxSeats,
      }));
  }

  // ---- creation and payments --------------------------------------------------------------------------------

  /**
   * "Order paid": a checkout's recurring lines become subscriptions (once per line, whatever
   * the number of deliveries); a renewal or plan-change order is applied to its subscription.
   */
  async onOrderPaid(orderId: string): Promise<void> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order?.row.paid_at) return;
    if (order.row.origin !== 'checkout') {
      await this.applyCharge(orderId);
      return;
    }
    const recurring: {
      line: (typeof order.lines)[number];
      interval: 'month' | 'year';
      priceId: string | null;
    }[] = [];
    for (const line of order.lines) {
      const found = await this.deps.catalog.service.skuWithPrices(line.sku).catch(() => undefined);
      if (found?.sku.billing !== 'recurring' || !found.sku.interval) continue;
      const prices = found.prices.filter(
        (p) => p.currency === order.row.currency && p.amount === Number(line.unit_amount),
      );
      const price = prices.find((p) => p.status === 'active') ?? prices[0];
      recurring.push({ line, interval: found.sku.interval, priceId: price?.id ?? null });
    }
    if (!recurring.length) return;
    const payment = await this.deps.payments.service.ofOrder(orderId);
    const methodId = (await this.deps.payments.service.methodThatPaid(orderId)) ?? null;
    const anchor = order.row.paid_at;
    await inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      for (const { line, interval, priceId } of recurring) {
        const first = period(anchor, interval, 0);
        const row: SubscriptionRow = {
          id: newId('sub', this.ctx.clock),
          user_id: order.row.user_id,
          origin_order_id: orderId,
          origin_line: line.position,
          sku: line.sku,
          name: line.name,
          price_id: priceId,
          unit_amount: Number(line.unit_amount),
          quantity: line.quantity,
          currency: order.row.currency,
          interval,
          status: 'active',
          provider: payment?.provider ?? 'test',
          provider_subscription_id: payment?.provider_subscription_id ?? null,
          provider_event_at: 0,
          payment_method_id: methodId,
          billing: order.row.billing,
          anchor_at: anchor,
          period_index: 0,
          current_period_start: first.start,
          current_period_end: first.end,
          cancel_at_period_end: false,
          canceled_at: null,
          ended_at: null,
          past_due_since: null,
          failures: 0,
          next_retry_at: null,
          grace_ends_at: null,
          suspended_at: null,
          credit_balance: 0,
          created_at: this.ctx.clock.now(),
          updated_at: this.ctx.clock.now(),
        };
        if (await repo.insertSubscription(tx, row))
          await this.#record(trx, row, 'created', { orderId, periodEnd: first.end.toISOString() });
      }
    });
  }

  /**
   * A renewal or plan-change order was paid: move the subscription, once. A renewal paid
   * while past due renews it; paid while suspended reinstates it. A card the customer
   * entered to pay it becomes the subscription's card.
   */
  async applyCharge(orderId: string): Promise<boolean> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order?.row.paid_at) return false;
    const methodId = await this.deps.payments.service.methodThatPaid(orderId);
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const charge = await repo.charge(tx, orderId, true);
      if (charge?.status !== 'open') return false;
      const sub = await repo.find(tx, charge.subscription_id, true);
      if (!sub) return false;
      const now = this.ctx.clock.now();
      if (charge.kind === 'renewal') {
        if (charge.period_index !== sub.period_index + 1 || sub.status === 'canceled') {
          // A stale renewal (the subscription moved on or ended): keep the money visible for a refund.
          await repo.setChargeStatus(tx, orderId, 'paid', now);
          this.ctx.log.warn(
            { orderId, subscriptionId: sub.id },
            'a renewal was paid for a period already settled',
          );
          return false;
        }
        const next = period(sub.anchor_at, sub.interval, charge.period_index);
        const patch = {
          status: 'active' as const,
          period_index: charge.period_index,
          current_period_start: next.start,
          current_period_end: next.end,
          past_due_since: null,
          failures: 0,
          next_retry_at: null,
          grace_ends_at: null,
          suspended_at: null,
          payment_method_id: methodId ?? sub.payment_method_id,
          updated_at: now,
        };
        await repo.update(tx, sub.id, patch);
        await repo.setChargeStatus(tx, orderId, 'paid', now);
        const moved = { ...sub, ...patch };
        const change: SubscriptionChange = sub.status === 'suspended' ? 'reinstated' : 'renewed';
        await this.#record(trx, moved, change, {
          orderId,
          periodEnd: next.end.toISOString(),
          ...(sub.status !== 'active' ? { recoveredFrom: sub.status } : {}),
        });
        if (sub.status === 'suspended') await sendSubscriptionMail(this.ctx, trx, moved, 'reinstated');
        return true;
      }
      const target = charge.change;
      if (!target || sub.status !== 'active') {
        await repo.setChargeStatus(tx, orderId, 'paid', now);
        return false;
      }
      const patch = {
        sku: target.sku,
        name: target.name,
        price_id: target.priceId,
        unit_amount: target.unitAmount,
        quantity: target.quantity,
        payment_method_id: methodId ?? sub.payment_method_id,
        updated_at: now,
      };
      await repo.update(tx, sub.id, patch);
      await repo.setChargeStatus(tx, orderId, 'paid', now);
      await this.#record(trx, { ...sub, ...patch }, 'plan_changed', {
        orderId,
        from: { sku: sub.sku, quantity: sub.quantity },
        to: { sku: target.sku, quantity: target.quantity },
        prorationNet: target.prorationNet,
      });
      return true;
    });
  }

  // ---- provider-billed subscriptions (Stripe Billing) ----------------------------------------------------------

  /**
   * Stripe renews, retries and cancels Stripe subscriptions; its webhooks (deduplicated and
   * published by payments) move ours the same way the sweep moves built-in ones. A paid
   * renewal invoice advances the period (reinstating a suspended subscription); a failed one
   * starts the same grace period, and the sweep suspends when it ends; `deleted` ends it.
   * Status updates older than the last one applied are ignored (events arrive out of order);
   * invoices are applied by the period they cover, so their order does not matter.
   */
  async applyProviderUpdate(u: ProviderSubscriptionUpdate): Promise<number> {
    // A paid renewal invoice becomes a paid renewal order: what Stripe bills each period is
    // the first order's lines again (item and tax line as recurring prices), so those are
    // its lines. Read before the transaction (one connection on PGlite).
    const renewal =
      u.kind === 'invoice_paid' && u.invoiceId ? await this.#invoiceLines(u.subscriptionId) : null;
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      let moved = 0;
      let invoiceOrder: string | null = null;
      for (const found of await repo.ofProvider(tx, u.subscriptionId)) {
        const sub = await repo.find(tx, found.id, true);
        if (!sub || sub.status === 'canceled') continue;
        const now = this.ctx.clock.now();
        if (u.kind === 'invoice_paid' && u.billingReason === 'subscription_update') {
          // The prorated charge of a plan change made here: its order is now paid.
          const open = (await repo.openCharges(tx, sub.id)).find((c) => c.kind === 'plan_change');
          if (!open || !u.invoiceId) continue;
          await repo.setChargeStatus(tx, open.order_id, 'paid', now);
          const order = await this.deps.orders.service.byId(open.order_id, trx);
          await this.deps.payments.service.recordCollected(
            {
              orderId: open.order_id,
              userId: sub.user_id,
              amount: u.amountPaid ?? Number(order?.gross_total ?? 0),
              currency: sub.currency,
              provider: 'stripe',
              reference: u.invoiceId,
              subscriptionId: u.subscriptionId,
            },
            trx,
          );
          moved++;
        } else if (u.kind === 'invoice_paid') {
          const end = u.periodEnd ? new Date(u.periodEnd * 1000) : null;
          if (!end || end <= sub.current_period_end) continue;
          const patch = {
            status: 'active' as const,
            period_index: sub.period_index + 1,
            current_period_start: sub.current_period_end,
            current_period_end: end,
            past_due_since: null,
            failures: 0,
            next_retry_at: null,
            grace_ends_at: null,
            suspended_at: null,
            updated_at: now,
          };
          await repo.update(tx, sub.id, patch);
          const after = { ...sub, ...patch };
          if (renewal && !invoiceOrder)
            invoiceOrder = await this.#invoiceOrder(trx, sub, u, renewal, patch.period_index);
          await this.#record(trx, after, sub.status === 'suspended' ? 'reinstated' : 'renewed', {
            invoiceId: u.invoiceId,
            periodEnd: end.toISOString(),
            ...(invoiceOrder ? { orderId: invoiceOrder } : {}),
          });
          if (sub.status === 'suspended') await sendSubscriptionMail(this.ctx, trx, after, 'reinstated');
          moved++;
        } else if (u.kind === 'invoice_failed' && u.billingReason === 'subscription_update') {
        } else if (u.kind === 'invoice_failed') {
          // A failure of an invoice whose period is already paid (a late, reordered event) is history.
          const covers = u.periodEnd ? new Date(u.periodEnd * 1000) : null;
          if (sub.status === 'suspended' || (covers && covers <= sub.current_period_end)) continue;
          const failures = sub.failures + 1;
          const since = sub.past_due_since ?? now;
          const patch = {
            status: 'past_due' as const,
            past_due_since: since,
            failures,
            // Stripe's retry schedule (shown to the customer); the sweep charges nothing here.
            next_retry_at: u.nextAttemptAt ? new Date(u.nextAttemptAt * 1000) : null,
            grace_ends_at: dunningAfter(since, failures).graceEndsAt,
            updated_at: now,
          };
          await repo.update(tx, sub.id, patch);
          const after = { ...sub, ...patch };
          const detail = { invoiceId: u.invoiceId, failures };
          if (sub.status === 'active') await this.#record(trx, after, 'past_due', detail);
          else await repo.insertEvent(tx, this.#event(sub.id, 'payment_retry_failed', detail));
          await sendSubscriptionMail(this.ctx, trx, after, 'paymentFailed', {
            reason: u.message ?? 'the payment failed',
            nextRetryAt: patch.next_retry_at,
            graceEndsAt: patch.grace_ends_at,
          });
          moved++;
        } else {
          if (u.eventCreated < sub.provider_event_at) continue;
          await repo.update(tx, sub.id, { provider_event_at: u.eventCreated });
          if (u.status === 'canceled') {
            const patch = {
              status: 'canceled' as const,
              canceled_at: sub.canceled_at ?? now,
              ended_at: now,
              cancel_at_period_end: false,
              next_retry_at: null,
              grace_ends_at: null,
              updated_at: now,
            };
            await repo.update(tx, sub.id, patch);
            await this.#record(trx, { ...sub, ...patch }, 'ended', { provider: u.provider });
            moved++;
          } else if (u.cancelAtPeriodEnd !== undefined && u.cancelAtPeriodEnd !== sub.cancel_at_period_end) {
            const patch = {
              cancel_at_period_end: u.cancelAtPeriodEnd,
              canceled_at: u.cancelAtPeriodEnd ? now : null,
              updated_at: now,
            };
            await repo.update(tx, sub.id, patch);
            await this.#record(
              trx,
              { ...sub, ...patch },
              u.cancelAtPeriodEnd ? 'cancel_scheduled' : 'resumed',
              {
                provider: u.provider,
              },
            );
            moved++;
          }
        }
      }
      return moved;
    });
  }

  /** The lines a provider's renewal invoice bills: every subscription under it, as first ordered. */
  async #invoiceLines(providerSubscriptionId: string): Promise<NewOrderLine[]> {
    const lines: NewOrderLine[] = [];
    for (const sub of await repo.ofProvider(this.db, providerSubscriptionId)) {
      const origin = await this.deps.orders.service.get(sub.origin_order_id);
      const line = origin?.lines.find((l) => l.position === sub.origin_line);
      if (!line) continue;
      lines.push({
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        unitAmount: Number(line.unit_amount),
        net: Number(line.net),
        taxRate: line.tax_rate_bp,
        ...(line.tax_rate_percent ? { taxRatePercent: line.tax_rate_percent } : {}),
        components: line.tax_components ?? [],
        taxAmount: Number(line.tax_amount),
        jurisdiction: line.jurisdiction,
        reason: line.tax_reason,
        taxCode: line.tax_code,
      });
    }
    return lines;
  }

  /** The paid renewal order of a provider invoice (once per invoice), in the caller's transaction. */
  async #invoiceOrder(
    trx: DbHandle,
    sub: SubscriptionRow,
    u: ProviderSubscriptionUpdate,
    lines: NewOrderLine[],
    periodIndex: number,
  ): Promise<string | null> {
    const key = `stripe-invoice:${u.invoiceId}`;
    const existing = await this.deps.orders.service.byIdempotencyKey(key, trx);
    if (existing || !lines.length) return existing?.id ?? null;
    const origin = await this.deps.orders.service.byId(sub.origin_order_id, trx);
    const order = await this.deps.orders.service.create(
      {
        userId: sub.user_id,
        idempotencyKey: key,
        currency: sub.currency,
        billing: sub.billing,
        vatId: origin?.vat_id ?? null,
        vatStatus: origin?.vat_status ?? 'not_provided',
        taxDate: this.ctx.clock.now().toISOString().slice(0, 10),
        taxNotes: origin?.tax_notes ?? [],
        ip: null,
        lines,
        origin: 'renewal',
        subscriptionId: sub.id,
        // A subscription bought for an organization bills it every period.
        organizationId: origin?.organization_id ?? null,
      },
      trx,
    );
    const amount = u.amountPaid ?? order.row.gross_total;
    if (amount !== order.row.gross_total)
      this.ctx.log.warn(
        { orderId: order.row.id, invoiceId: u.invoiceId, amount, gross: order.row.gross_total },
        'a provider invoice does not match the subscription lines',
      );
    await repo.insertCharge(view<SubscriptionsDb>(trx), {
      order_id: order.row.id,
      subscription_id: sub.id,
      kind: 'renewal',
      period_index: periodIndex,
      change: null,
      status: 'paid',
      created_at: this.ctx.clock.now(),
      applied_at: this.ctx.clock.now(),
    });
    await this.deps.payments.service.recordCollected(
      {
        orderId: order.row.id,
        userId: sub.user_id,
        amount,
        currency: sub.currency,
        provider: 'stripe',
        reference: u.invoiceId ?? key,
        subscriptionId: u.subscriptionId,
      },
      trx,
    );
    return order.row.id;
  }

  // ---- the sweep: renewals, retries, grace, period ends -----------------------------------------------------

  /** Everything due at the clock's now, one subscription at a time (each in its own transactions). */
  async sweep(limit = 500): Promise<Record<SweepOutcome, number>> {
    const counts: Record<SweepOutcome, number> = {
      renewed: 0,
      failed: 0,
      suspended: 0,
      ended: 0,
      canceled: 0,
      skipped: 0,
    };
    const now = this.ctx.clock.now();
    const ids = await repo.due(this.db, now, this.#unpaidSince(now), limit);
    for (const id of ids) {
      try {
        counts[await this.processDue(id)]++;
      } catch (err) {
        // One subscription's problem (a missing tax rate…) must not stop the others' renewals.
        counts.skipped++;
        this.ctx.log.error({ err, subscriptionId: id }, 'subscription renewal failed');
      }
    }
    return counts;
  }

  async processDue(id: string): Promise<SweepOutcome> {
    const now = this.ctx.clock.now();
    const sub = await repo.find(this.db, id);
    if (!sub) return 'skipped';
    if (sub.status === 'active' && sub.current_period_end <= now) {
      if (sub.cancel_at_period_end) return (await this.#end(sub.id, 'ended')) ? 'ended' : 'skipped';
      // Stripe Billing renews Stripe subscriptions; its webhooks move them.
      if (sub.provider !== 'test') return 'skipped';
      const renewal = await this.#renewalOrder(sub);
      return renewal ? this.#charge(sub, renewal) : 'skipped';
    }
    if (sub.status === 'suspended' && sub.provider === 'test' && this.#unpaidTooLong(sub, now))
      return (await this.#end(sub.id, 'canceled', undefined, undefined, 'unpaid')) ? 'canceled' : 'skipped';
    if (sub.status === 'past_due') {
      if (sub.grace_ends_at && sub.grace_ends_at <= now)
        return (await this.#suspend(sub.id)) ? 'suspended' : 'skipped';
      if (sub.provider === 'test' && sub.next_retry_at && sub.next_retry_at <= now) {
        const charge = await this.openRenewal(sub);
        return charge ? this.#charge(sub, charge.order_id) : 'skipped';
      }
    }
    return 'skipped';
  }

  /** The renewal order of the next period (created once, reused by every retry). */
  async #renewalOrder(sub: SubscriptionRow): Promise<string | undefined> {
    const n = sub.period_index + 1;
    const existing = await repo.renewalCharge(this.db, sub.id, n);
    if (existing) return existing.status === 'open' ? existing.order_id : undefined;
    const starts = period(sub.anchor_at, sub.interval, n);
    const quote = await this.#quote(
      sub,
      [await this.#item(sub, sub.name, sub.unit_amount, sub.quantity)],
      starts.start,
    );
    return this.#createChargeOrder(sub, quote, {
      kind: 'renewal',
      origin: 'renewal',
      periodIndex: n,
      key: `renewal:${sub.id}:${n}`,
      change: null,
    });
  }

  /** Charges the saved card for an open charge order; a decline starts (or continues) dunning. */
  async #charge(sub: SubscriptionRow, orderId: string): Promise<SweepOutcome> {
    const payment = await this.deps.payments.service.ofOrder(orderId);
    if (!payment) return 'skipped';
    const result = await this.deps.payments.service.chargeSaved(payment.id, sub.payment_method_id);
    if (result.kind === 'succeeded') {
      await this.applyCharge(orderId);
      return 'renewed';
    }
    const message = result.kind === 'declined' ? result.message : 'The card could not be charged.';
    await this.#recordFailure(sub.id, orderId, message, Number(payment.amount));
    return 'failed';
  }

  async #recordFailure(id: string, orderId: string, reason: string, amount: number): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const sub = await repo.find(tx, id, true);
      const charge = await repo.charge(tx, orderId);
      if (!sub || charge?.status !== 'open' || (sub.status !== 'active' && sub.status !== 'past_due')) return;
      const now = this.ctx.clock.now();
      const failures = sub.failures + 1;
      const since = sub.past_due_since ?? now;
      const plan = dunningAfter(since, failures);
      const patch = {
        status: 'past_due' as const,
        past_due_since: since,
        failures,
        next_retry_at: plan.nextRetryAt,
        grace_ends_at: plan.graceEndsAt,
        updated_at: now,
      };
      await repo.update(tx, sub.id, patch);
      const moved = { ...sub, ...patch };
      const detail = { orderId, failures, reason, nextRetryAt: plan.nextRetryAt?.toISOString() ?? null };
      if (sub.status === 'active') await this.#record(trx, moved, 'past_due', detail);
      else await repo.insertEvent(tx, this.#event(sub.id, 'payment_retry_failed', detail));
      await sendSubscriptionMail(this.ctx, trx, moved, 'paymentFailed', {
        amount,
        reason,
        nextRetryAt: plan.nextRetryAt,
        graceEndsAt: plan.graceEndsAt,
      });
    });
  }

  /** Suspended since before this, a subscription's renewal is given up (SUBSCRIPTION_UNPAID_CANCEL_DAYS). */
  #unpaidSince(now: Date): Date {
    return new Date(now.getTime() - this.ctx.config.subscriptionUnpaidCancelDays * DAY_MS);
  }

  #unpaidTooLong(sub: SubscriptionRow, now: Date): boolean {
    return (
      sub.status === 'suspended' && sub.suspended_at !== null && sub.suspended_at <= this.#unpaidSince(now)
    );
  }

  async #suspend(id: string): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const sub = await repo.find(tx, id, true);
      const now = this.ctx.clock.now();
      if (sub?.status !== 'past_due' || !sub.grace_ends_at || sub.grace_ends_at > now) return false;
      const patch = { status: 'suspended' as const, suspended_at: now, next_retry_at: null, updated_at: now };
      await repo.update(tx, sub.id, patch);
      const moved = { ...sub, ...patch };
      await this.#record(trx, moved, 'suspended', { graceEndedAt: sub.grace_ends_at.toISOString() });
      await sendSubscriptionMail(this.ctx, trx, moved, 'suspended');
      return true;
    });
  }

  /**
   * Staff cancel a subscription now on the customer's behalf (a chargeback, a contract ended
   * elsewhere); the audit entry commits with the change. Refunds are a separate staff action.
   */
  async staffCancel(staff: StaffContext, id: string, reason: string): Promise<SubscriptionRow> {
    const sub = await repo.find(this.db, id);
    if (!sub) throw new AppError('NOT_FOUND');
    if (sub.status === 'canceled') throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'It has already ended.');
    if (sub.provider !== 'test') await this.#atProvider(sub, 'cancel_now');
    await this.#end(sub.id, 'canceled', staff.actor.userId, (trx, after) =>
      this.deps.audit.log.record(
        {
          actor: staff.actor,
          action: 'subscription.cancel',
          target: { type: 'subscription', id: sub.id },
          before: { status: sub.status, cancelAtPeriodEnd: sub.cancel_at_period_end },
          after: { status: after.status, endedAt: after.ended_at, reason },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        trx,
      ),
    );
    return (await repo.find(this.db, id)) ?? sub;
  }

  /**
   * Ends a subscription now (`canceled`) or at its period end (`ended`); open charges are voided.
   * `unpaid`: the sweep gives up a renewal left unpaid too long after suspension (checked again
   * under the lock: a payment that just landed wins).
   */
  async #end(
    id: string,
    change: 'ended' | 'canceled',
    by?: string,
    within?: (trx: DbHandle, after: SubscriptionRow) => Promise<void>,
    reason?: 'unpaid',
  ): Promise<SubscriptionRow | undefined> {
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const sub = await repo.find(tx, id, true);
      if (!sub || sub.status === 'canceled') return undefined;
      const now = this.ctx.clock.now();
      if (change === 'ended' && !(sub.cancel_at_period_end && sub.current_period_end <= now))
        return undefined;
      if (reason === 'unpaid' && !this.#unpaidTooLong(sub, now)) return undefined;
      const patch = {
        status: 'canceled' as const,
        canceled_at: sub.canceled_at ?? now,
        ended_at: change === 'ended' ? sub.current_period_end : now,
        cancel_at_period_end: false,
        next_retry_at: null,
        grace_ends_at: null,
        updated_at: now,
      };
      await repo.update(tx, sub.id, patch);
      await this.#voidOpenCharges(trx, sub);
      const moved = { ...sub, ...patch };
      await this.#record(trx, moved, change, {
        ...(by ? { by } : {}),
        ...(reason ? { reason, suspendedAt: sub.suspended_at?.toISOString() ?? null } : {}),
      });
      if (change === 'canceled')
        await sendSubscriptionMail(
          this.ctx,
          trx,
          moved,
          reason === 'unpaid' ? 'canceledUnpaid' : 'canceled',
          {
            unpaidDays: this.ctx.config.subscriptionUnpaidCancelDays,
          },
        );
      await within?.(trx, moved);
      return moved;
    });
  }

  /** An ended subscription's unpaid orders are canceled: nobody can pay for a period that will not come. */
  async #voidOpenCharges(trx: DbHandle, sub: SubscriptionRow): Promise<void> {
    const db = view<SubscriptionsDb>(trx);
    for (const charge of await repo.openCharges(db, sub.id)) {
      await repo.setChargeStatus(db, charge.order_id, 'void', this.ctx.clock.now());
      await this.deps.orders.service.cancelUnpaid(charge.order_id, trx);
    }
  }

  async #creditOf(trx: DbHandle, orderId: string): Promise<number> {
    const order = await this.deps.orders.service.byId(orderId, trx);
    return order ? Number(order.credit_applied) : 0;
  }

  // ---- customer actions -------------------------------------------------------------------------------------

  /** What a plan change would cost or credit now, without changing anything. */
  async previewChange(userId: string, id: string, target: PlanTarget): Promise<ChangePreview> {
    const sub = await this.#changeable(userId, id);
    return this.#preview(sub, await this.#target(sub, target));
  }

  /**
   * Upgrade or downgrade (edition or quantity) now, keeping the anchor: the unused time of
   * the current plan is credited and the unused time of the new one charged. A positive
   * difference is charged to the saved card first and the change applies once it is paid
   * (a decline changes nothing: 402 PAYMENT_DECLINED); a negative one becomes account
   * credit, taken off the next charges. Repeating the same request answers the same change.
   */
  async changePlan(
    userId: string,
    id: string,
    target: PlanTarget,
  ): Promise<{ subscription: SubscriptionRow; preview: ChangePreview; orderId: string | null }> {
    const sub = await this.#changeable(userId, id);
    const plan = await this.#target(sub, target);
    const preview = await this.#preview(sub, plan);
    if (sub.provider !== 'test') return this.#changeAtProvider(userId, sub, preview);
    if (preview.proration.net > 0 && preview.quote) {
      const orderId = await this.#createChargeOrder(sub, preview.quote, {
        kind: 'plan_change',
        origin: 'plan_change',
        periodIndex: sub.period_index,
        // The business operation: the subscription's next plan change, to this plan. A double
        // submit answers the same order; after a decline (its order voided) the next try is new.
        key: `plan-change:${sub.id}:${await repo.countCharges(this.db, sub.id, 'plan_change')}:${plan.sku}:${plan.quantity}`,
        change: plan,
      });
      if (!orderId) throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'The subscription changed meanwhile.');
      const payment = await this.deps.payments.service.ofOrder(orderId);
      const result = payment
        ? await this.deps.payments.service.chargeSaved(payment.id, sub.payment_method_id)
        : undefined;
      if (result?.kind !== 'succeeded') {
        await inTransaction(this.db, async (tx) => {
          const locked = await repo.find(tx, sub.id, true);
          const charge = await repo.charge(tx, orderId, true);
          if (!locked || charge?.status !== 'open') return;
          await repo.setChargeStatus(tx, orderId, 'void', this.ctx.clock.now());
          await this.deps.orders.service.cancelUnpaid(orderId, handle(tx));
          // Credit taken by the voided order comes back.
          const credit = await this.#creditOf(handle(tx), orderId);
          await repo.update(tx, sub.id, {
            credit_balance: locked.credit_balance + credit,
            updated_at: this.ctx.clock.now(),
          });
        });
        throw new AppError(
          'PAYMENT_DECLINED',
          result?.kind === 'declined' ? result.message : 'The saved card could not be charged.',
        );
      }
      await this.applyCharge(orderId);
      return { subscription: await this.getForUser(id, userId), preview, orderId };
    }
    await inTransaction(this.db, async (tx) => {
      const locked = await repo.find(tx, sub.id, true);
      if (!locked || locked.updated_at.getTime() !== sub.updated_at.getTime() || locked.status !== 'active')
        throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'The subscription changed meanwhile.');
      const now = this.ctx.clock.now();
      const patch = {
        sku: plan.sku,
        name: plan.name,
        price_id: plan.priceId,
        unit_amount: plan.unitAmount,
        quantity: plan.quantity,
        credit_balance: locked.credit_balance + preview.creditAdded,
        updated_at: now,
      };
      await repo.update(tx, sub.id, patch);
      await this.#record(handle(tx), { ...locked, ...patch }, 'plan_changed', {
        from: { sku: sub.sku, quantity: sub.quantity },
        to: { sku: plan.sku, quantity: plan.quantity },
        prorationNet: preview.proration.net,
        creditAdded: preview.creditAdded,
      });
    });
    return { subscription: await this.getForUser(id, userId), preview, orderId: null };
  }

  /**
   * A Stripe-billed subscription changes plan at Stripe: both recurring prices (the plan and
   * its tax, as at checkout) are replaced, Stripe prorates to the second and charges now, and
   * a declined card refuses the whole change. The prorated charge is a `plan_change` order,
   * paid when Stripe reports its invoice paid; a downgrade's credit stays with Stripe, which
   * takes it off the next invoice.
   */
  async #changeAtProvider(
    userId: string,
    sub: SubscriptionRow,
    preview: ChangePreview,
  ): Promise<{ subscription: SubscriptionRow; preview: ChangePreview; orderId: string | null }> {
    const plan = preview.target;
    const full = await this.#quote(sub, [
      await this.#item(sub, plan.name, plan.unitAmount, plan.quantity, plan.sku),
    ]);
    const line = full.lines[0];
    const key = `plan-change:${sub.id}:${await repo.countCharges(this.db, sub.id, 'plan_change')}:${plan.sku}:${plan.quantity}`;
    let orderId: string | null = null;
    if (preview.proration.net > 0 && preview.quote) {
      orderId =
        (await this.#createChargeOrder(sub, preview.quote, {
          kind: 'plan_change',
          origin: 'plan_change',
          periodIndex: sub.period_index,
          key,
          change: plan,
          payment: false,
        })) ?? null;
      if (!orderId) throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'The subscription changed meanwhile.');
    }
    try {
      await this.deps.payments.service.changeProviderPlan(
        sub.provider_subscription_id ?? '',
        {
          fromSku: sub.sku,
          toSku: plan.sku,
          name: plan.name,
          unitAmount: plan.unitAmount,
          quantity: plan.quantity,
          taxAmount: line?.taxAmount ?? 0,
          taxLabel: `Tax ${line?.taxRatePercent ?? '0'} % (${line?.jurisdiction ?? sub.billing.country})`,
          currency: sub.currency,
          interval: sub.interval,
        },
        key,
      );
    } catch (err) {
      if (orderId) {
        const voided = orderId;
        await inTransaction(this.db, async (tx) => {
          await repo.setChargeStatus(tx, voided, 'void', this.ctx.clock.now());
          await this.deps.orders.service.cancelUnpaid(voided, handle(tx));
        });
      }
      throw err;
    }
    await inTransaction(this.db, async (tx) => {
      const locked = await repo.find(tx, sub.id, true);
      if (!locked) return;
      const patch = {
        sku: plan.sku,
        name: plan.name,
        price_id: plan.priceId,
        unit_amount: plan.unitAmount,
        quantity: plan.quantity,
        updated_at: this.ctx.clock.now(),
      };
      await repo.update(tx, sub.id, patch);
      await this.#record(handle(tx), { ...locked, ...patch }, 'plan_changed', {
        from: { sku: sub.sku, quantity: sub.quantity },
        to: { sku: plan.sku, quantity: plan.quantity },
        prorationNet: preview.proration.net,
        provider: sub.provider,
        ...(orderId ? { orderId } : {}),
      });
    });
    return { subscription: await this.getForUser(sub.id, userId), preview, orderId };
  }

  /** Cancel at the period end (access until then, can be resumed) or now (access ends now, no automatic refund). */
  async cancel(userId: string, id: string, when: 'period_end' | 'now'): Promise<SubscriptionRow> {
    const sub = await this.getForUser(id, userId);
    if (sub.status === 'canceled') throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'It has already ended.');
    if (
      sub.provider !== 'test' &&
      !(when === 'period_end' && (sub.status !== 'active' || sub.cancel_at_period_end))
    )
      // Stripe first (a failure changes nothing here); its webhook, arriving later, is then a no-op.
      await this.#atProvider(sub, when === 'now' ? 'cancel_now' : 'cancel_at_period_end');
    if (when === 'now') {
      await this.#end(sub.id, 'canceled', userId);
      return this.getForUser(id, userId);
    }
    if (sub.status !== 'active')
      throw new AppError(
        'SUBSCRIPTION_STATE_CONFLICT',
        'A renewal is unpaid: pay it to keep the subscription until its period end, or cancel now.',
      );
    if (sub.cancel_at_period_end) return sub;
    await inTransaction(this.db, async (tx) => {
      const locked = await repo.find(tx, id, true);
      if (locked?.status !== 'active' || locked.cancel_at_period_end) return;
      const now = this.ctx.clock.now();
      const patch = { cancel_at_period_end: true, canceled_at: now, updated_at: now };
      await repo.update(tx, id, patch);
      const moved = { ...locked, ...patch };
      await this.#record(handle(tx), moved, 'cancel_scheduled', {
        endsAt: locked.current_period_end.toISOString(),
      });
      await sendSubscriptionMail(this.ctx, handle(tx), moved, 'canceled');
    });
    return this.getForUser(id, userId);
  }

  /** Takes back a cancellation at period end, before the period ends. */
  async resume(userId: string, id: string): Promise<SubscriptionRow> {
    const sub = await this.getForUser(id, userId);
    if (sub.status !== 'active' || sub.current_period_end <= this.ctx.clock.now())
      throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'Only an active subscription can be resumed.');
    if (!sub.cancel_at_period_end) return sub;
    if (sub.provider !== 'test') await this.#atProvider(sub, 'resume');
    await inTransaction(this.db, async (tx) => {
      const locked = await repo.find(tx, id, true);
      if (locked?.status !== 'active' || !locked.cancel_at_period_end) return;
      const patch = { cancel_at_period_end: false, canceled_at: null, updated_at: this.ctx.clock.now() };
      await repo.update(tx, id, patch);
      await this.#record(handle(tx), { ...locked, ...patch }, 'resumed', {});
    });
    return this.getForUser(id, userId);
  }

  /** Charges the saved card for the unpaid renewal now (past due or suspended). */
  async retryPayment(userId: string, id: string): Promise<SubscriptionRow> {
    const sub = await this.getForUser(id, userId);
    if (sub.provider !== 'test') throw new AppError('SUBSCRIPTION_PROVIDER_MANAGED');
    const charge = await this.openRenewal(sub);
    if (!charge || (sub.status !== 'past_due' && sub.status !== 'suspended'))
      throw new AppError('SUBSCRIPTION_STATE_CONFLICT', 'Nothing is due on this subscription.');
    const payment = await this.deps.payments.service.ofOrder(charge.order_id);
    const result = payment
      ? await this.deps.payments.service.chargeSaved(payment.id, sub.payment_method_id)
      : undefined;
    if (result?.kind !== 'succeeded')
      throw new AppError(
        'PAYMENT_DECLINED',
        result?.kind === 'declined' ? result.message : 'The saved card could not be charged.',
      );
    await this.applyCharge(charge.order_id);
    return this.getForUser(id, userId);
  }

  /** The same change at the provider, keyed by the operation and the state it starts from. */
  async #atProvider(sub: SubscriptionRow, change: ProviderSubscriptionChange): Promise<void> {
    if (!sub.provider_subscription_id) throw new AppError('SUBSCRIPTION_PROVIDER_MANAGED');
    await this.deps.payments.service.updateProviderSubscription(
      sub.provider_subscription_id,
      change,
      `subscription:${sub.id}:${change}:${new Date(sub.updated_at).getTime()}`,
    );
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  async #changeable(userId: string, id: string): Promise<SubscriptionRow> {
    const sub = await this.getForUser(id, userId);
    if (sub.provider !== 'test' && !sub.provider_subscription_id)
      throw new AppError('SUBSCRIPTION_PROVIDER_MANAGED');
    if (sub.status !== 'active')
      throw new AppError(
        'SUBSCRIPTION_STATE_CONFLICT',
        sub.status === 'canceled'
          ? 'The subscription has ended.'
          : 'A renewal is unpaid: pay it before changing the plan.',
      );
    if (sub.current_period_end <= this.ctx.clock.now())
      throw new AppError(
        'SUBSCRIPTION_STATE_CONFLICT',
        'The subscription is being renewed; try again shortly.',
      );
    return sub;
  }

  /** The plan a customer asks for: a buyable SKU of the same product and interval, in the subscription's currency. */
  async #target(sub: SubscriptionRow, target: PlanTarget): Promise<PlanChange> {
    const invalid = (path: string, message: string) =>
      new AppError('PLAN_CHANGE_INVALID', undefined, { details: [{ path, message }] });
    if (!Number.isSafeInteger(target.quantity) || target.quantity < 1 || target.quantity > 10_000)
      throw invalid('/quantity', 'The quantity must be a whole number from 1 to 10000.');
    const current = await this.deps.catalog.service.skuWithPrices(sub.sku).catch(() => undefined);
    const wanted = await this.deps.catalog.service.skuWithPrices(target.sku).catch(() => undefined);
    if (!wanted) throw invalid('/sku', `${target.sku} is not a SKU of the catalog.`);
    const price = await this.deps.catalog.service.price(wanted.sku.code, sub.currency as Currency);
    if (!price) throw invalid('/sku', `${wanted.sku.code} is not buyable in ${sub.currency}.`);
    if (wanted.sku.billing !== 'recurring' || wanted.sku.interval !== sub.interval)
      throw invalid('/sku', `${wanted.sku.code} is not billed every ${sub.interval} like this subscription.`);
    if (current && wanted.sku.productKey !== current.sku.productKey)
      throw invalid('/sku', `${wanted.sku.code} is another product; buy it separately.`);
    const cap = seatCap(wanted.sku);
    // Bought once: a quantity of 1 (or the one the subscription already has, for a line sold otherwise).
    if (cap === null && target.quantity !== sub.quantity && target.quantity !== 1)
      throw invalid('/quantity', `${wanted.sku.code} is not sold per seat.`);
    // A quantity change is a seat change, within what the edition carries.
    if (cap !== null && target.quantity > cap)
      throw new AppError(
        'EDITION_SEAT_LIMIT_EXCEEDED',
        `${price.name} carries at most ${cap} ${cap === 1 ? 'seat' : 'seats'}: choose another edition for more.`,
        { details: [{ path: '/quantity', message: `at most ${cap} seats with ${wanted.sku.code}` }] },
      );
    if (wanted.sku.code === sub.sku && target.quantity === sub.quantity)
      throw invalid('/sku', 'This is the current plan.');
    return {
      sku: wanted.sku.code,
      name: price.name,
      priceId: price.priceId,
      unitAmount: price.unitAmount,
      quantity: target.quantity,
      prorationNet: 0,
    };
  }

  async #preview(sub: SubscriptionRow, plan: PlanChange): Promise<ChangePreview> {
    const proration = prorate({
      currentAmount: sub.unit_amount * sub.quantity,
      newAmount: plan.unitAmount * plan.quantity,
      periodStart: sub.current_period_start,
      periodEnd: sub.current_period_end,
      at: this.ctx.clock.now(),
    });
    const target = { ...plan, prorationNet: proration.net };
    if (proration.net === 0) return { target, proration, quote: null, amountDue: 0, creditAdded: 0 };
    const days = Math.ceil(proration.remainingSeconds / (DAY_MS / 1000));
    const label =
      proration.net > 0
        ? `${plan.name} ×${plan.quantity}: prorated upgrade for the ${days} remaining days`
        : `Credit for the ${days} unused days of ${sub.name} ×${sub.quantity}`;
    const quote = await this.#quote(sub, [
      await this.#item(sub, label, Math.abs(proration.net), 1, plan.sku),
    ]);
    return proration.net > 0
      ? {
          target,
          proration,
          quote,
          amountDue: quote.totals.gross - Math.min(sub.credit_balance, quote.totals.gross),
          creditAdded: 0,
        }
      : { target, proration, quote, amountDue: 0, creditAdded: quote.totals.gross };
  }

  async #item(
    sub: SubscriptionRow,
    name: string,
    unitAmount: number,
    quantity: number,
    sku = sub.sku,
  ): Promise<PricedItem> {
    const found = await this.deps.catalog.service.skuWithPrices(sku);
    return { sku, name, kind: found.sku.fulfillment.kind, unitAmount, quantity };
  }

  /** Tax for items the subscription prices itself, with the billing details of its first order. */
  async #quote(sub: SubscriptionRow, items: PricedItem[], at?: Date): Promise<TaxQuote> {
    return this.deps.tax.quotePriced(
      items,
      sub.currency as Currency,
      quoteCustomerOf(sub.billing),
      at ? { at } : {},
    );
  }

  /**
   * An order (and its payment) that bills the subscription, created once per business
   * operation (`key`); account credit is taken off what the card is charged.
   * Undefined when the subscription moved meanwhile.
   */
  async #createChargeOrder(
    sub: SubscriptionRow,
    quote: TaxQuote,
    c: {
      kind: ChargeRow['kind'];
      origin: OrderOrigin;
      periodIndex: number;
      key: string;
      change: PlanChange | null;
      /** false: the provider collects it (Stripe Billing); the payment is recorded when it reports it. */
      payment?: boolean;
    },
  ): Promise<string | undefined> {
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const locked = await repo.find(tx, sub.id, true);
      if (!locked || locked.period_index !== sub.period_index || locked.status === 'canceled')
        return undefined;
      // Canceled at period end meanwhile: that period will not come, so it is not billed.
      if (c.kind === 'renewal' && locked.cancel_at_period_end) return undefined;
      const existing = await this.deps.orders.service.byIdempotencyKey(c.key, trx);
      if (existing) return existing.id;
      // One plan change at a time: a second one priced against the old plan would be wrong.
      if (
        c.kind === 'plan_change' &&
        (await repo.openCharges(tx, sub.id)).some((o) => o.kind === 'plan_change')
      )
        return undefined;
      const credit = Math.min(locked.credit_balance, quote.totals.gross);
      // A subscription bought for an organization bills it every period.
      const origin = await this.deps.orders.service.byId(sub.origin_order_id, trx);
      const order = await this.deps.orders.service.create(
        {
          userId: sub.user_id,
          idempotencyKey: c.key,
          currency: quote.currency,
          billing: sub.billing,
          vatId: quote.vat.vatId ?? (sub.billing.business ? sub.billing.vatId : null),
          vatStatus: vatStatusOf(quote.vat.status),
          taxDate: quote.date,
          taxNotes: quote.notes,
          ip: null,
          lines: quote.lines,
          origin: c.origin,
          subscriptionId: sub.id,
          creditApplied: credit,
          organizationId: origin?.organization_id ?? null,
        },
        trx,
      );
      if (c.payment !== false)
        await this.deps.payments.service.createPayment(
          {
            orderId: order.row.id,
            userId: sub.user_id,
            amount: order.row.gross_total - order.row.credit_applied,
            currency: quote.currency,
          },
          trx,
        );
      await repo.insertCharge(tx, {
        order_id: order.row.id,
        subscription_id: sub.id,
        kind: c.kind,
        period_index: c.periodIndex,
        change: c.change,
        status: 'open',
        created_at: this.ctx.clock.now(),
        applied_at: null,
      });
      if (credit) await repo.update(tx, sub.id, { credit_balance: locked.credit_balance - credit });
      return order.row.id;
    });
  }

  #event(subscriptionId: string, type: string, detail: Record<string, unknown>) {
    return {
      id: newId('sev', this.ctx.clock),
      subscription_id: subscriptionId,
      type,
      detail,
      at: this.ctx.clock.now(),
    };
  }

  /** History row + `subscriptions.changed`, in the caller's transaction. */
  async #record(
    trx: DbHandle,
    sub: SubscriptionRow,
    change: SubscriptionChange,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const event = this.#event(sub.id, change, detail);
    await repo.insertEvent(view<SubscriptionsDb>(trx), event);
    await this.ctx.events.publish(
      'subscriptions.changed',
      { subscriptionId: sub.id, change, entitled: entitled(sub.status as SubscriptionStatus), key: event.id },
      { trx, key: event.id },
    );
    this.ctx.log.info({ subscriptionId: sub.id, change, status: sub.status }, 'subscription changed');
  }
}
