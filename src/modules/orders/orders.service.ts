import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import {
  canTransition,
  IllegalTransitionError,
  type OrderState,
  refundable,
  transition,
} from './domain/state.ts';
import { formatOrderNumber, orderTotals } from './domain/totals.ts';
import type { OrderViewer } from './orders.repository.ts';
import * as repo from './orders.repository.ts';
import type {
  BillingDetails,
  OrderLineRow,
  OrderOrigin,
  OrderRow,
  OrdersDb,
  OrderTaxComponent,
  VatStatus,
} from './orders.tables.ts';

/**
 * The orders module's own subscriber to "order paid" (the confirmation mail): one job per
 * publication, so tests count publications with it.
 */
export const ORDERS_PAID_JOB = 'orders.paid-confirmation-mail';

/** The orders module's own subscriber to "order refunded" (the refund notice mail): one job per publication. */
export const ORDERS_REFUNDED_JOB = 'orders.refunded-refund-notice';

export interface NewOrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  net: number;
  taxRate: number;
  taxAmount: number;
  jurisdiction: string;
  reason: string;
  taxCode: string;
  /** The exact combined rate ("14.975") and each tax, when the quote gives them. */
  taxRatePercent?: string;
  components?: OrderTaxComponent[];
}

export interface NewOrder {
  userId: string;
  idempotencyKey: string;
  currency: string;
  billing: BillingDetails;
  vatId: string | null;
  vatStatus: VatStatus;
  taxDate: string;
  taxNotes: string[];
  ip: string | null;
  lines: NewOrderLine[];
  /** Default 'checkout'; subscriptions bill renewals and plan changes as orders too. */
  origin?: OrderOrigin;
  subscriptionId?: string | null;
  /** Account credit taken off what the customer pays (never more than the total). */
  creditApplied?: number;
  /** The organization the order is bought for (checkout checked the buyer may), or null. */
  organizationId?: string | null;
}

export interface Order {
  row: OrderRow;
  lines: OrderLineRow[];
}

/** A refund of an order as its pages show it (the payments module keeps refunds). */
export interface OrderRefundView {
  id: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
  createdAt: Date;
  succeededAt: Date | null;
}

const toAppError = (err: unknown): never => {
  if (err instanceof IllegalTransitionError) throw new AppError('ORDER_STATE_CONFLICT', err.message);
  throw err;
};

