import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundlePricing } from './bundle.ts';
import { annualSaving } from './pricing.ts';

describe('bundlePricing', () => {
  it('computes the individual price from the real component prices: 002\u2019s Starter bundle saves nothing', () => {
    // 190 + 290 + 299 = 779 < 999: 002 claimed 1579 and 37 %.
    const p = bundlePricing('USD', 99_900, [
      { quantity: 1, unitAmount: 19_000 },
      { quantity: 1, unitAmount: 29_000 },
      { quantity: 1, unitAmount: 29_900 },
    ]);
    expect(p).toEqual({
      currency: 'USD',
      price: 99_900,
      individualPrice: 77_900,
      savings: null,
      savingsPercent: null,
    });
  });

  it('advertises a real saving, rounded down, with quantities', () => {
    const p = bundlePricing('EUR', 50_000, [
      { quantity: 2, unitAmount: 20_000 },
      { quantity: 1, unitAmount: 30_000 },
    ]);
    expect(p).toMatchObject({ individualPrice: 70_000, savings: 20_000, savingsPercent: 28 });
  });

  it('shows no saving when the bundle costs the same, or a component has no price', () => {
    expect(bundlePricing('USD', 100, [{ quantity: 1, unitAmount: 100 }]).savings).toBeNull();
    const missing = bundlePricing('GBP', 100, [{ quantity: 1, unitAmount: undefined }]);
    expect(missing).toMatchObject({ individualPrice: null, savings: null });
  });

  it('never claims a saving that is not positive, and never more than the individual price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 50 }),
            unitAmount: fc.integer({ min: 1, max: 10_000_000 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (price, items) => {
          const p = bundlePricing('USD', price, items);
          const individual = items.reduce((s, i) => s + i.quantity * i.unitAmount, 0);
          expect(p.individualPrice).toBe(individual);
          if (individual > price) {
            expect(p.savings).toBe(individual - price);
            expect(p.savingsPercent).toBeLessThanOrEqual(100);
            expect((p.savingsPercent! * individual) / 100).toBeLessThanOrEqual(p.savings!);
          } else expect(p.savings).toBeNull();
        },
      ),
    );
  });
});

describe('annualSaving', () => {
  it('says "2 months free" only when the annual price is exactly ten monthly payments', () => {
    expect(annualSaving(2_900, 29_000)).toEqual({ amount: 5_800, percent: 16, monthsFree: 2 });
    expect(annualSaving(2_900, 30_000)).toEqual({ amount: 4_800, percent: 13, monthsFree: null });
  });

  it('reports no saving when annual is not cheaper than 12 months', () => {
    expect(annualSaving(1_000, 12_000)).toBeNull();
    expect(annualSaving(1_000, 13_000)).toBeNull();
  });
});
