import { describe, expect, it } from 'vitest';
import { luhnValid, testCardOutcome, validateCardForm } from './test-cards.ts';

describe('test cards', () => {
  it('4242 4242 4242 4242 succeeds', () => {
    expect(testCardOutcome('4242 4242 4242 4242')).toEqual({
      ok: true,
      brand: 'visa',
      last4: '4242',
      failsOnRenewal: false,
    });
  });
  it('4000 0000 0000 0002 is declined (card_declined)', () => {
    expect(testCardOutcome('4000-0000-0000-0002')).toMatchObject({ ok: false, declineCode: 'card_declined' });
  });
  it('4000 0000 0000 9995 is declined (insufficient_funds)', () => {
    expect(testCardOutcome('4000000000009995')).toMatchObject({
      ok: false,
      declineCode: 'insufficient_funds',
    });
  });
  it('4000 0000 0000 0341 succeeds now and fails on renewals', () => {
    expect(testCardOutcome('4000000000000341')).toMatchObject({
      ok: true,
      failsOnRenewal: true,
      last4: '0341',
    });
  });
  it('declines any other number: the page never takes a real card', () => {
    expect(testCardOutcome('4111111111111111')).toMatchObject({
      ok: false,
      declineCode: 'test_card_required',
    });
  });
  it('checks the Luhn digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42')).toBe(false);
  });
  it('validates the form: expiry, CVC, name', () => {
    const now = new Date('2026-11-21T00:00:00Z');
    const good = { cardNumber: '4242424242424242', expiry: '12/30', cvc: '123', name: 'Ada' };
    expect(validateCardForm(good, now).card).toEqual({
      digits: '4242424242424242',
      expMonth: 12,
      expYear: 2030,
    });
    expect(validateCardForm({ ...good, expiry: '10/26' }, now).errors).toEqual({
      expiry: 'This card has expired.',
    });
    expect(validateCardForm({ ...good, expiry: '11/26' }, now).card).toBeDefined();
    expect(validateCardForm({ ...good, expiry: '13/30' }, now).errors?.expiry).toBeDefined();
    expect(
      Object.keys(validateCardForm({ cardNumber: '1', expiry: 'x', cvc: '12', name: ' ' }, now).errors!),
    ).toEqual(['cardNumber', 'expiry', 'cvc', 'name']);
  });
});
