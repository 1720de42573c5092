/**
 * Transactional mail bodies from plain paragraphs: the text part as written,
 * the HTML part escaped (a customer's name or a message can hold markup).
 */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function paragraphMail(paragraphs: readonly string[]): { text: string; html: string } {
  return {
    text: `${paragraphs.join('\n\n')}\n\n— FHIR IQ`,
    html: [
      '<!doctype html><html><body style="font-family:Inter,Arial,sans-serif;color:#0f172a;line-height:1.5">',
      ...paragraphs.map((p) => `<p style="white-space:pre-wrap">${escapeHtml(p)}</p>`),
      '<p>— FHIR IQ</p></body></html>',
    ].join(''),
  };
}
