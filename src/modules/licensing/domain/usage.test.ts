import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calculateUsageBilling,
  crossedThresholds,
  type MeterDef,
  meterLevel,
  metersOf,
  periodOf,
  periodStartOf,
  thresholdQuantity,
  USAGE_THRESHOLDS,
  usagePlanOf,
} from './usage.ts';

describe('meters from limits', () => {
  it('makes a meter of every <meter>PerMonth key, unlimited without a cap, with its overage rate', () => {
    expect(
      metersOf({
        recordsPerMonth: 10_000,
        recordsOveragePer1000: 50,
        appsPerMonth: 'unlimited',
        users: 5,
        projects: 'unlimited',
        support: 'email',
      }),
    ).toEqual([
      { meter: 'apps', included: null, ratePer1000: 0 },
      { meter: 'records', included: 10_000, ratePer1000: 50 },
    ]);
  });

  it('ignores malformed quantities and names rather than guessing', () => {
    expect(
      metersOf({
        PerMonth: 5,
        BadPerMonth: 5,
        negativePerMonth: -1,
        fractionPerMonth: 1.5,
        wordPerMonth: 'lots',
        flagPerMonth: true,
        okPerMonth: 0,
        okOveragePer1000: -3,
      }),
    ).toEqual([{ meter: 'ok', included: 0, ratePer1000: 0 }]);
  });

  it('blocks unless the product says overage; rates are in the product currency (USD by default)', () => {
    expect(usagePlanOf({ recordsPerMonth: 1 })).toMatchObject({ policy: 'block', currency: 'USD' });
    expect(usagePlanOf({ usagePolicy: 'overage', overageCurrency: 'eur' })).toMatchObject({
      policy: 'overage',
      currency: 'EUR',
    });
    expect(usagePlanOf({ usagePolicy: 'Overage!', overageCurrency: 'XXX' })).toMatchObject({
      policy: 'block',
      currency: 'USD',
    });
  });
});

describe('monthly periods anchored on valid_from', () => {
  const iso = (d: Date) => d.toISOString();

  it('clamps to the month length without drifting: 31 Jan → 28 Feb → 31 Mar', () => {
    const anchor = new Date('2026-01-31T09:30:00Z');
    expect([0, 1, 2, 3, 12, 13].map((n) => iso(periodStartOf(anchor, n)))).toEqual([
      '2026-01-31T09:30:00.000Z',
      '2026-02-28T09:30:00.000Z',
      '2026-03-31T09:30:00.000Z',
      '2026-04-30T09:30:00.000Z',
      '2027-01-31T09:30:00.000Z',
      '2027-02-28T09:30:00.000Z',
    ]);
    expect(iso(periodStartOf(new Date('2027-01-31T00:00:00Z'), 1))).toBe('2027-02-28T00:00:00.000Z');
    expect(iso(periodStartOf(new Date('2028-01-31T00:00:00Z'), 1))).toBe('2028-02-29T00:00:00.000Z');
    const p = periodOf(anchor, new Date('2026-02-28T09:29:59.999Z'));
    expect({ index: p.index, start: iso(p.start), end: iso(p.end) }).toEqual({
      index: 0,
      start: '2026-01-31T09:30:00.000Z',
      end: '2026-02-28T09:30:00.000Z',
    });
    expect(periodOf(anchor, new Date('2026-02-28T09:30:00Z')).index).toBe(1);
    expect(periodOf(anchor, new Date('2026-01-31T09:29:59Z')).index).toBe(-1);
  });

  const date = (min: string, max: string) =>
    fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true });

  it('finds the one period that contains any instant; periods tile time without gaps', () => {
    fc.assert(
      fc.property(
        date('2000-01-01T00:00:00Z', '2060-01-01T00:00:00Z'),
        date('1990-01-01T00:00:00Z', '2080-01-01T00:00:00Z'),
        (anchor, at) => {
          const p = periodOf(anchor, at);
          expect(p.start.getTime()).toBeLessThanOrEqual(at.getTime());
          expect(at.getTime()).toBeLessThan(p.end.getTime());
          expect(p.start.getTime()).toBe(periodStartOf(anchor, p.index).getTime());
          expect(p.end.getTime()).toBe(periodStartOf(anchor, p.index + 1).getTime());
          // The next period starts exactly where this one ends.
          expect(periodOf(anchor, p.end).index).toBe(p.index + 1);
          // A month's period lasts 28 to 31 days.
          const days = (p.end.getTime() - p.start.getTime()) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(28);
          expect(days).toBeLessThanOrEqual(31);
        },
      ),
    );
  });

  it('keeps the anchor day whenever the month has it', () => {
    fc.assert(
      fc.property(
        date('2000-01-01T00:00:00Z', '2060-01-01T00:00:00Z'),
        fc.integer({ min: 0, max: 600 }),
        (a, n) => {
          const s = periodStartOf(a, n);
          const last = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 0)).getUTCDate();
          expect(s.getUTCDate()).toBe(Math.min(a.getUTCDate(), last));
          expect(s.getUTCHours() * 3600 + s.getUTCMinutes() * 60 + s.getUTCSeconds()).toBe(
            a.getUTCHours() * 3600 + a.getUTCMinutes() * 60 + a.getUTCSeconds(),
          );
        },
      ),
    );
  });
});

