import { escapeHtml } from '../platform/mail/compose.ts';
import { tokens } from './tokens.ts';

/**
 * A mail as a list of blocks, rendered twice from the same content: plain text, and HTML in the
 * design tokens (inline styles and tables, since mail clients ignore style sheets and flexbox).
 * Every text is escaped in the HTML part: names and product names are data.
 */

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'steps'; items: string[] }
  | { kind: 'button'; label: string; href: string }
  | { kind: 'link'; label: string; href: string };

export const p = (text: string): Block => ({ kind: 'p', text });
export const heading = (text: string): Block => ({ kind: 'heading', text });
export const list = (items: string[]): Block => ({ kind: 'list', items });
export const steps = (items: string[]): Block => ({ kind: 'steps', items });
export const button = (label: string, href: string): Block => ({ kind: 'button', label, href });
export const link = (label: string, href: string): Block => ({ kind: 'link', label, href });

export interface MailContent {
  /** The first line mail clients show next to the subject. */
  preheader: string;
  title: string;
  blocks: Block[];
  /** Why the recipient gets this mail; with an unsubscribe link on marketing mail. */
  footer: { reason: string; unsubscribeUrl?: string };
}

const c = tokens.color;
const font = tokens.font.sans;

function textOf(block: Block): string {
  switch (block.kind) {
    case 'p':
      return block.text;
    case 'heading':
      return block.text.toUpperCase();
    case 'list':
      return block.items.map((i) => `- ${i}`).join('\n');
    case 'steps':
      return block.items.map((i, n) => `${n + 1}. ${i}`).join('\n');
    case 'button':
    case 'link':
      return `${block.label}: ${block.href}`;
  }
}

function htmlOf(block: Block): string {
  const para = `margin:0 0 16px;font-size:16px;line-height:1.6;color:${c.text}`;
  const item = `margin:0 0 8px;font-size:16px;line-height:1.6;color:${c.text}`;
  switch (block.kind) {
    case 'p':
      return `<p style="${para};white-space:pre-wrap">${escapeHtml(block.text)}</p>`;
    case 'heading':
      return `<h2 style="margin:24px 0 8px;font-size:18px;line-height:1.4;color:${c.secondaryStrong}">${escapeHtml(block.text)}</h2>`;
    case 'list':
      return `<ul style="margin:0 0 16px;padding-left:24px">${block.items
        .map((i) => `<li style="${item}">${escapeHtml(i)}</li>`)
        .join('')}</ul>`;
    case 'steps':
      return `<ol style="margin:0 0 16px;padding-left:24px">${block.items
        .map((i) => `<li style="${item}">${escapeHtml(i)}</li>`)
        .join('')}</ol>`;
    case 'button':
      // primaryStrong under white text: the brand orange itself is too light for text (tokens.ts).
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="background:${c.primaryStrong};border-radius:${tokens.radius.button}"><a href="${escapeHtml(block.href)}" style="display:inline-block;padding:12px 20px;font-family:${escapeHtml(font)};font-size:16px;font-weight:600;color:${c.surface};text-decoration:none">${escapeHtml(block.label)}</a></td></tr></table>`;
    case 'link':
      return `<p style="${para}">${escapeHtml(block.label)}: <a href="${escapeHtml(block.href)}" style="color:${c.primaryStrong}">${escapeHtml(block.href)}</a></p>`;
  }
}

export function renderMail(content: MailContent): { text: string; html: string } {
  const { footer } = content;
  const footerText = [
    footer.reason,
    ...(footer.unsubscribeUrl ? [`Unsubscribe from tips and check-ins: ${footer.unsubscribeUrl}`] : []),
  ].join('\n');
  const text = `${content.blocks.map(textOf).join('\n\n')}\n\n— FHIR IQ\n\n${footerText}\n`;
  const small = `margin:0 0 8px;font-size:13px;line-height:1.5;color:${c.textMuted}`;
  const html = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(content.title)}</title></head>`,
    `<body style="margin:0;padding:0;background:${c.surfaceMuted};font-family:${escapeHtml(font)}">`,
    // Hidden preheader: the line inbox lists show under the subject.
    `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(content.preheader)}</div>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${c.surfaceMuted}"><tr><td align="center" style="padding:24px 12px">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:${c.surface};border:1px solid ${c.border};border-radius:${tokens.radius.card}">`,
    `<tr><td style="padding:20px 32px;border-bottom:4px solid ${c.primary}"><span style="font-size:20px;font-weight:700;color:${c.text}">FHIR <span style="color:${c.primaryStrong}">IQ</span></span></td></tr>`,
    `<tr><td style="padding:32px">`,
    `<h1 style="margin:0 0 16px;font-size:24px;line-height:1.3;color:${c.text}">${escapeHtml(content.title)}</h1>`,
    ...content.blocks.map(htmlOf),
    `<p style="margin:24px 0 0;font-size:16px;color:${c.text}">— FHIR IQ</p>`,
    '</td></tr></table>',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px"><tr><td style="padding:16px 32px">`,
    `<p style="${small}">${escapeHtml(footer.reason)}</p>`,
    ...(footer.unsubscribeUrl
      ? [
          `<p style="${small}"><a href="${escapeHtml(footer.unsubscribeUrl)}" style="color:${c.textMuted};text-decoration:underline">Unsubscribe from tips and check-ins</a> (mail about what you bought still arrives).</p>`,
        ]
      : []),
    '</td></tr></table>',
    '</td></tr></table></body></html>',
  ].join('');
  return { text, html };
}
