import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction } from '../../platform/db/transaction.ts';
import type { DomainEvents } from '../../platform/jobs/events.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { Order, OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import {
  determineOnboardingPlan,
  fullyRefundedLines,
  type OnboardingTemplate,
  type OrderItem,
  type OrderLineInput,
  orderItems,
  stepsToCancel,
} from './domain/onboarding-plan.ts';
import { composeOnboardingMail } from './onboarding.mail.ts';
import * as repo from './onboarding.repository.ts';
import type { OnboardingDb, OnboardingStepRow, PlanRow } from './onboarding.tables.ts';
import { unsubscribeToken } from './unsubscribe-token.ts';

const HOUR_MS = 3_600_000;

export interface OnboardingDeps {
  orders: OrdersModule;
  catalog: CatalogModule;
  payments: PaymentsModule;
}

export type SendOutcome = 'sent' | 'suppressed' | 'skipped';

export interface OnboardingView {
  plan: PlanRow;
  steps: OnboardingStepRow[];
}

/** Where the unsubscribe links of marketing mail point (the page, and RFC 8058's one-click endpoint). */
export const unsubscribePaths = {
  page: '/unsubscribe',
  oneClick: '/unsubscribe/one-click',
} as const;

const linesOf = (order: Order): OrderLineInput[] =>
  order.lines.map((l) => ({
    id: l.id,
    sku: l.sku,
    name: l.name,
    gross: Number(l.net) + Number(l.tax_amount),
  }));

/**
 * 002's onboarding sequence. "Order paid" (checkout orders only: a renewal is no new customer)
 * plans the order once into one row per mail, due at the payment time plus the mail's delay; the
 * sweep sends what is due, each row marked sent in the transaction that queues its mail, under a
 * row lock that a concurrent sweep skips, so each mail goes out once. Refunds cancel what they
 * made irrelevant; marketing mail to an unsubscribed address is suppressed when it falls due.
 */
