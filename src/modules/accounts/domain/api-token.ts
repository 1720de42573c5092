/**
 * Personal API tokens: `fiq_` + 43 base64url characters (32 random bytes).
 * The prefix makes a leaked token recognisable to secret scanners and to us.
 */
export const API_TOKEN_PREFIX = 'fiq_';
const TOKEN_SHAPE = /^fiq_[A-Za-z0-9_-]{43}$/;
/** How many characters of a token are safe to show again ("fiq_AbCdEfGh…"). */
const DISPLAY_CHARS = 12;
/** last_used_at is written at most this often per token: a busy script must not write on every call. */
export const LAST_USED_GRANULARITY_MS = 60_000;

export function formatApiToken(random: string): string {
  return `${API_TOKEN_PREFIX}${random}`;
}

export function isApiTokenShape(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_CHARS);
}

/** The token from an `Authorization: Bearer fiq_…` header, or null when the header is something else. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  return token?.startsWith(API_TOKEN_PREFIX) ? token : null;
}

export type TokenState = 'active' | 'revoked' | 'expired';

export function tokenState(token: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export function shouldTouchLastUsed(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS;
}
