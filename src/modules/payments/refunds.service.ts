import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, type Executor, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type Currency, formatMoney } from '../../platform/money.ts';
import type { AuditModule } from '../audit/index.ts';
import { type Order, type OrderRefundView, type OrdersModule, refundable } from '../orders/index.ts';
import {
  allocateRefund,
  type LineAllocation,
  type RefundAllocation,
  remainingPerLine,
  type SoldLine,
} from './domain/refund-allocation.ts';
import * as payments from './payments.repository.ts';
import type { PaymentAttemptRow, PaymentRow, PaymentsDb, PaymentsTables } from './payments.tables.ts';
import type { PaymentEvent } from './provider.ts';
import type { ProviderRefund, RefundGateway } from './refund-gateway.ts';
import * as repo from './refunds.repository.ts';
import type { RefundRow, RefundsDb } from './refunds.tables.ts';

/** Sends one pending refund to its provider (idempotent: a refund that is no longer pending is left alone). */
export const REFUND_JOB = 'payments.refund';
/** Reconciles a payment's refunds with the provider's list (after `charge.refunded`). */
export const REFUND_SYNC_JOB = 'payments.refund-sync';

export interface Staff {
  userId: string;
  email: string;
}

export interface StaffRefundInput {
  orderId: string;
  /** Gross, minor units of the order's currency. */
  amount: number;
  reason: string;
  /** The client's idempotency key (API header, or the key a refund form was rendered with). */
  requestKey: string;
}

/** What staff see of an order: the order, its payment and attempts, provider events, refunds. */
export interface StaffOrderView {
  order: Order;
  payment: PaymentRow | undefined;
  attempts: PaymentAttemptRow[];
  events: PaymentsTables['payment_event'][];
  refunds: RefundRow[];
  /** What can still be refunded: gross − account credit applied − refunded − pending refunds (0 unless refundable). */
  refundable: number;
}

/** The payments repository's view of the same connection or transaction. */
const pay = (db: Executor<RefundsDb> | DbHandle): Executor<PaymentsDb> =>
  view<PaymentsDb>(isHandle(db) ? db : handle(db));
const isHandle = (db: Executor<RefundsDb> | DbHandle): db is DbHandle => !('selectFrom' in db);
const isPending = (r: RefundRow) => r.status === 'pending';
const isSucceeded = (r: RefundRow) => r.status === 'succeeded';
const amountOf = (rs: RefundRow[]) => rs.reduce((s, r) => s + Number(r.amount), 0);
const soldLines = (order: Order): SoldLine[] =>
  order.lines.map((l) => ({
    id: l.id,
    position: Number(l.position),
    sku: l.sku,
    net: Number(l.net),
    taxAmount: Number(l.tax_amount),
  }));

/**
 * Refunds, full or partial, on the built-in test provider and on Stripe.
 *
 * - Staff ask (`request`): with the payment row locked, the balance (gross − refunded − pending)
 *   is checked and a pending refund recorded with its audit entry and its job, in one
 *   transaction. The request key is unique: a double submit answers the first refund.
 * - The job (`process`) sends it to the provider with the key `refund:<refundId>`; a provider
 *   error is thrown (the job retries), a refusal marks the refund failed and changes nothing else.
 * - Success (`#settle`), in one transaction: the refund's final net/tax allocation, the order's
 *   refunded total and state, and "order refunded" — applied once, guarded by the refund's status.
 * - Provider events (`applyProviderRefund`) converge with all of it: a refund we made is found by
 *   its provider id or `metadata.refundId`; one we did not make (the Stripe Dashboard) is recorded
 *   as provider-originated and applied the same way.
 *
 * Every path locks the payment row first (then the order, then refund rows), so concurrent
 * requests, jobs and webhooks of one payment queue up instead of deadlocking, and a balance
 * check never races another refund of the same order.
 */
