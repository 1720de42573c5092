import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { type Block, button, heading, link, p, renderMail, steps } from '../../web/index.ts';
import type { Order } from '../orders/index.ts';
import {
  type ActivationLinks,
  activationSteps,
  type DeliveredItem,
  describeItem,
  plural,
} from './domain/activation.ts';

export const READY_MAIL_TEMPLATE = 'fulfillment.ready';
export const ATTENTION_MAIL_TEMPLATE = 'fulfillment.needs-attention';

export type { DeliveredItem };

const GUIDE: Record<DeliveredItem['productType'], string> = {
  desktop_software: 'Install and activate',
  web_service: 'Start using it',
  training_course: 'Start the course',
  consulting: 'Book your time',
  bundle: 'Get started',
};

/**
 * "Your purchase is ready": what the order delivered, once per order (the claim and the mail
 * commit together), each item with its own activation steps by its product's type (002's
 * `getActivationInstructions`). Keys appear masked: the full keys are on the customer's pages.
 */
export function readyMail(
  links: ActivationLinks,
  order: { number: string; buyerName: string },
  items: readonly DeliveredItem[],
): { subject: string; text: string; html: string } {
  const { base } = links;
  const has = (kind: DeliveredItem['kind']) => items.some((i) => i.kind === kind);
  const blocks: Block[] = [
    p(`Hello ${order.buyerName},`),
    p(`Everything you bought with order ${order.number} is ready. Here is how to start with each item.`),
  ];
  for (const item of items) {
    blocks.push(heading(item.name), p(describeItem(item)), p(`${GUIDE[item.productType]}:`));
    blocks.push(steps(activationSteps(item, links)));
  }
  blocks.push(
    ...(has('license') ? [button('Your license keys', `${base}/account/licenses`)] : []),
    ...(has('enrollment') ? [link('Your courses and access keys', `${base}/account/training`)] : []),
    ...(has('allocation') ? [link('Your consulting hours', `${base}/account/consulting`)] : []),
    p(`Stuck at any step? Write to us from ${base}/contact with your order number, ${order.number}.`),
  );
  const title = 'Your purchase is ready';
  return {
    subject: `Your FHIR IQ purchase is ready (order ${order.number})`,
    ...renderMail({
      title,
      preheader: `Order ${order.number}: your keys and how to activate what you bought.`,
      blocks,
      footer: { reason: `You receive this mail because you placed order ${order.number} with FHIR IQ.` },
    }),
  };
}

/** Queues the "ready" mail in the caller's transaction (the first delivery, or a staff resend). */
export async function sendReadyMail(
  ctx: PlatformContext,
  trx: DbHandle,
  order: Order,
  items: readonly DeliveredItem[],
): Promise<void> {
  const { row } = order;
  const mail = readyMail(
    { base: ctx.config.publicUrl, bookingUrl: ctx.config.consultingBookingUrl, email: row.billing.email },
    { number: row.number, buyerName: row.billing.name },
    items,
  );
  await ctx.mail.enqueue({ to: row.billing.email, template: READY_MAIL_TEMPLATE, ...mail }, trx);
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
