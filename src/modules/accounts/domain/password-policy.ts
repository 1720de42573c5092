import { COMMON_PASSWORDS } from './common-passwords.ts';

/** Bounds in characters (Unicode code points), the way a person counts them. */
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 128;

export type PasswordProblem = 'too_short' | 'too_long' | 'equals_email' | 'too_common';

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_MIN_CHARS} characters.`,
  too_long: `Use at most ${PASSWORD_MAX_CHARS} characters.`,
  equals_email: 'Do not use your email address as your password.',
  too_common: 'This password is too common. Choose one that is harder to guess.',
};

/** Counts code points, so "🔑" is one character as the user sees it, not two UTF-16 units. */
export function passwordLength(password: string): number {
  let n = 0;
  for (const _ of password) n++;
  return n;
}

/**
 * NIST SP 800-63B style: length and a deny-list, no composition rules
 * (they push people to "Password1!"). Returns the first problem, or null.
 */
export function checkPassword(password: string, email?: string | null): PasswordProblem | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_CHARS) return 'too_short';
  if (length > PASSWORD_MAX_CHARS) return 'too_long';
  const folded = password.normalize('NFKC').trim().toLowerCase();
  if (email && folded === email.trim().toLowerCase()) return 'equals_email';
  if (COMMON_PASSWORDS.has(folded)) return 'too_common';
  return null;
}
