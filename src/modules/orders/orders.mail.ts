import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { type Currency, formatMoney } from '../../platform/money.ts';
import type { Order } from './orders.service.ts';

export const ORDER_CONFIRMATION_TEMPLATE = 'orders.confirmation';

/**
 * The order confirmation. The same text whether the buyer's account existed
 * or was created at checkout: only the owner of the address reads it, and the
 * guest who typed the address learns nothing about it from the site.
 */
export async function sendOrderConfirmation(
  ctx: PlatformContext,
  trx: DbHandle,
  order: Order,
): Promise<void> {
  const { row, lines } = order;
  const money = (n: number) => formatMoney(n, row.currency as Currency);
  const base = ctx.config.publicUrl;
  const paragraphs = [
    `Hello ${row.billing.name},`,
    `Thank you for your order ${row.number}. Your payment of ${money(row.gross_total)} was received.`,
    lines
      .map((l) => `${l.quantity} × ${l.name} (${l.sku}): ${money(l.net)} + tax ${money(l.tax_amount)}`)
      .join('\n'),
    `Net ${money(row.net_total)}, tax ${money(row.tax_total)}, total ${money(row.gross_total)}.`,
    ...row.tax_notes,
    `Your orders: ${base}/account/orders/${row.id}`,
    `No password yet for ${row.billing.email}? Choose one at ${base}/forgot-password to sign in and see your orders.`,
  ];
  await ctx.mail.enqueue(
    {
      to: row.billing.email,
      template: ORDER_CONFIRMATION_TEMPLATE,
      subject: `Your FHIR IQ order ${row.number}`,
      ...paragraphMail(paragraphs),
    },
    trx,
  );
}

export const ORDER_REFUND_TEMPLATE = 'orders.refund';

/** The refund notice: how much went back, to what, and where the order stands now. */
export async function sendRefundNotice(
  ctx: PlatformContext,
  trx: DbHandle,
  order: Order,
  refund: { amount: number; full: boolean },
): Promise<void> {
  const { row } = order;
  const money = (n: number) => formatMoney(n, row.currency as Currency);
  const base = ctx.config.publicUrl;
  const paragraphs = [
    `Hello ${row.billing.name},`,
    `We refunded ${money(refund.amount)} for your order ${row.number} to the payment method you paid with.`,
    refund.full
      ? 'The order is now refunded in full.'
      : `Refunded so far: ${money(Number(row.refunded_total))} of ${money(Number(row.gross_total))}.`,
    'Depending on your bank, the refund can take a few days to appear on your statement.',
    `Your order: ${base}/account/orders/${row.id}`,
  ];
  await ctx.mail.enqueue(
    {
      to: row.billing.email,
      template: ORDER_REFUND_TEMPLATE,
      subject: `Refund for your FHIR IQ order ${row.number}`,
      ...paragraphMail(paragraphs),
    },
    trx,
  );
}
