import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import type { TicketRow } from './support.tables.ts';

export const TICKET_REPLY_MAIL_TEMPLATE = 'support.staff-replied';
export const TICKET_RESOLVED_MAIL_TEMPLATE = 'support.resolved';
export const TICKET_STAFF_MAIL_TEMPLATE = 'support.customer-wrote';

/** Mails quote at most this much of a message: the thread itself is on the ticket's page. */
const EXCERPT = 2000;
const excerpt = (body: string) => (body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body);

/** The customer: staff answered (or resolved the ticket), with the reply and a link to the thread. */
export async function sendCustomerMail(
  ctx: PlatformContext,
  trx: DbHandle,
  ticket: TicketRow,
  event: { kind: 'reply'; body: string } | { kind: 'resolved'; body: string | null },
): Promise<void> {
  const link = `${ctx.config.publicUrl}/account/support/${ticket.id}`;
  const resolved = event.kind === 'resolved';
  const paragraphs = [
    'Hello,',
    resolved
      ? `Your support request “${ticket.subject}” is resolved.`
      : `FHIR IQ support replied to your request “${ticket.subject}”:`,
    ...(event.body ? [excerpt(event.body)] : []),
    resolved
      ? `If something is still not right, reply on the ticket and it reopens: ${link}`
      : `Read the whole thread and reply at ${link}`,
  ];
  await ctx.mail.enqueue(
    {
      to: ticket.email,
      template: resolved ? TICKET_RESOLVED_MAIL_TEMPLATE : TICKET_REPLY_MAIL_TEMPLATE,
      subject: resolved ? `Resolved: ${ticket.subject}` : `Re: ${ticket.subject}`,
      ...paragraphMail(paragraphs),
    },
    trx,
  );
}

/**
 * Staff: a ticket was opened or a customer replied. The customer's words stay in the console
 * (a mail to several staff addresses carries only the subject and who wrote).
 */
export async function sendStaffMail(
  ctx: PlatformContext,
  trx: DbHandle,
  to: readonly string[],
  ticket: TicketRow,
  kind: 'opened' | 'replied',
): Promise<void> {
  const link = `${ctx.config.publicUrl}/admin/support/${ticket.id}`;
  const paragraphs = [
    kind === 'opened'
      ? `A new support ticket was opened (${ticket.category}): “${ticket.subject}”.`
      : `The customer replied on the support ticket “${ticket.subject}”.`,
    `Customer: ${ticket.email}`,
    `Answer it at ${link}`,
  ];
  for (const address of to)
    await ctx.mail.enqueue(
      {
        to: address,
        template: TICKET_STAFF_MAIL_TEMPLATE,
        subject:
          kind === 'opened' ? `New support ticket: ${ticket.subject}` : `Customer reply: ${ticket.subject}`,
        ...paragraphMail(paragraphs),
      },
      trx,
    );
}
