import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMove, dunningAfter, entitled, GRACE_DAYS } from './dunning.ts';
import { period, periodStart } from './periods.ts';
import { prorate } from './proration.ts';

const DAY = 24 * 3600 * 1000;

describe('billing periods', () => {
  it('keep the anchor day, clamped to short months, without drifting', () => {
    const anchor = new Date('2026-01-31T10:00:00Z');
    expect(periodStart(anchor, 'month', 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(periodStart(anchor, 'month', 2).toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(periodStart(anchor, 'month', 13).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(periodStart(new Date('2028-02-29T00:00:00Z'), 'year', 1).toISOString()).toBe(
      '2029-02-28T00:00:00.000Z',
    );
    expect(periodStart(new Date('2028-02-29T00:00:00Z'), 'year', 4).toISOString()).toBe(
      '2032-02-29T00:00:00.000Z',
    );
  });

  it('are contiguous and strictly increasing', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.constantFrom('month' as const, 'year' as const),
        fc.integer({ min: 0, max: 240 }),
        (anchor, interval, n) => {
          const p = period(anchor, interval, n);
          const next = period(anchor, interval, n + 1);
          expect(p.end.getTime()).toBe(next.start.getTime());
          expect(p.end.getTime()).toBeGreaterThan(p.start.getTime());
          const days = (p.end.getTime() - p.start.getTime()) / DAY;
          if (interval === 'month') expect(days).toBeGreaterThanOrEqual(28 - 3);
          if (interval === 'month') expect(days).toBeLessThanOrEqual(31);
        },
      ),
    );
  });
});

describe('proration', () => {
  const start = new Date('2026-03-01T00:00:00Z');
  const end = new Date('2026-03-31T00:00:00Z');

  it('credits the unused half of the old plan and charges the unused half of the new one', () => {
    const p = prorate({
      currentAmount: 9900,
      newAmount: 39900,
      periodStart: start,
      periodEnd: end,
      at: new Date('2026-03-16T00:00:00Z'),
    });
    expect(p).toMatchObject({ credit: 4950, charge: 19950, net: 15000 });
  });

  it('a downgrade is a negative net (account credit); a change at the period start swaps whole periods', () => {
    expect(
      prorate({ currentAmount: 39900, newAmount: 9900, periodStart: start, periodEnd: end, at: start }),
    ).toMatchObject({ credit: 39900, charge: 9900, net: -30000 });
    expect(
      prorate({ currentAmount: 39900, newAmount: 9900, periodStart: start, periodEnd: end, at: end }),
    ).toMatchObject({ credit: 0, charge: 0, net: 0 });
  });

  it('never charges more than a full period, never credits more than was paid, rounds within half a unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 1, max: 366 * 24 * 3600 }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        (currentAmount, newAmount, seconds, f) => {
          const periodEnd = new Date(start.getTime() + seconds * 1000);
          const at = new Date(start.getTime() + Math.round(f * seconds) * 1000);
          const p = prorate({ currentAmount, newAmount, periodStart: start, periodEnd, at });
          expect(p.charge).toBeGreaterThanOrEqual(0);
          expect(p.credit).toBeGreaterThanOrEqual(0);
          expect(p.charge).toBeLessThanOrEqual(newAmount);
          expect(p.credit).toBeLessThanOrEqual(currentAmount);
          expect(p.net).toBe(p.charge - p.credit);
          const fraction = p.remainingSeconds / p.periodSeconds;
          expect(Math.abs(p.charge - newAmount * fraction)).toBeLessThanOrEqual(0.5 + 1e-6);
          expect(Math.abs(p.credit - currentAmount * fraction)).toBeLessThanOrEqual(0.5 + 1e-6);
          // The same plan changes nothing.
          if (currentAmount === newAmount) expect(p.net).toBe(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses fractions of a minor unit, negative amounts and empty periods', () => {
    expect(() =>
      prorate({ currentAmount: 1.5, newAmount: 1, periodStart: start, periodEnd: end, at: start }),
    ).toThrow();
    expect(() =>
      prorate({ currentAmount: -1, newAmount: 1, periodStart: start, periodEnd: end, at: start }),
    ).toThrow();
    expect(() =>
      prorate({ currentAmount: 1, newAmount: 1, periodStart: end, periodEnd: start, at: start }),
    ).toThrow();
  });
});

describe('dunning', () => {
  const failed = new Date('2026-04-01T00:00:00Z');
  it('retries on days 1, 3 and 5, and ends the grace after 7 days', () => {
    expect(dunningAfter(failed, 1).nextRetryAt?.toISOString()).toBe('2026-04-02T00:00:00.000Z');
    expect(dunningAfter(failed, 2).nextRetryAt?.toISOString()).toBe('2026-04-04T00:00:00.000Z');
    expect(dunningAfter(failed, 3).nextRetryAt?.toISOString()).toBe('2026-04-06T00:00:00.000Z');
    expect(dunningAfter(failed, 4).nextRetryAt).toBeNull();
    expect(dunningAfter(failed, 4).graceEndsAt.getTime() - failed.getTime()).toBe(GRACE_DAYS * DAY);
  });
  it('keeps entitlement while past due, not once suspended or canceled', () => {
    expect(entitled('past_due')).toBe(true);
    expect(entitled('suspended')).toBe(false);
    expect(entitled('canceled')).toBe(false);
    expect(canMove('suspended', 'active')).toBe(true);
    expect(canMove('canceled', 'active')).toBe(false);
    expect(canMove('active', 'suspended')).toBe(false);
  });
});
