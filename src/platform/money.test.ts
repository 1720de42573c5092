import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, formatMoney, mulDivRound, taxOn, toMinor } from './money.ts';

describe('money', () => {
  it('converts decimal prices to minor units exactly, half-up', () => {
    expect(toMinor(29, 'USD')).toBe(2900);
    expect(toMinor('1499.50', 'EUR')).toBe(149950);
    expect(toMinor('0.005', 'USD')).toBe(1);
    expect(toMinor('0.004', 'USD')).toBe(0);
    expect(toMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(() => toMinor('12,50', 'EUR')).toThrow();
  });

  it('rounds tax half-up per line', () => {
    expect(taxOn(2900, 1900)).toBe(551); // 5.51
    expect(taxOn(50, 1000)).toBe(5);
    expect(taxOn(5, 1000)).toBe(1); // 0.5 cent rounds up
    expect(taxOn(4, 1000)).toBe(0);
    expect(taxOn(-5, 1000)).toBe(-1); // refunds mirror charges
  });

  it('keeps tax within half a minor unit of the exact value, never negative on positive nets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc.integer({ min: 0, max: 10_000 }),
        (net, bp) => {
          const tax = taxOn(net, bp);
          expect(tax).toBeGreaterThanOrEqual(0);
          expect(Math.abs(tax - (net * bp) / 10_000)).toBeLessThanOrEqual(0.5);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('allocates a total over weights so the parts add up exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sumW = weights.reduce((a, b) => a + b, 0);
          if (sumW > 0) {
            parts.forEach((p, i) => {
              expect(Math.abs(p - (total * weights[i]!) / sumW)).toBeLessThan(1);
            });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mulDivRound never exceeds the whole for fractions of at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_00 }),
        fc.integer({ min: 1, max: 366 }),
        (amount, days) => {
          const used = fc.sample(fc.integer({ min: 0, max: days }), 1)[0]!;
          expect(mulDivRound(amount, used, days)).toBeLessThanOrEqual(amount);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('formats for people', () => {
    expect(formatMoney(149900, 'USD')).toBe('$1,499.00');
    expect(formatMoney(2900, 'EUR')).toBe('€29.00');
    expect(formatMoney(9900, 'CAD')).toBe('CA$99.00');
  });
});
