import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { DomainEvents } from '../../platform/jobs/events.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { Order, OrdersModule } from '../orders/index.ts';
import type { Delivery } from './delivery.ts';
import { type PlanSku, planSteps } from './domain/plan.ts';
import type { EntitlementSync } from './entitlements.ts';
import { READY_MAIL_TEMPLATE, sendAttentionMail, sendReadyMail } from './fulfillment.mail.ts';
import * as repo from './fulfillment.repository.ts';
import type { FulfillmentDb, FulfillmentRow, FulfillmentStatus, StepRow } from './fulfillment.tables.ts';

/** Who may send an order's mails again (support and admins), as for the confirmation mail. */
export const RESEND_PERMISSION = 'admin.orders.resend';

/** Attempts after the first (backoff from 30 s: the last one is about two hours after the first). */
export const FULFILL_RETRY_LIMIT = 8;

/** Where a test may stop the fulfillment: after a step's delivery committed, after the whole step. */
export type FaultPoint = 'after-effect' | 'after-step';
export type FaultHook = (at: {
  point: FaultPoint;
  orderId: string;
  step: string;
  index: number;
}) => void | Promise<void>;

export interface FulfillmentDeps {
  orders: OrdersModule;
  catalog: CatalogModule;
  accounts: AccountsModule;
  audit: AuditModule;
  delivery: Delivery;
  sync: EntitlementSync;
}

export interface FulfillmentView {
  fulfillment: FulfillmentRow;
  steps: StepRow[];
}

