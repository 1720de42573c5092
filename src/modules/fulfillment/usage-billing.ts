import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { type DbHandle, handle, inTransaction } from '../../platform/db/transaction.ts';
import type { DomainEvents } from '../../platform/jobs/events.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { type Currency, formatMoney, isCurrency } from '../../platform/money.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { LicenseRow, LicensingModule } from '../licensing/index.ts';
import {
  type BillingDetails,
  type Order,
  type OrdersModule,
  quoteCustomerOf,
  vatStatusOf,
} from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { SubscriptionRow, SubscriptionsModule } from '../subscriptions/index.ts';
import type { PricedItem, TaxModule } from '../tax/index.ts';
import * as repo from './fulfillment.repository.ts';
import type { FulfillmentDb } from './fulfillment.tables.ts';

export const OVERAGE_DUE_MAIL_TEMPLATE = 'fulfillment.overage-due';

export interface UsageBillingDeps {
  catalog: CatalogModule;
  licensing: LicensingModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  subscriptions: SubscriptionsModule;
  tax: TaxModule;
}

/** How a period's overage ended: nothing to bill, no purchase to bill it to, paid, or due (the customer was asked to pay). */
export type OverageOutcome = 'none' | 'unbilled' | 'paid' | 'due';

type ClosedPeriod = DomainEvents['licensing.usage-period-closed'];

/** Who pays a license's overage: the purchase that delivered it, its subscription and card. */
interface Payer {
  order: Order;
  subscription: SubscriptionRow | undefined;
  /** The card to charge without the customer present: the subscription's, else the one that paid the purchase. */
  methodId: string | null;
  billing: BillingDetails;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Bills a usage license's overage when its period closes (`licensing.usage-period-closed`, 002's
 * calculateUsageBilling amounts). Fulfillment does it because it knows which purchase delivered
 * the license: the overage becomes one order (origin 'usage', one line per meter with an amount,
 * taxed like the product at the period's end, billed to the purchase's billing details) whose
 * idempotency key is the period's, so a repeated event or a crash between steps bills it once.
 * The saved card is charged at once; paid, the order is invoiced like any other. Declined, or
 * with no card to charge, the customer is mailed the amount and a link to pay (once). A license
 * issued by staff has no purchase: its trail records the overage for staff to invoice by hand.
 */
