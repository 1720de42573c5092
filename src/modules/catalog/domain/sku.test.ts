import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../seed/index.ts';
import { parseSku, skuCodes } from './sku.ts';

const seed = seedCatalog();
const codes = skuCodes(seed);

const reason = (code: string) => {
  const r = parseSku(code, codes);
  return r.ok ? null : r.reason;
};

describe('parseSku', () => {
  it('splits four-part codes into category, product, edition and term', () => {
    expect(parseSku('TL-MAPPER-PR-A', codes)).toEqual({
      ok: true,
      parts: {
        code: 'TL-MAPPER-PR-A',
        category: 'TL',
        product: 'MAPPER',
        productKey: 'TL-MAPPER',
        edition: 'PR',
        term: 'A',
      },
    });
  });

  it('reads three-part codes as product + term, or product + edition when the last part is no term', () => {
    expect(parseSku('BN-STARTER-A', codes)).toMatchObject({ ok: true, parts: { edition: null, term: 'A' } });
    expect(parseSku('TR-CUSTOM-ORG', codes)).toMatchObject({
      ok: true,
      parts: { edition: null, term: 'ORG' },
    });
    expect(parseSku('TL-MAPPER-EN', codes)).toMatchObject({ ok: true, parts: { edition: 'EN', term: null } });
  });

  it('rejects with a precise reason', () => {
    expect(reason('XX-MAPPER-ST-M')).toBe('unknown category "XX"');
    expect(reason('TL-MAPPER-ST-Q')).toBe('term "Q" is not defined');
    expect(reason('TL-MAPPER-ZZ-M')).toBe('edition "ZZ" is not defined');
    expect(reason('TL-MAPPER')).toBe('expected 3 or 4 parts (CATEGORY-PRODUCT-EDITION-TERM), got 2');
    expect(reason('TL-MAPPER-ST-M-X')).toBe('expected 3 or 4 parts (CATEGORY-PRODUCT-EDITION-TERM), got 5');
    expect(reason('TL-NOPE-ST-M')).toBe('unknown product "NOPE" in category "TL"');
    expect(reason('tl-mapper-st-m')).toBe('only capital letters, digits and hyphens are allowed');
    expect(reason('TL--ST-M')).toBe('a SKU code has no empty parts');
    expect(reason('')).toBe('a SKU code is required');
    expect(reason(`TL-${'A'.repeat(50)}-M`)).toBe('a SKU code has at most 40 characters');
    expect(reason('TL-MAPPER-Q')).toBe('term "Q" is not defined (nor is an edition "Q")');
    expect(reason("TL-MAPPER-ST-M'; DROP TABLE")).toBe(
      'only capital letters, digits and hyphens are allowed',
    );
  });

  it('accepts only the codes the data defines: a new term is a row, not a code change', () => {
    expect(reason('TL-MAPPER-ST-Q')).not.toBeNull();
    const terms = [...seed.terms.map((term) => ({ code: term.code })), { code: 'Q' }];
    const withQ = skuCodes({ ...seed, terms });
    expect(parseSku('TL-MAPPER-ST-Q', withQ).ok).toBe(true);
  });

  it('parses every seeded SKU, matching its product, edition and term', () => {
    for (const s of seed.skus) {
      const r = parseSku(s.code, codes);
      expect(r, s.code).toMatchObject({
        ok: true,
        parts: { productKey: s.productKey, edition: s.editionCode, term: s.termCode },
      });
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[A-Z0-9-]{0,45}$/),
          fc.constantFrom(...seed.skus.map((s) => s.code)),
        ),
        (s) => {
          const r = parseSku(s, codes);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips: any code built from defined parts parses back to those parts', () => {
    const products = seed.products.map((p) => p.key);
    fc.assert(
      fc.property(
        fc.constantFrom(...products),
        fc.constantFrom(...seed.editions.map((e) => e.code)),
        fc.constantFrom(...seed.terms.map((t) => t.code)),
        (key, edition, term) => {
          const r = parseSku(`${key}-${edition}-${term}`, codes);
          expect(r).toMatchObject({ ok: true, parts: { productKey: key, edition, term } });
        },
      ),
    );
  });
});
