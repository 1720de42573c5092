import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import { type Currency, formatMoney } from '../../platform/money.ts';
import type { SubscriptionRow } from './subscriptions.tables.ts';

export const SUBSCRIPTION_MAIL_TEMPLATES = {
  paymentFailed: 'subscriptions.payment-failed',
  suspended: 'subscriptions.suspended',
  reinstated: 'subscriptions.reinstated',
  canceled: 'subscriptions.canceled',
  canceledUnpaid: 'subscriptions.canceled-unpaid',
} as const;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The customer is told at each step of a failed renewal, in the transaction
 * that makes the step (the outbox sends it once, after commit).
 */
export async function sendSubscriptionMail(
  ctx: PlatformContext,
  trx: DbHandle,
  sub: SubscriptionRow,
  kind: keyof typeof SUBSCRIPTION_MAIL_TEMPLATES,
  extra: {
    amount?: number;
    reason?: string;
    nextRetryAt?: Date | null;
    graceEndsAt?: Date | null;
    unpaidDays?: number;
  } = {},
): Promise<void> {
  const link = `${ctx.config.publicUrl}/account/subscriptions/${sub.id}`;
  const money = (n: number) => formatMoney(n, sub.currency as Currency);
  const what = `${sub.name} (${sub.sku})`;
  const content: Record<typeof kind, { subject: string; paragraphs: string[] }> = {
    paymentFailed: {
      subject: `Payment failed for your ${sub.name} subscription`,
      paragraphs: [
        `We could not renew your subscription to ${what}${extra.amount !== undefined ? ` (${money(extra.amount)})` : ''}: ${extra.reason ?? 'the payment failed'}.`,
        extra.nextRetryAt
          ? `We will try your card again on ${day(extra.nextRetryAt)}.`
          : 'We will not retry the card automatically again.',
        extra.graceEndsAt
          ? `You keep full access until ${day(extra.graceEndsAt)}. If the renewal is not paid by then, access is suspended until it is.`
          : '',
        `Pay now or use another card: ${link}`,
      ].filter(Boolean),
    },
    suspended: {
      subject: `Your ${sub.name} subscription is suspended`,
      paragraphs: [
        `The renewal of ${what} is still unpaid after the grace period, so access is suspended.`,
        `Paying the renewal restores it at once, with nothing lost: ${link}`,
      ],
    },
    reinstated: {
      subject: `Your ${sub.name} subscription is active again`,
      paragraphs: [`Thank you: the renewal of ${what} is paid and your access is restored.`, link],
    },
    canceled: {
      subject: `Your ${sub.name} subscription is canceled`,
      paragraphs: [
        sub.cancel_at_period_end
          ? `Your subscription to ${what} will end on ${day(sub.current_period_end)} and will not renew. You can resume it until then.`
          : `Your subscription to ${what} has ended and will not renew.`,
        link,
      ],
    },
    canceledUnpaid: {
      subject: `Your ${sub.name} subscription has ended`,
      paragraphs: [
        `The renewal of ${what} stayed unpaid for ${extra.unpaidDays ?? 'many'} days after access was suspended, so the subscription has ended and will not renew. The unpaid renewal is canceled: nothing more is owed for it.`,
        `To use ${sub.name} again, buy it anew: ${ctx.config.publicUrl}/pricing`,
      ],
    },
  };
  const { subject, paragraphs } = content[kind];
  await ctx.mail.enqueue(
    {
      to: sub.billing.email,
      template: SUBSCRIPTION_MAIL_TEMPLATES[kind],
      subject,
      ...paragraphMail([`Hello ${sub.billing.name},`, ...paragraphs]),
    },
    trx,
  );
}
