import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PST_TAXED_KINDS, type TaxComponentRule, type TaxDecision } from './jurisdiction.ts';
import { PRODUCT_KINDS, type PricedItem, priceLines, TAX_CODES } from './quote.ts';

const decision = (rateBp: number): TaxDecision => ({
  jurisdiction: 'DE',
  reason: 'standard',
  rateBp,
  kind: 'vat',
  label: 'German VAT',
  components: [{ kind: 'vat', jurisdiction: 'DE', label: 'German VAT', ratePpm: rateBp * 100 }],
  notes: [],
});

const GST: TaxComponentRule = { kind: 'gst', jurisdiction: 'CA', label: 'Canadian GST', ratePpm: 50_000 };
const QST: TaxComponentRule = { kind: 'qst', jurisdiction: 'CA-QC', label: 'Quebec QST', ratePpm: 99_750 };
const BC_PST: TaxComponentRule = {
  kind: 'pst',
  jurisdiction: 'CA-BC',
  label: 'British Columbia PST',
  ratePpm: 70_000,
  appliesTo: PST_TAXED_KINDS,
};
const canada = (region: string, components: TaxComponentRule[]): TaxDecision => ({
  jurisdiction: `CA-${region}`,
  reason: 'standard',
  rateBp: 0,
  kind: 'gst',
  label: components.map((c) => c.label).join(' + '),
  components,
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

  it('taxes Quebec per component: GST and QST each rounded half-up on the net', () => {
    const mapper: PricedItem = {
      sku: 'TL-MAPPER-PR-A',
      name: 'Mapper',
      kind: 'license',
      quantity: 1,
      unitAmount: 99_000,
    };
    const { lines, totals } = priceLines([mapper], canada('QC', [GST, QST]));
    expect(lines[0]).toMatchObject({
      net: 99_000,
      taxRate: 1498,
      taxRatePercent: '14.975',
      taxAmount: 14_825,
      components: [
        { kind: 'gst', jurisdiction: 'CA', label: 'Canadian GST', ratePercent: '5', amount: 4_950 },
        // 99,000 × 9.975 % = 9,875.25 → 9,875 (QST is on the net price, not on the GST-inclusive one).
        { kind: 'qst', jurisdiction: 'CA-QC', label: 'Quebec QST', ratePercent: '9.975', amount: 9_875 },
      ],
    });
    expect(totals).toEqual({ net: 99_000, tax: 14_825, gross: 113_825 });
    // 10 cents: GST 0.5 → 1 and QST 0.9975 → 1, so 2 — where the combined 14.975 % would give 1.5 → 1.
    const dime = priceLines([{ ...mapper, unitAmount: 10 }], canada('QC', [GST, QST])).lines[0]!;
    expect(dime.components.map((c) => c.amount)).toEqual([1, 1]);
    expect(dime.taxAmount).toBe(2);
  });

  it('applies a provincial sales tax to software lines only', () => {
    const items: PricedItem[] = [
      { sku: 'TL-MAPPER-PR-A', name: 'Mapper', kind: 'license', quantity: 1, unitAmount: 99_000 },
      { sku: 'TR-FHIR101-LV-S', name: 'FHIR 101', kind: 'training', quantity: 1, unitAmount: 149_900 },
      { sku: 'CS-BLOCKS-10-B', name: 'Block', kind: 'consulting', quantity: 1, unitAmount: 250_000 },
      { sku: 'BN-STARTER-A', name: 'Starter', kind: 'bundle', quantity: 1, unitAmount: 99_900 },
    ];
    const { lines, totals } = priceLines(items, canada('BC', [GST, BC_PST]));
    expect(
      lines.map((l) => [l.taxRate, l.taxRatePercent, l.components.map((c) => c.kind), l.taxAmount]),
    ).toEqual([
      [1200, '12', ['gst', 'pst'], 4_950 + 6_930],
      [500, '5', ['gst'], 7_495],
      [500, '5', ['gst'], 12_500],
      [1200, '12', ['gst', 'pst'], 4_995 + 6_993],
    ]);
    expect(totals.tax).toBe(4_950 + 6_930 + 7_495 + 12_500 + 4_995 + 6_993);
  });

  it('charges nothing, with no component, under reverse charge', () => {
    const rc: TaxDecision = { ...decision(0), reason: 'reverse_charge', components: [] };
    const [line] = priceLines(
      [{ sku: 'TL-MAPPER-PR-A', name: 'Mapper', kind: 'license', quantity: 2, unitAmount: 99_000 }],
      rc,
    ).lines;
    expect(line).toMatchObject({
      taxRate: 0,
      taxRatePercent: '0',
      taxAmount: 0,
      components: [],
      reason: 'reverse_charge',
    });
  });

  it('every component within half a minor unit of exact, the line tax their sum, totals the sum of lines', () => {
    const rule = fc.record({
      kind: fc.constantFrom('gst' as const, 'qst' as const, 'pst' as const),
      jurisdiction: fc.constant('CA-QC'),
      label: fc.constant('x'),
      ratePpm: fc.integer({ min: 0, max: 300_000 }),
      appliesTo: fc.option(fc.subarray([...PRODUCT_KINDS], { minLength: 1 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 20 }),
        fc.array(rule, { minLength: 0, maxLength: 3 }),
        (items, components) => {
          const { lines, totals } = priceLines(items, canada('QC', components));
          expect(totals.tax).toBe(lines.reduce((a, l) => a + l.taxAmount, 0));
          expect(totals.gross).toBe(totals.net + totals.tax);
          lines.forEach((l, i) => {
            const applicable = components.filter((c) => !c.appliesTo || c.appliesTo.includes(items[i]!.kind));
            expect(l.components).toHaveLength(applicable.length);
            expect(l.taxAmount).toBe(l.components.reduce((a, c) => a + c.amount, 0));
            const ppm = applicable.reduce((a, c) => a + c.ratePpm, 0);
            expect(l.taxRate).toBe(Math.floor((ppm + 50) / 100));
            applicable.forEach((c, k) => {
              const diff = BigInt(l.components[k]!.amount) * 1_000_000n - BigInt(l.net) * BigInt(c.ratePpm);
              expect(diff <= 500_000n && diff >= -500_000n).toBe(true);
            });
          });
        },
      ),
      { numRuns: 1000 },
    );
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
