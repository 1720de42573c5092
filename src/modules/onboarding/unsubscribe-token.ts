import { type Secrets, safeEqual } from '../../platform/crypto/secrets.ts';

/**
 * The capability in an unsubscribe link: the recipient's address and the kind of mail, signed
 * with a key derived from the root secret (HMAC-SHA-256). Whoever holds the mail holds the link,
 * and that is the point: unsubscribing must work without signing in (RFC 8058 one-click runs in
 * the recipient's mail provider). The signature makes it unforgeable for any other address, so
 * nobody can unsubscribe someone else by editing the link. It does not expire: a link in an old
 * mail must keep working (the law expects it to).
 */

export const MAIL_PURPOSES = ['marketing'] as const;
export type MailPurpose = (typeof MAIL_PURPOSES)[number];

const KEY = 'unsubscribe';
const MAX_TOKEN = 600;

const normalize = (email: string) => email.trim().toLowerCase();

/** `<base64url(purpose:address)>.<HMAC>`. */
export function unsubscribeToken(
  secrets: Secrets,
  email: string,
  purpose: MailPurpose = 'marketing',
): string {
  const payload = `${purpose}:${normalize(email)}`;
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${secrets.keyedHash(KEY, payload)}`;
}

/** The recipient and purpose of a genuine token; undefined for anything else (malformed or forged). */
export function readUnsubscribeToken(
  secrets: Secrets,
  token: string,
): { email: string; purpose: MailPurpose } | undefined {
  if (token.length > MAX_TOKEN) return undefined;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const payload = Buffer.from(m[1]!, 'base64url').toString('utf8');
  if (!safeEqual(m[2]!, secrets.keyedHash(KEY, payload))) return undefined;
  const at = payload.indexOf(':');
  const purpose = payload.slice(0, at);
  const email = payload.slice(at + 1);
  if (!(MAIL_PURPOSES as readonly string[]).includes(purpose) || !email.includes('@')) return undefined;
  return { email, purpose: purpose as MailPurpose };
}