/** Orders: creation at checkout, payment outcomes, reads for their owner and for staff. */
export class OrderService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<OrdersDb>,
  ) {}

  /** Creates the order and its line snapshots in the caller's transaction. */
  async create(input: NewOrder, trx: DbHandle): Promise<Order> {
    const db = view<OrdersDb>(trx);
    const now = this.ctx.clock.now();
    const id = newId('ord', this.ctx.clock);
    const lines: OrderLineRow[] = input.lines.map((l, i) => ({
      id: newId('orl', this.ctx.clock),
      order_id: id,
      position: i + 1,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_amount: l.unitAmount,
      net: l.net,
      tax_rate_bp: l.taxRate,
      tax_rate_percent: l.taxRatePercent ?? null,
      tax_components: l.components ?? [],
      tax_amount: l.taxAmount,
      gross: l.net + l.taxAmount,
      tax_reason: l.reason,
      jurisdiction: l.jurisdiction,
      tax_code: l.taxCode,
    }));
    const totals = orderTotals(
      lines.map((l) => ({
        unitAmount: l.unit_amount,
        quantity: l.quantity,
        net: l.net,
        taxAmount: l.tax_amount,
        gross: l.gross,
      })),
    );
    const seq = await repo.nextOrderSeq(db);
    const row: OrderRow = {
      id,
      number: formatOrderNumber(now.getUTCFullYear(), seq),
      user_id: input.userId,
      state: 'pending_payment',
      currency: input.currency,
      net_total: totals.net,
      tax_total: totals.tax,
      gross_total: totals.gross,
      idempotency_key: input.idempotencyKey,
      billing: input.billing,
      customer_type: input.billing.business ? 'business' : 'consumer',
      billing_country: input.billing.country,
      vat_id: input.vatId,
      vat_status: input.vatStatus,
      tax_date: input.taxDate,
      tax_notes: input.taxNotes,
      ip_address: input.ip,
      ip_country: null,
      last_payment_error: null,
      created_at: now,
      updated_at: now,
      paid_at: null,
      confirmation_mailed_at: null,
      origin: input.origin ?? 'checkout',
      subscription_id: input.subscriptionId ?? null,
      credit_applied: Math.min(input.creditApplied ?? 0, totals.gross),
      refunded_total: 0,
      organization_id: input.organizationId ?? null,
    };
    await repo.insertOrder(db, row, lines);
    return { row, lines };
  }

  async byIdempotencyKey(key: string, trx?: DbHandle): Promise<OrderRow | undefined> {
    return repo.findByIdempotencyKey(trx ? view<OrdersDb>(trx) : this.db, key);
  }

  /** An order's row, in the caller's transaction. */
  async byId(id: string, trx: DbHandle): Promise<OrderRow | undefined> {
    return repo.findOrder(view<OrdersDb>(trx), id);
  }

  /** Any order (payments, staff, the confirmation page once its token is checked). */
  async get(id: string): Promise<Order | undefined> {
    const row = await repo.findOrder(this.db, id);
    return row ? { row, lines: await repo.linesOf(this.db, id) } : undefined;
  }

  /** An order of this customer; another customer's (or an unknown) id is 404. */
  async getForUser(id: string, userId: string): Promise<Order> {
    const row = await repo.findOrderOfUser(this.db, id, userId);
    if (!row) throw new AppError('NOT_FOUND');
    return { row, lines: await repo.linesOf(this.db, id) };
  }

  async listForUser(userId: string, limit = 100): Promise<OrderRow[]> {
    return repo.ordersOfUser(this.db, userId, limit);
  }

  /** An order the viewer may read (their own, or one of an organization they see the orders of); 404 otherwise. */
  async getForViewer(id: string, viewer: OrderViewer): Promise<Order> {
    const row = await repo.findOrderOfViewer(this.db, id, viewer);
    if (!row) throw new AppError('NOT_FOUND');
    return { row, lines: await repo.linesOf(this.db, id) };
  }

  /** The viewer's orders and those of the organizations they see the orders of, newest first. */
  async listForViewer(viewer: OrderViewer, limit = 100): Promise<OrderRow[]> {
    return repo.ordersOfViewer(this.db, viewer, limit);
  }

  async search(filter: {
    q?: string | undefined;
    state?: string | undefined;
    limit?: number;
    offset?: number;
  }) {
    return repo.searchOrders(this.db, { ...filter, limit: filter.limit ?? 50, offset: filter.offset ?? 0 });
  }

  /** The staff dashboard's figures: orders paid since `since` and revenue by currency; failed payments. */
  async activity(since: Date, limit = 10) {
    return repo.orderActivity(this.db, since, limit);
  }

  /**
   * The payment of this order succeeded: mark it paid and publish "order paid" — both in the
   * caller's transaction, once. A second call (a duplicate event) finds it paid and does nothing.
   */
  async markPaid(orderId: string, trx: DbHandle): Promise<boolean> {
    const db = view<OrdersDb>(trx);
    const order = await repo.findOrder(db, orderId, true);
    if (!order) throw new AppError('NOT_FOUND');
    if (order.paid_at) return false;
    let next: OrderState;
    try {
      next = transition(order.state, 'paid');
    } catch (err) {
      return toAppError(err);
    }
    const now = this.ctx.clock.now();
    await repo.updateOrder(db, orderId, {
      state: next,
      paid_at: now,
      updated_at: now,
      last_payment_error: null,
    });
    await this.ctx.events.publish('orders.paid', { orderId }, { trx, key: orderId });
    this.ctx.log.info({ orderId, number: order.number }, 'order paid');
    return true;
  }

  /** A payment attempt failed: an unpaid order shows it; a paid one (a late, reordered event) is left alone. */
  async markPaymentFailed(orderId: string, message: string, trx: DbHandle): Promise<void> {
    const db = view<OrdersDb>(trx);
    const order = await repo.findOrder(db, orderId, true);
    if (!order || order.paid_at) return;
    if (order.state !== 'pending_payment' && order.state !== 'payment_failed') return;
    await repo.updateOrder(db, orderId, {
      state: transition(order.state, 'payment_failed'),
      last_payment_error: message.slice(0, 300),
      updated_at: this.ctx.clock.now(),
    });
  }

  /** Cancels an order nobody paid (a voided renewal, a subscription canceled meanwhile); a paid one is left alone. */
  async cancelUnpaid(orderId: string, trx: DbHandle): Promise<boolean> {
    const db = view<OrdersDb>(trx);
    const order = await repo.findOrder(db, orderId, true);
    if (!order || order.paid_at || !canTransition(order.state, 'canceled')) return false;
    await repo.updateOrder(db, orderId, { state: 'canceled', updated_at: this.ctx.clock.now() });
    return true;
  }

  /** Can this order still take a payment? (The pay page asks before accepting a card.) */
  async awaitingPayment(orderId: string, trx?: DbHandle): Promise<boolean> {
    const order = await repo.findOrder(trx ? view<OrdersDb>(trx) : this.db, orderId);
    return order !== undefined && (order.state === 'pending_payment' || order.state === 'payment_failed');
  }

  /** Claims the right to send the confirmation mail: true once per order, in the caller's transaction. */
  async claimConfirmation(orderId: string, trx: DbHandle): Promise<boolean> {
    return repo.claimConfirmationMail(view<OrdersDb>(trx), orderId, this.ctx.clock.now());
  }

  /**
   * The order and its lines, locked until the caller's transaction ends: refund decisions
   * (balance checks, allocations over the lines) are taken on it one at a time.
   */
  async lockForRefund(orderId: string, trx: DbHandle): Promise<Order> {
    const db = view<OrdersDb>(trx);
    const row = await repo.findOrder(db, orderId, true);
    if (!row) throw new AppError('NOT_FOUND');
    return { row, lines: await repo.linesOf(db, orderId) };
  }

  /**
   * A refund succeeded: add it to the order's refunded total, move the order to
   * partially_refunded or refunded, and publish "order refunded" — all in the caller's
   * transaction, so the event exists exactly when the refund is recorded as succeeded.
   * The caller applies each refund once (its own status is the guard).
   */
  async applyRefund(
    orderId: string,
    refund: { refundId: string; amount: number },
    trx: DbHandle,
  ): Promise<{ row: OrderRow; full: boolean }> {
    const db = view<OrdersDb>(trx);
    const order = await repo.findOrder(db, orderId, true);
    if (!order) throw new AppError('NOT_FOUND');
    if (!refundable(order.state))
      throw new AppError('ORDER_STATE_CONFLICT', `An order in state ${order.state} cannot be refunded`);
    const refunded = Number(order.refunded_total) + refund.amount;
    // What the customer paid: account credit applied to a subscription charge was never paid.
    const paid = Number(order.gross_total) - Number(order.credit_applied);
    if (!Number.isSafeInteger(refund.amount) || refund.amount <= 0 || refunded > paid)
      throw new AppError('REFUND_EXCEEDS_BALANCE');
    const full = refunded === paid;
    let next: OrderState;
    try {
      next = transition(order.state, full ? 'refunded' : 'partially_refunded');
    } catch (err) {
      return toAppError(err);
    }
    const now = this.ctx.clock.now();
    await repo.setRefunded(db, orderId, { refunded_total: refunded, state: next, updated_at: now });
    await this.ctx.events.publish(
      'orders.refunded',
      { orderId, refundId: refund.refundId, amount: refund.amount, currency: order.currency, full },
      { trx, key: refund.refundId },
    );
    this.ctx.log.info({ orderId, refundId: refund.refundId, amount: refund.amount, full }, 'order refunded');
    return { row: { ...order, refunded_total: refunded, state: next, updated_at: now }, full };
  }

  /** Claims the right to mail the notice of this refund: true once per refund, in the caller's transaction. */
  async claimRefundNotice(refundId: string, orderId: string, trx: DbHandle): Promise<boolean> {
    return repo.claimRefundNotice(view<OrdersDb>(trx), refundId, orderId, this.ctx.clock.now());
  }

  /** Runs `fn` in a transaction of this module's database. */
  async transaction<R>(fn: (trx: DbHandle) => Promise<R>): Promise<R> {
    return inTransaction(this.db, (tx) => fn(handle(tx)));
  }
}
