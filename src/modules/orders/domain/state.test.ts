import { describe, expect, it } from 'vitest';
import {
  awaitsPayment,
  canTransition,
  IllegalTransitionError,
  ORDER_STATES,
  refundable,
  transition,
} from './state.ts';
import { formatOrderNumber, orderTotals } from './totals.ts';

describe('order state machine', () => {
  it('follows the happy path and allows a retry after a decline', () => {
    expect(transition('pending_payment', 'paid')).toBe('paid');
    expect(transition('paid', 'fulfilled')).toBe('fulfilled');
    expect(transition('pending_payment', 'payment_failed')).toBe('payment_failed');
    expect(transition('payment_failed', 'paid')).toBe('paid');
    expect(transition('fulfilled', 'partially_refunded')).toBe('partially_refunded');
    expect(transition('partially_refunded', 'refunded')).toBe('refunded');
  });

  it.each([
    ['pending_payment', 'fulfilled'],
    ['paid', 'pending_payment'],
    ['paid', 'payment_failed'],
    ['paid', 'paid'],
    ['canceled', 'paid'],
    ['refunded', 'paid'],
    ['fulfilled', 'paid'],
    ['pending_payment', 'refunded'],
  ] as const)('refuses %s → %s with a typed error', (from, to) => {
    expect(() => transition(from, to)).toThrow(IllegalTransitionError);
    try {
      transition(from, to);
    } catch (err) {
      expect((err as IllegalTransitionError).from).toBe(from);
      expect((err as IllegalTransitionError).to).toBe(to);
    }
  });

  it('ends in refunded and canceled', () => {
    for (const to of ORDER_STATES) {
      expect(canTransition('refunded', to)).toBe(false);
      expect(canTransition('canceled', to)).toBe(false);
    }
  });

  it('only unpaid orders await payment', () => {
    expect(ORDER_STATES.filter(awaitsPayment)).toEqual(['pending_payment', 'payment_failed']);
  });

  it('refunds only what was paid and not refunded in full, each a legal transition', () => {
    expect(ORDER_STATES.filter(refundable)).toEqual(['paid', 'fulfilled', 'partially_refunded']);
    for (const s of ORDER_STATES.filter(refundable)) {
      expect(canTransition(s, 'partially_refunded')).toBe(true);
      expect(canTransition(s, 'refunded')).toBe(true);
    }
  });
});

describe('order totals', () => {
  const line = (unitAmount: number, quantity: number, taxAmount: number) => ({
    unitAmount,
    quantity,
    net: unitAmount * quantity,
    taxAmount,
    gross: unitAmount * quantity + taxAmount,
  });

  it('are the sums of the lines', () => {
    const t = orderTotals([line(99_000, 1, 18_810), line(149_900, 3, 85_443)]);
    expect(t).toEqual({
      net: 99_000 + 449_700,
      tax: 18_810 + 85_443,
      gross: 99_000 + 449_700 + 18_810 + 85_443,
    });
    expect(orderTotals([])).toEqual({ net: 0, tax: 0, gross: 0 });
  });

  it('refuse a line whose parts disagree', () => {
    expect(() => orderTotals([{ ...line(100, 2, 19), net: 201 }])).toThrow(RangeError);
    expect(() => orderTotals([{ ...line(100, 2, 19), gross: 999 }])).toThrow(RangeError);
  });

  it('numbers orders by year and sequence', () => {
    expect(formatOrderNumber(2026, 123)).toBe('FIQ-2026-000123');
    expect(formatOrderNumber(2027, 1_234_567)).toBe('FIQ-2027-1234567');
    expect(() => formatOrderNumber(2026, 0)).toThrow(RangeError);
  });
});
