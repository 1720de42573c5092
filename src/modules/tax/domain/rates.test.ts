import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RATE_PPM, parsePercent, percentOf, ppmToBasisPoints } from './rates.ts';

describe('rates in parts per million', () => {
  it('parses percentages exactly, up to 4 decimals and 100 %', () => {
    expect(['19', '25.5', '9.975', '0', '0.0001', '100', ' 7 '].map(parsePercent)).toEqual([
      190_000, 255_000, 99_750, 0, 1, 1_000_000, 70_000,
    ]);
    for (const bad of ['100.0001', '101', '-1', '9,975', '9.97501', '.5', '5.', 'abc', '', '1e2']) {
      expect(parsePercent(bad), bad).toBeUndefined();
    }
  });

  it('prints the exact percentage back, and rounds to basis points half-up', () => {
    expect([99_750, 190_000, 149_750, 1, 0].map(percentOf)).toEqual(['9.975', '19', '14.975', '0.0001', '0']);
    expect([149_750, 149_749, 99_750, 190_000, 50, 49].map(ppmToBasisPoints)).toEqual([
      1498, 1497, 998, 1900, 1, 0,
    ]);
  });

  it('round-trips every rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_RATE_PPM }), (ppm) => {
        expect(parsePercent(percentOf(ppm))).toBe(ppm);
      }),
      { numRuns: 5000 },
    );
  });
});
