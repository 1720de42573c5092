import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { isLeadTopic, TOPIC_LABELS } from './domain/lead.ts';
import type { LeadRow } from './leads.tables.ts';

/** The two messages a contact request sends: a notice to staff and a confirmation to the sender. */

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(paragraphs: string[]): string {
  return [
    '<!doctype html><html><body style="font-family:Inter,Arial,sans-serif;color:#0f172a;line-height:1.5">',
    ...paragraphs.map((p) => `<p style="white-space:pre-wrap">${escapeHtml(p)}</p>`),
    '<p>— FHIR IQ</p></body></html>',
  ].join('');
}

export async function sendLeadMails(
  ctx: PlatformContext,
  trx: DbHandle,
  lead: LeadRow,
  staff: readonly string[],
): Promise<void> {
  const topic = isLeadTopic(lead.topic) ? TOPIC_LABELS[lead.topic] : lead.topic;
  const adminUrl = new URL('/admin/leads', ctx.config.publicUrl).toString();
  const staffLines = [
    `New message through the contact form, about: ${topic}.`,
    `From: ${lead.name} <${lead.email}>${lead.organization ? `, ${lead.organization}` : ''}`,
    `Message:\n${lead.message}`,
    `All contact requests: ${adminUrl}`,
  ];
  for (const to of staff) {
    await ctx.mail.enqueue(
      {
        to,
        template: 'leads.staff-notice',
        // The sender's name stays out of the subject: it is free text from the public.
        subject: `New contact request: ${topic}`,
        text: `${staffLines.join('\n\n')}\n\n— FHIR IQ`,
        html: html(staffLines),
      },
      trx,
    );
  }
  const confirmation = [
    `Hello ${lead.name},`,
    'Thank you for writing to FHIR IQ. We received your message and will answer within two business days.',
    `Your message:\n${lead.message}`,
    'If you did not write to us, you can ignore this mail: nobody will contact you about it unless you reply.',
  ];
  await ctx.mail.enqueue(
    {
      to: lead.email,
      template: 'leads.confirmation',
      subject: 'We received your message',
      text: `${confirmation.join('\n\n')}\n\n— FHIR IQ`,
      html: html(confirmation),
    },
    trx,
  );
}
