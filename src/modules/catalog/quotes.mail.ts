import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import type { QuoteRow } from './catalog.tables.ts';

/** The two messages a quote request sends: a notice to staff and a confirmation to the requester. */

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

export async function sendQuoteMails(
  ctx: PlatformContext,
  trx: DbHandle,
  quote: QuoteRow,
  skuName: string,
  staff: readonly string[],
): Promise<void> {
  const adminUrl = new URL('/admin/quotes', ctx.config.publicUrl).toString();
  const staffLines = [
    `New quote request for ${skuName} (${quote.sku}).`,
    `From: ${quote.name} <${quote.email}>${quote.organization ? `, ${quote.organization}` : ''}`,
    `Message:\n${quote.message}`,
    `All requests: ${adminUrl}`,
  ];
  for (const to of staff) {
    await ctx.mail.enqueue(
      {
        to,
        template: 'catalog.quote-staff',
        // The requester's name stays out of the subject: it is free text from the public.
        subject: `New quote request: ${skuName}`,
        text: `${staffLines.join('\n\n')}\n\n— FHIR IQ`,
        html: html(staffLines),
      },
      trx,
    );
  }
  const confirmation = [
    `Hello ${quote.name},`,
    `Thank you for your interest in ${skuName}. We received your request and will answer within two business days.`,
    `Your message:\n${quote.message}`,
  ];
  await ctx.mail.enqueue(
    {
      to: quote.email,
      template: 'catalog.quote-confirmation',
      subject: `We received your request about ${skuName}`,
      text: `${confirmation.join('\n\n')}\n\n— FHIR IQ`,
      html: html(confirmation),
    },
    trx,
  );
}
