import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  displayPrefix,
  formatApiToken,
  isApiTokenShape,
  shouldTouchLastUsed,
  tokenState,
} from './api-token.ts';

const TOKEN = formatApiToken('A'.repeat(43));

describe('API token format', () => {
  it('is fiq_ and 43 base64url characters', () => {
    expect(isApiTokenShape(TOKEN)).toBe(true);
    expect(isApiTokenShape(`${TOKEN}x`)).toBe(false);
    expect(isApiTokenShape(TOKEN.replace('fiq_', 'fiz_'))).toBe(false);
    expect(isApiTokenShape(`fiq_${'A'.repeat(42)}+`)).toBe(false);
  });

  it('shows only a short prefix', () => {
    expect(displayPrefix(TOKEN)).toBe('fiq_AAAAAAAA');
  });

  it('reads only our tokens from an Authorization header', () => {
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer   ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken('Bearer eyJhbGciOi')).toBeNull();
    expect(bearerToken(`Basic ${TOKEN}`)).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('knows revoked and expired tokens', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(tokenState({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(tokenState({ revokedAt: null, expiresAt: new Date('2026-01-01T00:00:01Z') }, now)).toBe('active');
    expect(tokenState({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(tokenState({ revokedAt: now, expiresAt: null }, now)).toBe('revoked');
  });

  it('touches last_used_at at most once a minute', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    expect(shouldTouchLastUsed(null, now)).toBe(true);
    expect(shouldTouchLastUsed(new Date('2026-01-01T00:09:30Z'), now)).toBe(false);
    expect(shouldTouchLastUsed(new Date('2026-01-01T00:09:00Z'), now)).toBe(true);
  });
});
