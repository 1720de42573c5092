/**
 * Checks a quote request the same way whether it came as JSON (already
 * schema-checked) or from the page form (loose strings): the service is the
 * one place that decides what a valid lead is.
 */
export interface QuoteFields {
  name: string;
  email: string;
  organization?: string | undefined;
  message: string;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

export function quoteProblems(q: QuoteFields): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const name = q.name.trim();
  const email = q.email.trim();
  const message = q.message.trim();
  if (name.length === 0) out.push({ path: '/name', message: 'Enter your name.' });
  else if (name.length > 100) out.push({ path: '/name', message: 'Use at most 100 characters.' });
  if (!EMAIL.test(email) || email.length > 254)
    out.push({ path: '/email', message: 'Enter a valid email address.' });
  if ((q.organization ?? '').trim().length > 200) {
    out.push({ path: '/organization', message: 'Use at most 200 characters.' });
  }
  if (message.length === 0) out.push({ path: '/message', message: 'Tell us what you need.' });
  else if (message.length > 5000) out.push({ path: '/message', message: 'Use at most 5,000 characters.' });
  return out;
}
