import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaxDecision } from './jurisdiction.ts';
import { PRODUCT_KINDS, type PricedItem, priceLines, TAX_CODES } from './quote.ts';

const decision = (rateBp: number): TaxDecision => ({
  jurisdiction: 'DE',
  reason: 'standard',
  rateBp,
  kind: 'vat',
  label: 'German VAT',
  notes: [],
});

const item = fc.record({
  sku: fc.constant('TL-MAPPER-PR-A'),
  name: fc.constant('x'),
  kind: fc.constantFrom(...PRODUCT_KINDS),
  quantity: fc.integer({ min: 1, max: 10_000 }),
  unitAmount: fc.integer({ min: 0, max: 10_000_000 }),
});

describe('quote lines', () => {
  it('taxes each line half-up in minor units, with the tax code of its kind', () => {
    const items: PricedItem[] = [
      { sku: 'TL-MAPPER-PR-A', name: 'Mapper', kind: 'license', quantity: 1, unitAmount: 99_000 },
      { sku: 'TR-FHIR101-LV-S', name: 'FHIR 101', kind: 'training', quantity: 3, unitAmount: 149_900 },
      { sku: 'CS-BLOCKS-10-B', name: 'Block', kind: 'consulting', quantity: 1, unitAmount: 250_000 },
    ];
    const { lines, totals } = priceLines(items, decision(1900));
    expect(lines.map((l) => [l.net, l.taxAmount, l.taxCode])).toEqual([
      [99_000, 18_810, 'txcd_10103001'],
      [449_700, 85_443, 'txcd_10401400'],
      [250_000, 47_500, 'txcd_10401300'],
    ]);
    expect(totals).toEqual({ net: 798_700, tax: 151_753, gross: 950_453 });
    // 0.5 cent rounds up: 1 cent at 50 % is 0.5 → 1; 25.5 % of 2 cents is 0.51 → 1.
    expect(priceLines([{ ...items[0]!, unitAmount: 1 }], decision(5000)).lines[0]!.taxAmount).toBe(1);
    expect(priceLines([{ ...items[0]!, unitAmount: 2 }], decision(2550)).lines[0]!.taxAmount).toBe(1);
    expect(TAX_CODES.bundle).toBe('txcd_10000000');
  });

  it('totals always equal the sum of the lines, never negative, each line within half a minor unit of exact', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 10_000 }),
        (items, bp) => {
          const { lines, totals } = priceLines(items, decision(bp));
          expect(totals.net).toBe(lines.reduce((a, l) => a + l.net, 0));
          expect(totals.tax).toBe(lines.reduce((a, l) => a + l.taxAmount, 0));
          expect(totals.gross).toBe(totals.net + totals.tax);
          for (const l of lines) {
            expect(l.net).toBeGreaterThanOrEqual(0);
            expect(l.taxAmount).toBeGreaterThanOrEqual(0);
            expect(l.net).toBe(l.unitAmount * l.quantity);
            // |tax − net × bp / 10000| ≤ ½, in exact integer arithmetic: |tax × 10000 − net × bp| ≤ 5000.
            const diff = BigInt(l.taxAmount) * 10_000n - BigInt(l.net) * BigInt(bp);
            expect(diff <= 5000n && diff >= -5000n).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 5 }), (items) => {
        const copy = structuredClone(items);
        priceLines(items, decision(2000));
        expect(items).toEqual(copy);
      }),
    );
  });
});
