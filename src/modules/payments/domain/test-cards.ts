/**
 * The built-in test provider's card rules: Stripe's documented test card
 * numbers behave as they do in Stripe's test mode. Pure.
 */

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'test_card_required';

export type CardOutcome =
  | { ok: true; brand: string; last4: string; failsOnRenewal: boolean }
  | { ok: false; brand: string; last4: string; declineCode: DeclineCode };

/** Stripe's test numbers we know (others are declined: this page never takes a real card). */
const KNOWN: Record<string, { declineCode?: DeclineCode; failsOnRenewal?: boolean }> = {
  '4242424242424242': {},
  '4000000000000002': { declineCode: 'card_declined' },
  '4000000000009995': { declineCode: 'insufficient_funds' },
  '4000000000000341': { failsOnRenewal: true },
  '5555555555554444': {},
};

export const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  test_card_required:
    'Your card was declined: this is a test payment page, which only accepts Stripe test cards such as 4242 4242 4242 4242.',
};

export function normalizeCardNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (digits.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  return 'unknown';
}

/** What the test provider does with a (Luhn-valid) card number. */
export function testCardOutcome(rawNumber: string): CardOutcome {
  const digits = normalizeCardNumber(rawNumber);
  const brand = cardBrand(digits);
  const last4 = digits.slice(-4);
  const known = KNOWN[digits];
  if (!known) return { ok: false, brand, last4, declineCode: 'test_card_required' };
  if (known.declineCode) return { ok: false, brand, last4, declineCode: known.declineCode };
  return { ok: true, brand, last4, failsOnRenewal: known.failsOnRenewal ?? false };
}

export interface CardForm {
  cardNumber: string;
  expiry: string;
  cvc: string;
  name: string;
}

export interface ParsedCard {
  digits: string;
  expMonth: number;
  expYear: number;
}

/** Field-level problems of the card form (an expired or malformed card never reaches the provider). */
export function validateCardForm(
  form: CardForm,
  now: Date,
): { card: ParsedCard; errors?: undefined } | { card?: undefined; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const digits = normalizeCardNumber(form.cardNumber);
  if (!luhnValid(digits)) errors.cardNumber = 'Enter a valid card number.';
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(form.expiry);
  let expMonth = 0;
  let expYear = 0;
  if (!m) errors.expiry = 'Enter the expiry date as MM/YY.';
  else {
    expMonth = Number(m[1]);
    expYear = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
    const endOfMonth = Date.UTC(expYear, expMonth, 1);
    if (expMonth < 1 || expMonth > 12) errors.expiry = 'Enter the expiry date as MM/YY.';
    else if (endOfMonth <= now.getTime()) errors.expiry = 'This card has expired.';
  }
  if (!/^\d{3,4}$/.test(form.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digit security code.';
  if (!form.name.trim()) errors.name = 'Enter the name on the card.';
  if (Object.keys(errors).length) return { errors };
  return { card: { digits, expMonth, expYear } };
}