export class UsageBilling {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<FulfillmentDb>,
    private readonly deps: UsageBillingDeps,
  ) {}

  async onPeriodClosed(e: ClosedPeriod): Promise<OverageOutcome> {
    if (e.amount <= 0) return 'none';
    const license = await this.deps.licensing.licenses.get(e.licenseId);
    if (!license) return 'none';
    const periodStart = new Date(e.periodStart);
    const payer = await this.#payerOf(license);
    if (!payer) {
      await inTransaction(this.db, async (tx) => {
        if (await repo.claimApplied(tx, `overage-unbilled:${e.key}`, this.ctx.clock.now()))
          await this.deps.licensing.usage.markUnbilled(
            license.id,
            periodStart,
            license.source === 'staff'
              ? 'issued by staff, without a purchase to bill'
              : 'its purchase was not found',
            handle(tx),
          );
      });
      return 'unbilled';
    }
    const orderId = await this.#order(e, license, payer);
    const { payments } = this.deps;
    const payment = await payments.service.ofOrder(orderId);
    if (!payment || payment.status === 'succeeded') return 'paid';
    let reason = 'no card is saved for automatic charges';
    // The built-in provider charges a saved card itself (once: a redelivered event does not try a
    // declined card again); with Stripe the customer pays by the link.
    if (payment.status === 'failed') reason = payment.failure_message ?? 'the card was declined';
    else if (payment.provider === 'test' && payer.methodId) {
      const result = await payments.service.chargeSaved(payment.id, payer.methodId);
      if (result.kind === 'succeeded') return 'paid';
      reason = result.kind === 'declined' ? result.message : 'the card could not be charged';
    }
    const payUrl =
      (await payments.service.payUrlForOrder(orderId)) ??
      `${this.ctx.config.publicUrl}/account/orders/${orderId}`;
    await inTransaction(this.db, async (tx) => {
      // Once per period, whatever the number of runs; it commits with the claim.
      if (!(await repo.claimApplied(tx, `overage-mail:${e.key}`, this.ctx.clock.now()))) return;
      const order = await this.deps.orders.service.byId(orderId, handle(tx));
      if (!order || order.paid_at) return;
      await sendOverageDue(this.ctx, handle(tx), {
        to: payer.billing.email,
        name: payer.billing.name,
        product: license.sku,
        period: e,
        amount: Number(order.gross_total),
        currency: order.currency as Currency,
        orderNumber: order.number,
        reason,
        payUrl,
      });
    });
    return 'due';
  }

  async #payerOf(license: LicenseRow): Promise<Payer | undefined> {
    if (license.source !== 'order') return undefined;
    const step = await repo.stepByKey(this.db, license.source_ref);
    const order = step && (await this.deps.orders.service.get(step.order_id));
    if (!step || !order) return undefined;
    const subscription = (await this.deps.subscriptions.service.ofOrder(order.row.id)).find(
      (s) => Number(s.origin_line) === step.line_position,
    );
    const methodId = subscription
      ? subscription.payment_method_id
      : ((await this.deps.payments.service.methodThatPaid(order.row.id)) ?? null);
    return { order, subscription, methodId, billing: subscription?.billing ?? order.row.billing };
  }

  /** The order that bills the period, created once (with its payment), the statement marked billed with it. */
  async #order(e: ClosedPeriod, license: LicenseRow, payer: Payer): Promise<string> {
    const key = `overage:${e.licenseId}:${e.periodStart}`;
    const existing = await this.deps.orders.service.byIdempotencyKey(key);
    if (existing) return existing.id;
    if (!isCurrency(e.currency)) throw new Error(`overage in an unknown currency ${e.currency}`);
    const found = await this.deps.catalog.service.skuWithPrices(license.sku).catch(() => undefined);
    const kind = found?.sku.fulfillment.kind ?? 'license';
    const items: PricedItem[] = e.meters
      .filter((m) => m.amount > 0)
      .map((m) => ({
        sku: license.sku,
        name: `Usage overage, ${m.meter}: ${m.overage.toLocaleString('en-US')} above the ${(m.included ?? 0).toLocaleString('en-US')} included, ${day(e.periodStart)} to ${day(e.periodEnd)}`,
        kind,
        unitAmount: m.amount,
        quantity: 1,
      }));
    const b = payer.billing;
    const quote = await this.deps.tax.quotePriced(
      items,
      e.currency,
      quoteCustomerOf(b),
      // The supply is the period's usage: taxed at the rates of its last day.
      { at: new Date(new Date(e.periodEnd).getTime() - 1) },
    );
    return inTransaction(this.db, async (tx) => {
      const trx = handle(tx);
      const again = await this.deps.orders.service.byIdempotencyKey(key, trx);
      if (again) return again.id;
      const order = await this.deps.orders.service.create(
        {
          userId: payer.order.row.user_id,
          idempotencyKey: key,
          currency: quote.currency,
          billing: b,
          vatId: quote.vat.vatId ?? (b.business ? b.vatId : null),
          vatStatus: vatStatusOf(quote.vat.status),
          taxDate: quote.date,
          taxNotes: quote.notes,
          ip: null,
          lines: quote.lines,
          origin: 'usage',
          subscriptionId: payer.subscription?.id ?? null,
          organizationId: payer.order.row.organization_id,
        },
        trx,
      );
      await this.deps.payments.service.createPayment(
        {
          orderId: order.row.id,
          userId: order.row.user_id,
          amount: order.row.gross_total,
          currency: quote.currency,
        },
        trx,
      );
      await this.deps.licensing.usage.markBilled(license.id, new Date(e.periodStart), order.row.id, trx);
      return order.row.id;
    });
  }
}

async function sendOverageDue(
  ctx: PlatformContext,
  trx: DbHandle,
  m: {
    to: string;
    name: string;
    product: string;
    period: ClosedPeriod;
    amount: number;
    currency: Currency;
    orderNumber: string;
    reason: string;
    payUrl: string;
  },
): Promise<void> {
  const money = formatMoney(m.amount, m.currency);
  const lines = m.period.meters
    .filter((x) => x.amount > 0)
    .map(
      (x) =>
        `${x.meter}: ${x.used.toLocaleString('en-US')} used, ${(x.included ?? 0).toLocaleString('en-US')} included, ${x.overage.toLocaleString('en-US')} over`,
    );
  await ctx.mail.enqueue(
    {
      to: m.to,
      template: OVERAGE_DUE_MAIL_TEMPLATE,
      subject: `Usage overage of ${money} is due for ${m.product} (order ${m.orderNumber})`,
      ...paragraphMail([
        `Hello ${m.name},`,
        `Your ${m.product} license used more than its plan includes from ${day(m.period.periodStart)} to ${day(m.period.periodEnd)}:`,
        lines.join('\n'),
        `The overage comes to ${money} with tax (order ${m.orderNumber}). We could not charge it automatically: ${m.reason}.`,
        `Pay it here: ${m.payUrl}`,
        'The invoice is mailed to you once it is paid.',
      ]),
    },
    trx,
  );
}
