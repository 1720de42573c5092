import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateRefund, type LineAllocation, remainingPerLine, type SoldLine } from './refund-allocation.ts';

const soldLines = fc
  .array(
    fc.record({
      net: fc.integer({ min: 0, max: 50_000_000 }),
      // Tax up to 30 % of the net, or any small amount (a zero-net line may still be taxed in tests).
      taxShare: fc.integer({ min: 0, max: 3000 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((ls) =>
    ls.map(
      (l, i): SoldLine => ({
        id: `orl_${i}`,
        position: i + 1,
        sku: `SKU-${i}`,
        net: l.net,
        taxAmount: Math.floor((l.net * l.taxShare) / 10_000),
      }),
    ),
  )
  .filter((ls) => ls.some((l) => l.net + l.taxAmount > 0));

const total = (ls: readonly LineAllocation[]) => ls.reduce((s, l) => s + l.net + l.tax, 0);

describe('refund allocation', () => {
  it('splits each refund exactly, never beyond a line’s remaining net or tax, never negative; the last refund empties every line', () => {
    fc.assert(
      fc.property(
        soldLines,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (lines, fractions) => {
          const done: LineAllocation[][] = [];
          for (const f of [...fractions, 1]) {
            const remaining = remainingPerLine(lines, done);
            const left = total(remaining);
            if (left === 0) break;
            const amount = Math.max(1, Math.min(left, Math.round(left * f)));
            const a = allocateRefund(amount, remaining);
            expect(a.net + a.tax).toBe(amount);
            expect(a.lines.reduce((s, l) => s + l.net, 0)).toBe(a.net);
            expect(a.lines.reduce((s, l) => s + l.tax, 0)).toBe(a.tax);
            a.lines.forEach((part, i) => {
              const r = remaining[i]!;
              expect(part.lineId).toBe(r.lineId);
              expect(Number.isSafeInteger(part.net) && Number.isSafeInteger(part.tax)).toBe(true);
              expect(part.net).toBeGreaterThanOrEqual(0);
              expect(part.tax).toBeGreaterThanOrEqual(0);
              expect(part.net).toBeLessThanOrEqual(r.net);
              expect(part.tax).toBeLessThanOrEqual(r.tax);
            });
            done.push(a.lines);
          }
          // The closing refund (fraction 1) took what was left: every line is refunded in full.
          expect(remainingPerLine(lines, done).every((l) => l.net === 0 && l.tax === 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refunds the whole order as exactly its lines', () => {
    fc.assert(
      fc.property(soldLines, (lines) => {
        const remaining = remainingPerLine(lines, []);
        const a = allocateRefund(total(remaining), remaining);
        expect(a.lines.map((l) => [l.net, l.tax])).toEqual(lines.map((l) => [l.net, l.taxAmount]));
      }),
    );
  });

  it('is proportional: a half refund of two equal lines takes half of each', () => {
    const lines: SoldLine[] = [
      { id: 'a', position: 1, sku: 'A', net: 10_000, taxAmount: 1_900 },
      { id: 'b', position: 2, sku: 'B', net: 10_000, taxAmount: 1_900 },
    ];
    const a = allocateRefund(11_900, remainingPerLine(lines, []));
    expect(a).toEqual({
      net: 10_000,
      tax: 1_900,
      lines: [
        { lineId: 'a', position: 1, sku: 'A', net: 5_000, tax: 950 },
        { lineId: 'b', position: 2, sku: 'B', net: 5_000, tax: 950 },
      ],
    });
    // One cent: a whole minor unit goes to one place, never split.
    const cent = allocateRefund(1, remainingPerLine(lines, []));
    expect(cent.net + cent.tax).toBe(1);
  });

  it('refuses a zero, negative, fractional or oversized refund, and a line refunded beyond its amount', () => {
    const lines: SoldLine[] = [{ id: 'a', position: 1, sku: 'A', net: 100, taxAmount: 19 }];
    const remaining = remainingPerLine(lines, []);
    for (const bad of [0, -1, 1.5, 120, Number.MAX_SAFE_INTEGER + 2])
      expect(() => allocateRefund(bad, remaining)).toThrow(RangeError);
    expect(() =>
      remainingPerLine(lines, [[{ lineId: 'a', position: 1, sku: 'A', net: 101, tax: 0 }]]),
    ).toThrow(RangeError);
  });
});