export class OnboardingService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<OnboardingDb>,
    private readonly deps: OnboardingDeps,
  ) {}

  // ---- scheduling ---------------------------------------------------------------------------------------------

  /** "Order paid": plan the sequence once, bring it in line with refunds, send what is due now (the welcome). */
  async onOrderPaid(orderId: string): Promise<void> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order?.row.paid_at || order.row.origin !== 'checkout') return;
    if (!(await repo.findPlan(this.db, orderId))) await this.#schedule(order);
    // A refund handled before this delivery (queues run independently) still counts.
    await this.applyRefunds(orderId);
    await this.sendDue({ orderId });
  }

  async #schedule(order: Order): Promise<void> {
    const view = await this.deps.catalog.service.view();
    const skus = new Map(view.data.skus.map((s) => [s.code, s]));
    const products = new Map(view.data.products.map((p) => [p.key, p]));
    const items = orderItems(
      linesOf(order),
      (code) => {
        // The product's type (staff set it in the catalog) says how the SKU is delivered.
        const sku = skus.get(code);
        const product = sku && products.get(sku.productKey);
        return sku && product ? { name: sku.name, productType: product.type } : undefined;
      },
      (bundle) => view.data.bundleItems.filter((i) => i.bundleSku === bundle),
    );
    const paidAt = new Date(order.row.paid_at!);
    const now = this.ctx.clock.now();
    const steps = determineOnboardingPlan(items).map(
      (s): OnboardingStepRow => ({
        order_id: order.row.id,
        template: s.template,
        category: s.category,
        product_group: s.group,
        due_at: new Date(paidAt.getTime() + s.delayHours * HOUR_MS),
        status: 'scheduled',
        message_id: null,
        reason: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      }),
    );
    await inTransaction(this.db, async (tx) => {
      const created = await repo.insertPlan(tx, {
        order_id: order.row.id,
        order_number: order.row.number,
        user_id: order.row.user_id,
        recipient: order.row.billing.email,
        recipient_name: order.row.billing.name,
        items,
        paid_at: paidAt,
        created_at: now,
      });
      // Another delivery of the event planned it first: its steps stand.
      if (created) await repo.insertSteps(tx, steps);
    });
    this.ctx.log.info({ orderId: order.row.id, steps: steps.length }, 'onboarding scheduled');
  }

  // ---- refunds ------------------------------------------------------------------------------------------------

  /** "Order refunded": cancel what the refunds made irrelevant. */
  async onOrderRefunded(e: DomainEvents['orders.refunded']): Promise<number> {
    return this.applyRefunds(e.orderId, e.full);
  }

  /**
   * Cancels the scheduled steps that the order's succeeded refunds made irrelevant: all of them
   * when the order is refunded in full, else those about a product family no unrefunded line is
   * left of. State-based (all refunds so far, not one event), so repeats and reorderings agree.
   */
  async applyRefunds(orderId: string, full = false): Promise<number> {
    const plan = await repo.findPlan(this.db, orderId);
    if (!plan) return 0;
    const { refunded, inFull } = await this.#refundState(orderId);
    const scheduled = (await repo.stepsOf(this.db, orderId))
      .filter((s) => s.status === 'scheduled')
      .map((s) => s.template);
    const cancel = stepsToCancel(scheduled, plan.items, refunded, full || inFull);
    const n = await repo.cancelScheduled(this.db, orderId, cancel, 'refund', this.ctx.clock.now());
    if (n) this.ctx.log.info({ orderId, cancelled: n }, 'onboarding steps cancelled by a refund');
    return n;
  }

  async #refundState(orderId: string): Promise<{ refunded: Set<string>; inFull: boolean }> {
    const order = await this.deps.orders.service.get(orderId);
    if (!order) return { refunded: new Set(), inFull: false };
    const refunds = (await this.deps.payments.refunds.ofOrder(orderId)).filter(
      (r) => r.status === 'succeeded',
    );
    return {
      refunded: fullyRefundedLines(
        linesOf(order),
        refunds.map((r) => r.allocation),
      ),
      inFull: order.row.state === 'refunded',
    };
  }

  // ---- sending ------------------------------------------------------------------------------------------------

  /** Sends every step that is due (of one order, when given); the cron job and tests call this. */
  async sendDue(
    options: { orderId?: string; limit?: number } = {},
  ): Promise<Record<SendOutcome | 'failed', number>> {
    const counts = { sent: 0, suppressed: 0, skipped: 0, failed: 0 };
    const due = await repo.due(this.db, this.ctx.clock.now(), options.limit ?? 500, options.orderId);
    for (const step of due) {
      try {
        counts[await this.sendStep(step.order_id, step.template)]++;
      } catch (err) {
        // The step stays scheduled, so the next sweep tries it again; one order's problem must
        // not hold up every other buyer's mail.
        counts.failed++;
        this.ctx.log.error(
          { err, orderId: step.order_id, template: step.template },
          'onboarding mail failed',
        );
      }
    }
    return counts;
  }

  /**
   * One due step: claimed under a row lock (skipped if another worker holds it or it is no longer
   * scheduled), then its mail queued and the step marked sent in the same transaction.
   */
  async sendStep(orderId: string, template: OnboardingTemplate): Promise<SendOutcome> {
    const plan = await repo.findPlan(this.db, orderId);
    if (!plan) return 'skipped';
    // Read before the transaction: other modules' tables, and PGlite has one connection.
    const items = await this.#liveItems(plan);
    const base = this.ctx.config.publicUrl;
    return inTransaction(this.db, async (tx) => {
      const now = this.ctx.clock.now();
      const step = await repo.claimDue(tx, orderId, template, now);
      if (!step) return 'skipped';
      const marketing = step.category === 'marketing';
      if (marketing && !(await repo.acceptsMarketing(tx, plan.recipient))) {
        await repo.updateStep(tx, orderId, template, {
          status: 'suppressed',
          reason: 'unsubscribed',
          updated_at: now,
        });
        return 'suppressed';
      }
      const token = marketing ? unsubscribeToken(this.ctx.secrets, plan.recipient) : undefined;
      const mail = composeOnboardingMail({
        template,
        base,
        bookingUrl: this.ctx.config.consultingBookingUrl,
        recipientName: plan.recipient_name,
        orderNumber: plan.order_number,
        items,
        ...(token ? { unsubscribeUrl: `${base}${unsubscribePaths.page}?token=${token}` } : {}),
      });
      const messageId = await this.ctx.mail.enqueue(
        {
          to: plan.recipient,
          template,
          category: step.category,
          ...mail,
          ...(token
            ? {
                // RFC 2369 + RFC 8058: mail providers show an unsubscribe button and POST here.
                headers: {
                  'List-Unsubscribe': `<${base}${unsubscribePaths.oneClick}?token=${token}>`,
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                },
              }
            : {}),
        },
        handle(tx),
      );
      await repo.updateStep(tx, orderId, template, {
        status: 'sent',
        message_id: messageId,
        sent_at: now,
        updated_at: now,
      });
      return 'sent';
    });
  }

  /** The plan's items without the lines refunded in full (a mail does not list what went back). */
  async #liveItems(plan: PlanRow): Promise<OrderItem[]> {
    const { refunded } = await this.#refundState(plan.order_id);
    const live = plan.items.filter((i) => !refunded.has(i.lineId));
    return live.length ? live : plan.items;
  }

  // ---- staff reads --------------------------------------------------------------------------------------------

  /** An order's sequence, by order id or order number. */
  async view(order: string): Promise<OnboardingView | undefined> {
    const plan = (await repo.findPlan(this.db, order)) ?? (await repo.findPlanByNumber(this.db, order));
    return plan && { plan, steps: await repo.stepsOf(this.db, plan.order_id) };
  }

  /** The most recently paid orders' sequences, with their steps counted by status. */
  async recent(limit = 50) {
    const plans = await repo.recentPlans(this.db, Math.min(Math.max(limit, 1), 200));
    const counts = await repo.stepCounts(
      this.db,
      plans.map((p) => p.order_id),
    );
    return plans.map((plan) => ({
      plan,
      counts: counts.get(plan.order_id) ?? { scheduled: 0, sent: 0, cancelled: 0, suppressed: 0 },
    }));
  }
}
