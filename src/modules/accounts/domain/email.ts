export const EMAIL_MAX_LENGTH = 254;

// Deliberately simple: one @, a dot in the domain, no spaces, control characters, quotes or the
// characters that delimit addresses in headers. Deliverability is proven by the verification
// mail, not by a regex.
const PART = '[^\\s\\u0000-\\u001f\\u007f@<>()[\\]\\\\,;:"]+';
const EMAIL_SHAPE = new RegExp(`^${PART}@${PART}\\.${PART}$`);

/** Trim and lower-case: one account per mailbox whatever the casing typed. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidEmail(normalized: string): boolean {
  return normalized.length > 0 && normalized.length <= EMAIL_MAX_LENGTH && EMAIL_SHAPE.test(normalized);
}