describe('warning thresholds', () => {
  it('reports 80 % and 100 % when a total reaches them, not before, not again', () => {
    expect(crossedThresholds(10_000, 0, 7_999)).toEqual([]);
    expect(crossedThresholds(10_000, 7_999, 8_000)).toEqual([80]);
    expect(crossedThresholds(10_000, 8_000, 9_999)).toEqual([]);
    expect(crossedThresholds(10_000, 9_999, 10_000)).toEqual([100]);
    expect(crossedThresholds(10_000, 0, 25_000)).toEqual([80, 100]);
    expect(crossedThresholds(10_000, 10_000, 25_000)).toEqual([]);
    // 80 % of 3 is 2.4: 2 of 3 is not yet 80 %, so the third reaches both at once.
    expect(thresholdQuantity(3, 80)).toBe(3);
    expect(crossedThresholds(3, 0, 2)).toEqual([]);
    expect(crossedThresholds(3, 2, 3)).toEqual([80, 100]);
    expect(crossedThresholds(null, 0, 1e9)).toEqual([]);
    expect(crossedThresholds(0, 0, 5)).toEqual([]);
  });

  it('puts a meter under 80 %, past it, at 100 % or unlimited, at the same thresholds as the mails', () => {
    expect(meterLevel(10_000, 7_999)).toBe('under');
    expect(meterLevel(10_000, 8_000)).toBe('warning');
    expect(meterLevel(10_000, 9_999)).toBe('warning');
    expect(meterLevel(10_000, 10_000)).toBe('reached');
    expect(meterLevel(10_000, 25_000)).toBe('reached');
    expect(meterLevel(3, 2)).toBe('under');
    expect(meterLevel(null, 1e9)).toBe('unlimited');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 2e9 }), (included, used) => {
        const crossed = crossedThresholds(included, 0, used);
        const level = meterLevel(included, used);
        expect(level).toBe(crossed.includes(100) ? 'reached' : crossed.includes(80) ? 'warning' : 'under');
      }),
    );
  });

  it('fires each threshold exactly once over any sequence of increments (checked against BigInt)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 400_000_000 }), { maxLength: 40 }),
        (included, steps) => {
          let total = 0;
          const fired: number[] = [];
          for (const step of steps) {
            fired.push(...crossedThresholds(included, total, total + step));
            total += step;
          }
          const reached = USAGE_THRESHOLDS.filter(
            (t) => BigInt(total) * 100n >= BigInt(t) * BigInt(included),
          );
          expect(fired).toEqual(reached);
        },
      ),
    );
  });
});

describe('calculateUsageBilling (002: overage × rate per meter)', () => {
  const tiers: MeterDef[] = [
    { meter: 'records', included: 10_000, ratePer1000: 50 },
    { meter: 'apps', included: 3, ratePer1000: 500_000 },
    { meter: 'projects', included: null, ratePer1000: 100 },
  ];

  it('bills only what is above the included quantity, in integer minor units', () => {
    expect(calculateUsageBilling({ records: 12_345, apps: 5, projects: 99_999 }, tiers)).toEqual({
      lines: [
        { meter: 'apps', included: 3, used: 5, overage: 2, ratePer1000: 500_000, amount: 1_000 },
        { meter: 'projects', included: null, used: 99_999, overage: 0, ratePer1000: 100, amount: 0 },
        // 2,345 × 50 / 1000 = 117.25 → 117
        { meter: 'records', included: 10_000, used: 12_345, overage: 2_345, ratePer1000: 50, amount: 117 },
      ],
      overageAmount: 1_117,
    });
    expect(calculateUsageBilling({ records: 10_000 }, tiers).overageAmount).toBe(0);
    expect(calculateUsageBilling({ records: 10_010 }, tiers).lines.at(-1)?.amount).toBe(1); // 0.5 → 1
    // A meter no longer in the tiers bills nothing.
    expect(calculateUsageBilling({ gone: 5 }, []).lines).toEqual([
      { meter: 'gone', included: null, used: 5, overage: 0, ratePer1000: 0, amount: 0 },
    ]);
  });

  it('is the rounded sum of overage × rate, never negative, monotonic in usage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (used, included, rate, more) => {
          const tier = [{ meter: 'm', included, ratePer1000: rate }];
          const bill = calculateUsageBilling({ m: used }, tier);
          const overage = BigInt(Math.max(0, used - included));
          const exact = overage * BigInt(rate);
          // Half up: amount × 1000 − overage × rate is in (−500, 500] (an exact half rounds up).
          const diff = BigInt(bill.overageAmount) * 1000n - exact;
          expect(diff > -500n && diff <= 500n, String(diff)).toBe(true);
          expect(Number.isSafeInteger(bill.overageAmount)).toBe(true);
          expect(calculateUsageBilling({ m: used + more }, tier).overageAmount).toBeGreaterThanOrEqual(
            bill.overageAmount,
          );
        },
      ),
    );
  });
});