export class RefundService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<RefundsDb>,
    private readonly orders: OrdersModule,
    private readonly audit: AuditModule,
    private readonly gateways: Partial<Record<PaymentRow['provider'], RefundGateway>>,
  ) {}

  /** A staff refund. `created: false` when the request key names an earlier request (its refund is answered). */
  async request(
    staff: Staff,
    input: StaffRefundInput,
    meta: { ip: string; requestId: string },
  ): Promise<{ refund: RefundRow; created: boolean }> {
    const reason = input.reason.trim();
    if (!Number.isSafeInteger(input.amount) || input.amount < 1)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/amount', message: 'must be a whole number of minor units, at least 1' }],
      });
    if (!reason)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/reason', message: 'must not be empty' }],
      });
    const key = `staff:${input.requestKey}`;
    // A repeat answers the first result before any check: the order has changed since (it is refunded).
    const known = await repo.refundByRequestKey(this.db, key);
    if (known) return { refund: this.#replay(known, input), created: false };
    let outcome: { refund: RefundRow; created: boolean };
    try {
      outcome = await inTransaction(this.db, async (tx) => {
        const trx = handle(tx);
        const found = await payments.paymentOfOrder(pay(trx), input.orderId);
        const payment = found && (await payments.findPayment(pay(trx), found.id, true));
        if (!payment) throw new AppError('NOT_FOUND');
        const again = await repo.refundByRequestKey(tx, key);
        if (again) return { refund: this.#replay(again, input), created: false };
        const order = await this.orders.service.lockForRefund(input.orderId, trx);
        const { row } = order;
        // A refunded order was paid: what it lacks is balance (the stable answer for a racing
        // request for the same remainder), not the right state.
        if (payment.status !== 'succeeded' || !(refundable(row.state) || row.state === 'refunded'))
          throw new AppError(
            'ORDER_STATE_CONFLICT',
            `Order ${row.number} is ${row.state.replace('_', ' ')}: only a paid order can be refunded.`,
          );
        const refunds = await repo.refundsOfPayment(tx, payment.id);
        const balance = this.#balance(order, refunds);
        if (input.amount > balance)
          throw new AppError(
            'REFUND_EXCEEDS_BALANCE',
            `At most ${formatMoney(balance, row.currency as Currency)} can be refunded on order ${row.number}.`,
            { details: [{ path: '/amount', message: `must be at most ${balance}` }] },
          );
        const allocation = this.#provisional(order, refunds, input.amount);
        const now = this.ctx.clock.now();
        const refund: RefundRow = {
          id: newId('ref', this.ctx.clock),
          payment_id: payment.id,
          order_id: row.id,
          provider: payment.provider,
          amount: input.amount,
          currency: row.currency,
          net: allocation.net,
          tax: allocation.tax,
          allocation: allocation.lines,
          reason: reason.slice(0, 500),
          status: 'pending',
          failure_message: null,
          provider_refund_id: null,
          requested_by: staff.userId,
          request_key: key,
          created_at: now,
          updated_at: now,
          succeeded_at: null,
          failed_at: null,
        };
        await repo.insertRefund(tx, refund);
        await this.audit.log.record(
          {
            actor: staff,
            action: 'orders.refund',
            target: { type: 'order', id: row.id },
            before: { state: row.state, refundedTotal: Number(row.refunded_total), refundable: balance },
            after: {
              refundId: refund.id,
              amount: refund.amount,
              currency: refund.currency,
              reason: refund.reason,
            },
            ip: meta.ip,
            requestId: meta.requestId,
          },
          trx,
        );
        await this.ctx.jobs.send(REFUND_JOB, { refundId: refund.id }, { trx, singletonKey: refund.id });
        return { refund, created: true };
      });
    } catch (err) {
      // The same key sent twice at once for two different orders: one insert wins the unique key.
      if ((err as { code?: string }).code !== '23505') throw err;
      const winner = await repo.refundByRequestKey(this.db, key);
      if (!winner) throw err;
      return { refund: this.#replay(winner, input), created: false };
    }
    if (!outcome.created) return outcome;
    this.ctx.log.info(
      { refundId: outcome.refund.id, orderId: input.orderId, amount: input.amount },
      'refund requested',
    );
    // Staff see the result at once when the provider answers now; the job is the guarantee.
    try {
      await this.process(outcome.refund.id);
    } catch (err) {
      this.ctx.log.warn({ err, refundId: outcome.refund.id }, 'refund not sent yet; its job will retry');
    }
    return { refund: (await repo.findRefund(this.db, outcome.refund.id)) ?? outcome.refund, created: true };
  }

  /** The job: sends a pending staff refund to its provider and records the answer. */
  async process(refundId: string): Promise<void> {
    const refund = await repo.findRefund(this.db, refundId);
    if (refund?.status !== 'pending' || refund.requested_by === null) return;
    const payment = await payments.findPayment(pay(this.db), refund.payment_id);
    if (!payment) throw new Error(`payment ${refund.payment_id} of refund ${refundId} is missing`);
    const gateway = this.gateways[refund.provider];
    if (!gateway) {
      await this.#fail(refund.id, `Refunds through ${refund.provider} are not configured on this server.`);
      return;
    }
    // Outside any transaction: a provider call never holds a database connection.
    const outcome = await gateway.refund({
      refundId: refund.id,
      orderId: refund.order_id,
      amount: Number(refund.amount),
      currency: refund.currency,
      paymentIntentId: payment.provider_payment_intent,
      idempotencyKey: `refund:${refund.id}`,
    });
    if (outcome.kind === 'refused') {
      await this.#fail(refund.id, outcome.message);
      return;
    }
    await inTransaction(this.db, async (tx) => {
      await payments.findPayment(pay(tx), refund.payment_id, true);
      await this.applyProviderRefund(refund.payment_id, outcome.refund, handle(tx));
    });
  }

  /**
   * A refund as the provider reports it, in the caller's transaction (the payment row already
   * locked). Converges whatever the order and number of reports: never applied twice, never
   * downgraded from succeeded.
   */
  async applyProviderRefund(paymentId: string, pr: ProviderRefund, trx: DbHandle): Promise<void> {
    const db = view<RefundsDb>(trx);
    let refund = await repo.refundByProviderId(db, pr.id, true);
    if (!refund && pr.refundId) {
      const ours = await repo.findRefund(db, pr.refundId, true);
      if (ours?.payment_id === paymentId) refund = ours;
    }
    const now = this.ctx.clock.now();
    if (refund && !refund.provider_refund_id) {
      await repo.updateRefund(db, refund.id, { provider_refund_id: pr.id, updated_at: now });
      refund = { ...refund, provider_refund_id: pr.id };
    }
    if (pr.status === 'succeeded') {
      if (!refund) {
        await this.#settle(paymentId, { new: pr }, trx);
      } else if (refund.status !== 'succeeded') {
        if (Number(refund.amount) !== pr.amount)
          this.ctx.log.error(
            { refundId: refund.id, ours: refund.amount, provider: pr.amount },
            'refund amounts differ',
          );
        await this.#settle(paymentId, { known: refund }, trx);
      }
      return;
    }
    if (pr.status === 'failed' || pr.status === 'canceled') {
      const message = `The refund ${pr.status === 'canceled' ? 'was canceled' : 'failed'} at the provider${
        pr.failureReason ? ` (${pr.failureReason.replaceAll('_', ' ')})` : ''
      }.`;
      if (refund?.status === 'pending') {
        await repo.updateRefund(db, refund.id, {
          status: 'failed',
          failure_message: message,
          failed_at: now,
          updated_at: now,
        });
        this.ctx.log.warn({ refundId: refund.id, message }, 'refund failed');
      } else if (refund?.status === 'succeeded') {
        // The money went back to our Stripe balance, not to the customer. There is no way back from
        // refunded for an order: staff must pay the customer another way, so the page says it.
        await repo.updateRefund(db, refund.id, {
          failure_message: `${message} It had succeeded before: the customer did not get this money back.`,
          updated_at: now,
        });
        this.ctx.log.error({ refundId: refund.id, message }, 'a succeeded refund failed later');
      }
    }
    // pending / requires_action: not final yet; a later report decides.
  }

  /** A provider event's refund part (PaymentService's handler delegates here, in its transaction). */
  async handlePaymentEvent(payment: PaymentRow, event: PaymentEvent, trx: DbHandle): Promise<void> {
    for (const pr of event.refunds ?? []) await this.applyProviderRefund(payment.id, pr, trx);
    if (event.refundedTotal === undefined || event.refunds?.length) return;
    // `charge.refunded` without the refunds themselves (Stripe leaves them out of charges): when
    // Stripe counts more than we applied, fetch its list in a job (no API call in a transaction).
    const applied = amountOf(
      (await repo.refundsOfPayment(view<RefundsDb>(trx), payment.id)).filter(isSucceeded),
    );
    if (event.refundedTotal > applied)
      await this.ctx.jobs.send(REFUND_SYNC_JOB, { paymentId: payment.id }, { trx });
  }

  /** The sync job: every refund the provider holds for this payment, applied like its events. */
  async syncFromProvider(paymentId: string): Promise<void> {
    const payment = await payments.findPayment(pay(this.db), paymentId);
    const gateway = payment && this.gateways[payment.provider];
    if (!payment?.provider_payment_intent || !gateway) return;
    const listed = await gateway.list(payment.provider_payment_intent);
    for (const pr of listed)
      await inTransaction(this.db, async (tx) => {
        await payments.findPayment(pay(tx), paymentId, true);
        await this.applyProviderRefund(paymentId, pr, handle(tx));
      });
  }

  async ofOrder(orderId: string): Promise<RefundRow[]> {
    return repo.refundsOfOrder(this.db, orderId);
  }

  /** The order pages' view of refunds (the orders module shows them to the customer). */
  async viewsOfOrder(orderId: string): Promise<OrderRefundView[]> {
    return (await this.ofOrder(orderId)).map((r) => ({
      id: r.id,
      amount: Number(r.amount),
      status: r.status,
      createdAt: r.created_at,
      succeededAt: r.succeeded_at,
    }));
  }

  /** Everything staff see of an order. */
  async staffView(orderId: string): Promise<StaffOrderView> {
    const order = await this.orders.service.get(orderId);
    if (!order) throw new AppError('NOT_FOUND');
    const payment = await payments.paymentOfOrder(pay(this.db), orderId);
    const [attempts, events, refunds] = payment
      ? await Promise.all([
          payments.attemptsOf(pay(this.db), payment.id),
          repo.eventsOfPayment(this.db, payment.id),
          repo.refundsOfPayment(this.db, payment.id),
        ])
      : [[], [], []];
    const paid = payment?.status === 'succeeded' && refundable(order.row.state);
    return {
      order,
      payment,
      attempts,
      events,
      refunds,
      refundable: paid ? this.#balance(order, refunds) : 0,
    };
  }

  #balance(order: Order, refunds: RefundRow[]): number {
    const { row } = order;
    return Math.max(
      0,
      Number(row.gross_total) -
        Number(row.credit_applied) -
        Number(row.refunded_total) -
        amountOf(refunds.filter(isPending)),
    );
  }

  #replay(existing: RefundRow, input: StaffRefundInput): RefundRow {
    if (existing.order_id !== input.orderId || Number(existing.amount) !== input.amount)
      throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return existing;
  }

  /**
   * The allocation shown while a refund is pending, against what succeeded and pending refunds
   * left. Provisional: a refund made at the provider may have been applied meanwhile against
   * succeeded refunds only, so when the lines no longer add up the succeeded ones alone count.
   */
  #provisional(order: Order, refunds: RefundRow[], amount: number): RefundAllocation {
    const lines = soldLines(order);
    const allocations = (rs: RefundRow[]): LineAllocation[][] => rs.map((r) => r.allocation);
    try {
      return allocateRefund(
        amount,
        remainingPerLine(lines, allocations(refunds.filter((r) => r.status !== 'failed'))),
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      return allocateRefund(amount, remainingPerLine(lines, allocations(refunds.filter(isSucceeded))));
    }
  }

  /**
   * Applies a succeeded refund — one of ours (`known`) or one the provider made (`new`, recorded
   * here with no staff member) — in the caller's transaction: its final allocation against the
   * refunds applied before it, its status, the order's total and state, "order refunded".
   */
  async #settle(
    paymentId: string,
    what: { known: RefundRow } | { new: ProviderRefund },
    trx: DbHandle,
  ): Promise<void> {
    const db = view<RefundsDb>(trx);
    const payment = await payments.findPayment(pay(trx), paymentId);
    if (!payment) throw new Error(`payment ${paymentId} is missing`);
    // Before the payment itself is recorded (events out of order) there is nothing to refund yet:
    // refused, so the provider delivers the event again later.
    const order = await this.orders.service.lockForRefund(payment.order_id, trx);
    if (payment.status !== 'succeeded' || !refundable(order.row.state))
      throw new AppError(
        'ORDER_STATE_CONFLICT',
        `Order ${order.row.number} is ${order.row.state}: a refund can only be applied to a paid order.`,
      );
    const now = this.ctx.clock.now();
    const refunds = await repo.refundsOfPayment(db, paymentId);
    let refund: RefundRow;
    if ('known' in what) {
      refund = what.known;
    } else {
      const pr = what.new;
      if (pr.currency !== order.row.currency.trim().toUpperCase())
        throw new Error(
          `refund ${pr.id} is in ${pr.currency}, order ${order.row.id} in ${order.row.currency}`,
        );
      refund = {
        id: newId('ref', this.ctx.clock),
        payment_id: paymentId,
        order_id: order.row.id,
        provider: payment.provider,
        amount: pr.amount,
        currency: order.row.currency,
        net: 0,
        tax: 0,
        allocation: [],
        reason: `Refunded at ${payment.provider === 'stripe' ? 'Stripe' : 'the payment provider'}${
          pr.reason ? ` (${pr.reason.replaceAll('_', ' ')})` : ''
        }`,
        status: 'pending',
        failure_message: null,
        provider_refund_id: pr.id,
        requested_by: null,
        request_key: `${payment.provider}:${pr.id}`,
        created_at: now,
        updated_at: now,
        succeeded_at: null,
        failed_at: null,
      };
    }
    const before = refunds.filter((r) => isSucceeded(r) && r.id !== refund.id);
    let allocation: RefundAllocation;
    try {
      allocation = allocateRefund(
        Number(refund.amount),
        remainingPerLine(
          soldLines(order),
          before.map((r) => r.allocation),
        ),
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      throw new AppError('REFUND_EXCEEDS_BALANCE', `Refund ${refund.id}: ${err.message}`);
    }
    const final = {
      status: 'succeeded' as const,
      net: allocation.net,
      tax: allocation.tax,
      allocation: allocation.lines,
      succeeded_at: now,
      updated_at: now,
    };
    if ('known' in what) {
      await repo.updateRefund(db, refund.id, { ...final, failure_message: null });
    } else {
      await repo.insertRefund(db, { ...refund, ...final });
      await this.audit.log.record(
        {
          actor: null,
          action: 'orders.refund.provider',
          target: { type: 'order', id: order.row.id },
          before: { state: order.row.state, refundedTotal: Number(order.row.refunded_total) },
          after: { refundId: refund.id, amount: refund.amount, providerRefundId: refund.provider_refund_id },
        },
        trx,
      );
    }
    await this.orders.service.applyRefund(
      order.row.id,
      { refundId: refund.id, amount: Number(refund.amount) },
      trx,
    );
  }

  async #fail(refundId: string, message: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const refund = await repo.findRefund(tx, refundId);
      if (!refund) return;
      await payments.findPayment(pay(tx), refund.payment_id, true);
      const locked = await repo.findRefund(tx, refundId, true);
      if (locked?.status !== 'pending') return;
      const now = this.ctx.clock.now();
      await repo.updateRefund(tx, refundId, {
        status: 'failed',
        failure_message: message.slice(0, 500),
        failed_at: now,
        updated_at: now,
      });
    });
    this.ctx.log.warn({ refundId, message }, 'refund failed');
  }
}