const EMAIL = /[^\s@<>()"']+@[^\s@<>()"']+/g;

/** An error as staff see it: its code and message, never customer data (addresses are masked). */
export function describeError(err: unknown): string {
  if (isAppError(err)) return `${err.code}: ${err.message}`.slice(0, 300);
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  const message = e.message.replace(EMAIL, '[address]');
  return `${e.name}${typeof code === 'string' ? ` (${code})` : ''}: ${message}`.slice(0, 300);
}

/**
 * Fulfillment of paid checkout orders. An order is planned once into steps (one per line, one
 * per bundle component), each keyed by its order line; each step delivers (a license through
 * licensing, an enrollment, a consulting allocation), syncs the delivery with the line's
 * subscription and refunds, and is marked done — each part committing on its own and each
 * idempotent, so a failure or a killed process anywhere resumes on the next run and ends with
 * exactly one of each. When every step is done, the "ready" mail is queued once. A failing run
 * records the step and the error; the last retry puts the order on staff's "needs attention"
 * list and mails them; staff retry from there.
 */
export class FulfillmentService {
  #faults: FaultHook | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<FulfillmentDb>,
    private readonly deps: FulfillmentDeps,
  ) {}

  /** Tests stop the fulfillment between steps with this (a throw, or a process exit). Never in production. */
  setFaultHook(hook: FaultHook | undefined): void {
    if (this.ctx.config.env === 'production') throw new Error('Fault hooks are for tests only.');
    this.#faults = hook;
  }

  async #fault(point: FaultPoint, orderId: string, step: string, index: number): Promise<void> {
    await this.#faults?.({ point, orderId, step, index });
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  async get(orderId: string): Promise<FulfillmentView | undefined> {
    const fulfillment = await repo.find(this.db, orderId);
    return fulfillment && { fulfillment, steps: await repo.stepsOf(this.db, orderId) };
  }

  async list(filter: { status?: FulfillmentStatus | undefined; limit?: number }) {
    const rows = await repo.list(this.db, {
      status: filter.status,
      limit: Math.min(Math.max(filter.limit ?? 50, 1), 200),
    });
    const counts = await repo.stepCounts(
      this.db,
      rows.map((r) => r.order_id),
    );
    return rows.map((fulfillment) => ({
      fulfillment,
      steps: counts.get(fulfillment.order_id) ?? { done: 0, total: 0 },
    }));
  }

  // ---- the flow -----------------------------------------------------------------------------------------------

  /**
   * "Order paid": fulfils a paid checkout order (renewals and plan changes reach licenses through
   * their subscription). `final`: the queue will not retry after this attempt.
   */
  async onOrderPaid(orderId: string, options: { final: boolean }): Promise<FulfillmentRow | undefined> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order?.row.paid_at || order.row.origin !== 'checkout') return undefined;
    return this.#run(order, options.final);
  }

  /** Staff run an order's fulfillment again (audited): only what is missing is delivered. */
  async retry(staff: StaffContext, orderId: string): Promise<FulfillmentView & { error: string | null }> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order) throw new AppError('NOT_FOUND');
    if (!order.row.paid_at || order.row.origin !== 'checkout')
      throw new AppError(
        'ORDER_STATE_CONFLICT',
        `Order ${order.row.number} is not a paid checkout order: it has nothing to fulfil.`,
      );
    const before = await repo.find(this.db, orderId);
    let error: string | null = null;
    try {
      await this.#run(order, true);
    } catch (err) {
      error = describeError(err);
    }
    const view = (await this.get(orderId))!;
    await this.deps.audit.log.record({
      actor: staff.actor,
      action: 'fulfillment.retry',
      target: { type: 'order', id: orderId },
      before: before
        ? { status: before.status, attempts: before.attempts, failedStep: before.failed_step }
        : null,
      after: { status: view.fulfillment.status, failedStep: view.fulfillment.failed_step, error },
      ip: staff.ip,
      requestId: staff.requestId,
    });
    return { ...view, error };
  }

  /**
   * Staff send an order's "ready" mail again (a customer who lost it), audited in the same
   * transaction. Only a fulfilled order has one; it lists what is still in force now (a line
   * refunded since is left out), keys masked as always.
   */
  async resendDelivery(staff: StaffContext, orderId: string): Promise<{ items: number }> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order) throw new AppError('NOT_FOUND', 'No order has this id.');
    const row = await repo.find(this.db, orderId);
    if (row?.status !== 'fulfilled')
      throw new AppError(
        'ORDER_STATE_CONFLICT',
        row
          ? `Order ${order.row.number} is not fulfilled yet (${row.status.replace('_', ' ')}): there is no delivery mail to send.`
          : `Order ${order.row.number} has nothing delivered: there is no delivery mail to send.`,
      );
    // Read before the transaction (other modules' tables; one connection on PGlite).
    const items = await this.deps.delivery.items(await repo.stepsOf(this.db, orderId));
    if (!items.length)
      throw new AppError(
        'ORDER_STATE_CONFLICT',
        `Nothing order ${order.row.number} delivered is still in force (refunded): there is no delivery mail to send.`,
      );
    await inTransaction(this.db, async (tx) => {
      await sendReadyMail(this.ctx, handle(tx), order, items);
      await this.deps.audit.log.record(
        {
          actor: staff.actor,
          action: 'order.delivery-resent',
          target: { type: 'order', id: orderId },
          before: null,
          after: { mail: READY_MAIL_TEMPLATE, items: items.length },
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(tx),
      );
    });
    return { items: items.length };
  }

  /** The staff order page's fulfillment actions: the delivery mail again, once the order is fulfilled. */
  async staffOrderActions(orderId: string): Promise<{ label: string; action: string; permission: string }[]> {
    const row = await repo.find(this.db, orderId);
    if (row?.status !== 'fulfilled') return [];
    return [
      {
        label: 'Resend the delivery mail (keys and activation steps)',
        action: `/admin/orders/${encodeURIComponent(orderId)}/resend-delivery`,
        permission: RESEND_PERMISSION,
      },
    ];
  }

  async #run(order: Order, final: boolean): Promise<FulfillmentRow> {
    const orderId = order.row.id;
    await inTransaction(this.db, async (tx) => {
      await repo.ensure(
        tx,
        { order_id: orderId, order_number: order.row.number, user_id: order.row.user_id },
        this.ctx.clock.now(),
      );
      await repo.countAttempt(tx, orderId, this.ctx.clock.now());
    });
    let current = 'plan';
    try {
      const steps = await this.#plan(order);
      for (const [index, step] of steps.entries()) {
        if (step.status === 'done') continue;
        current = step.key;
        await this.#runStep(order, step, index);
        await this.#fault('after-step', orderId, step.key, index);
      }
      current = 'ready-mail';
      await this.#complete(order, steps);
    } catch (err) {
      await this.#failed(order, current, err, final);
      throw err;
    }
    return (await repo.find(this.db, orderId))!;
  }

  /** The order's steps: planned once (the catalog may change later; the plan does not). */
  async #plan(order: Order): Promise<StepRow[]> {
    const orderId = order.row.id;
    const known = await repo.find(this.db, orderId);
    if (known?.planned_at) return repo.stepsOf(this.db, orderId);
    const view = await this.deps.catalog.service.view();
    const skus = new Map(view.data.skus.map((s) => [s.code, s]));
    const names = new Map(order.lines.map((l) => [l.sku, l.name]));
    const skuOf = (code: string): PlanSku => {
      const s = skus.get(code);
      if (!s) throw new AppError('SKU_NOT_FOUND', `${code} is not in the catalog.`);
      const recurring = s.billing === 'recurring' && s.interval !== null;
      return {
        code,
        name: names.get(code) ?? s.name,
        perSeat: s.perSeat,
        fulfillment: s.fulfillment,
        recurring,
      };
    };
    const planned = planSteps(
      order.lines.map((l) => ({
        id: l.id,
        position: Number(l.position),
        sku: l.sku,
        name: l.name,
        quantity: Number(l.quantity),
        gross: Number(l.net) + Number(l.tax_amount),
      })),
      skuOf,
      (bundle) => view.data.bundleItems.filter((i) => i.bundleSku === bundle),
    );
    await inTransaction(this.db, async (tx) => {
      const row = await repo.find(tx, orderId, true);
      if (row?.planned_at) return;
      await repo.insertSteps(
        tx,
        planned.map((s) => ({
          key: s.key,
          order_id: orderId,
          position: s.position,
          line_id: s.lineId,
          line_position: s.linePosition,
          line_quantity: s.lineQuantity,
          line_gross: s.lineGross,
          sku: s.sku,
          name: s.name,
          bundle_sku: s.bundleSku,
          kind: s.kind,
          per_unit: s.perUnit,
          delivered: s.delivered,
          recurring: s.recurring,
          status: 'pending',
          target_id: null,
          done_at: null,
        })),
      );
      await repo.update(tx, orderId, { planned_at: this.ctx.clock.now() });
    });
    return repo.stepsOf(this.db, orderId);
  }

  /** Deliver (idempotent by the step's key), sync with the subscription and refunds, mark done. */
  async #runStep(order: Order, step: StepRow, index: number): Promise<void> {
    const targetId = await this.deps.delivery.deliver(order, step);
    await this.#fault('after-effect', order.row.id, step.key, index);
    await this.deps.sync.syncStep(step, { seats: true });
    await repo.markStepDone(this.db, step.key, targetId, this.ctx.clock.now());
  }

  /** Every step done: the "ready" mail (once per order) and the fulfilled status, together. */
  async #complete(order: Order, steps: readonly StepRow[]): Promise<void> {
    const orderId = order.row.id;
    const known = await repo.find(this.db, orderId);
    if (known?.status === 'fulfilled' && known.mailed_at) return;
    // Read before the transaction (other modules' tables; one connection on PGlite).
    const items = known?.mailed_at ? [] : await this.deps.delivery.items(steps);
    await inTransaction(this.db, async (tx) => {
      const row = await repo.find(tx, orderId, true);
      if (!row) return;
      const now = this.ctx.clock.now();
      if (items.length && (await repo.claimMail(tx, orderId, now)))
        await sendReadyMail(this.ctx, handle(tx), order, items);
      await repo.update(tx, orderId, {
        status: 'fulfilled',
        fulfilled_at: row.fulfilled_at ?? now,
        failed_step: null,
        last_error: null,
        updated_at: now,
      });
    });
    this.ctx.log.info({ orderId, steps: steps.length }, 'order fulfilled');
  }

  /** A failed run: recorded for staff; after the last retry the order needs attention (staff mailed once). */
  async #failed(order: Order, step: string, err: unknown, final: boolean): Promise<void> {
    const orderId = order.row.id;
    const error = describeError(err);
    this.ctx.log[final ? 'error' : 'warn']({ err, orderId, step, final }, 'fulfillment failed');
    await inTransaction(this.db, async (tx) => {
      const row = await repo.find(tx, orderId, true);
      if (!row || row.status === 'fulfilled') return;
      const now = this.ctx.clock.now();
      const attention = final || row.status === 'needs_attention';
      await repo.update(tx, orderId, {
        failed_step: step,
        last_error: error,
        updated_at: now,
        ...(attention ? { status: 'needs_attention' as const, attention_at: row.attention_at ?? now } : {}),
      });
      if (attention && row.status !== 'needs_attention')
        await sendAttentionMail(
          this.ctx,
          handle(tx),
          await this.deps.accounts.staffEmails('admin', handle(tx)),
          {
            orderId,
            orderNumber: row.order_number,
            step,
            error,
            attempts: row.attempts,
          },
        );
    });
  }

  // ---- what happens after delivery -----------------------------------------------------------------------------

  /** A subscription moved: its line's licenses follow (once per change; state-based, so order does not matter). */
  async onSubscriptionChanged(e: DomainEvents['subscriptions.changed']): Promise<void> {
    const key = `subscription:${e.key}`;
    if (await repo.wasApplied(this.db, key)) return;
    const sub = await this.deps.sync.subscription(e.subscriptionId);
    if (sub)
      for (const step of await repo.stepsOfLine(this.db, sub.origin_order_id, Number(sub.origin_line)))
        if (step.kind === 'license')
          await this.deps.sync.syncStep(step, { seats: e.change === 'plan_changed' });
    await repo.markApplied(this.db, key, this.ctx.clock.now());
  }

  /** Money went back: every delivery of the order is brought in line with its line's refunds (once per refund). */
  async onOrderRefunded(e: DomainEvents['orders.refunded']): Promise<void> {
    const key = `refund:${e.refundId}`;
    if (await repo.wasApplied(this.db, key)) return;
    for (const step of await repo.stepsOf(this.db, e.orderId))
      await this.deps.sync.syncStep(step, { seats: true });
    await repo.markApplied(this.db, key, this.ctx.clock.now());
  }
}
