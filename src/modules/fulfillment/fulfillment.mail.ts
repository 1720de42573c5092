import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import type { Order } from '../orders/index.ts';

export const READY_MAIL_TEMPLATE = 'fulfillment.ready';
export const ATTENTION_MAIL_TEMPLATE = 'fulfillment.needs-attention';

/** One delivered item as the "ready" mail lists it: never a full key. */
export type DeliveredItem =
  | {
      kind: 'license';
      name: string;
      /** The masked key (prefix and last group only). */
      maskedKey: string;
      seats: number;
      validUntil: Date | null;
    }
  | { kind: 'enrollment'; name: string; seats: number; maskedKey: string; validUntil: Date | null }
  | { kind: 'allocation'; name: string; minutes: number | null; expiresAt: Date | null };

const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describe(item: DeliveredItem): string {
  switch (item.kind) {
    case 'license':
      return `${item.name}: license key ${item.maskedKey}, ${plural(item.seats, 'seat')}, ${
        item.validUntil ? `valid until ${day(item.validUntil)} (renewed with your subscription)` : 'perpetual'
      }.`;
    case 'enrollment':
      return `${item.name}: ${plural(item.seats, 'seat')}, ${
        item.validUntil ? `access until ${day(item.validUntil)}` : 'lifetime access'
      }, access key ${item.maskedKey}.`;
    case 'allocation':
      return item.minutes === null
        ? `${item.name}: a fixed-scope engagement. We will contact you to schedule it.`
        : `${item.name}: ${Math.round((item.minutes / 60) * 100) / 100} consulting hours${
            item.expiresAt ? `, to use by ${day(item.expiresAt)}` : ''
          }.`;
  }
}

/**
 * "Your purchase is ready": what the order delivered, once per order (the claim and the mail
 * commit together). Keys appear masked: the full keys are on the customer's account pages.
 */
export async function sendReadyMail(
  ctx: PlatformContext,
  trx: DbHandle,
  order: Order,
  items: readonly DeliveredItem[],
): Promise<void> {
  const { row } = order;
  const base = ctx.config.publicUrl;
  const has = (kind: DeliveredItem['kind']) => items.some((i) => i.kind === kind);
  const paragraphs = [
    `Hello ${row.billing.name},`,
    `Everything you bought with order ${row.number} is ready:`,
    items.map(describe).join('\n'),
    ...(has('license') ? [`Your license keys, in full: ${base}/account/licenses`] : []),
    ...(has('enrollment') ? [`Your courses and access keys: ${base}/account/training`] : []),
    ...(has('allocation') ? [`Your consulting hours and their balance: ${base}/account/consulting`] : []),
  ];
  await ctx.mail.enqueue(
    {
      to: row.billing.email,
      template: READY_MAIL_TEMPLATE,
      subject: `Your FHIR IQ purchase is ready (order ${row.number})`,
      ...paragraphMail(paragraphs),
    },
    trx,
  );
}

/** Staff are told once when an order's fulfillment has used up its retries (no customer data). */
export async function sendAttentionMail(
  ctx: PlatformContext,
  trx: DbHandle,
  to: readonly string[],
  fulfillment: { orderId: string; orderNumber: string; step: string; error: string; attempts: number },
): Promise<void> {
  const base = ctx.config.publicUrl;
  const paragraphs = [
    `The fulfillment of order ${fulfillment.orderNumber} failed ${plural(fulfillment.attempts, 'time')} and needs attention.`,
    `Failing step: ${fulfillment.step}\nError: ${fulfillment.error}`,
    'Nothing was dropped: what was delivered stays delivered, and a retry delivers only what is missing.',
    `Retry it at ${base}/admin/fulfillment once the cause is fixed.`,
  ];
  for (const address of to)
    await ctx.mail.enqueue(
      {
        to: address,
        template: ATTENTION_MAIL_TEMPLATE,
        subject: `Order ${fulfillment.orderNumber} needs attention: fulfillment failed`,
        ...paragraphMail(paragraphs),
      },
      trx,
    );
}
