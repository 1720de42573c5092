import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, passwordLength } from './password-policy.ts';

describe('password policy', () => {
  it('accepts 10 to 128 characters', () => {
    expect(checkPassword('a'.repeat(PASSWORD_MIN_CHARS - 1))).toBe('too_short');
    expect(checkPassword('correct horse')).toBeNull();
    expect(checkPassword('x'.repeat(PASSWORD_MAX_CHARS))).toBeNull();
    expect(checkPassword('x'.repeat(PASSWORD_MAX_CHARS + 1))).toBe('too_long');
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    const key = '🔑';
    expect(key.length).toBe(2);
    expect(passwordLength(key.repeat(10))).toBe(10);
    expect(checkPassword(key.repeat(10))).toBeNull();
    expect(checkPassword(key.repeat(9))).toBe('too_short');
    expect(checkPassword(key.repeat(PASSWORD_MAX_CHARS))).toBeNull();
    expect(checkPassword('é'.repeat(PASSWORD_MAX_CHARS + 1))).toBe('too_long');
  });

  it('refuses the email address, whatever its case', () => {
    expect(checkPassword('Someone@Example.org', 'someone@example.org')).toBe('equals_email');
    expect(checkPassword('someone@example.org!', 'someone@example.org')).toBeNull();
  });

  it('refuses the most common passwords, whatever their case', () => {
    expect(checkPassword('1234567890')).toBe('too_common');
    expect(checkPassword('Password123')).toBe('too_common');
    expect(checkPassword('QWERTYUIOP')).toBe('too_common');
    expect(checkPassword('a sentence nobody uses')).toBeNull();
  });

  it('accepts any character a person can type, markup and SQL included', () => {
    expect(checkPassword(`'; DROP TABLE auth_user; --`)).toBeNull();
    expect(checkPassword('<script>alert(1)</script>')).toBeNull();
  });
});
