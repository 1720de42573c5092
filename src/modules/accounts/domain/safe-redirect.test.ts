import { describe, expect, it } from 'vitest';
import { isValidEmail, normalizeEmail } from './email.ts';
import { safeNextPath } from './safe-redirect.ts';

describe('safeNextPath', () => {
  it('keeps same-site relative paths', () => {
    expect(safeNextPath('/account')).toBe('/account');
    expect(safeNextPath('/admin/outbox?to=a%40b.c#x')).toBe('/admin/outbox?to=a%40b.c#x');
  });

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    'account',
    '/a\nb',
    '',
    `/${'a'.repeat(600)}`,
  ])('refuses %j', (next) => {
    expect(safeNextPath(next)).toBe('/account');
  });

  it('refuses what is not a string', () => {
    expect(safeNextPath(undefined)).toBe('/account');
    expect(safeNextPath(['/x'], '/')).toBe('/');
  });
});

describe('email', () => {
  it('normalises by trimming and lower-casing', () => {
    expect(normalizeEmail('  Ada@Example.ORG ')).toBe('ada@example.org');
  });

  it.each([
    ['ada@example.org', true],
    ["o'brien@example.ie", true],
    ['a@b', false],
    ['a b@example.org', false],
    ['<a>@example.org', false],
    ['"a"@example.org', false],
    ['a\u0000@example.org', false],
    [`${'a'.repeat(250)}@b.co`, false],
  ])('%j valid: %s', (email, valid) => {
    expect(isValidEmail(email)).toBe(valid);
  });
});
