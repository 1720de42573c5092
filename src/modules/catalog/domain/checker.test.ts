import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../seed/index.ts';
import { checkCatalog, introducedErrors } from './checker.ts';
import type { CatalogData, PriceRow, SkuDef } from './types.ts';

/** The seed as the checker sees it (prices get ids and dates). */
function seedData(): CatalogData {
  const s = seedCatalog();
  const prices: PriceRow[] = s.prices.map((p, i) => ({
    id: `prc_${i}`,
    sku: p.sku,
    currency: p.currency,
    amount: p.amount,
    status: 'active',
    createdAt: new Date(0),
    archivedAt: null,
  }));
  return { ...s, prices };
}

const withSku = (d: CatalogData, code: string, patch: Partial<SkuDef>): CatalogData => ({
  ...d,
  skus: d.skus.map((s) => (s.code === code ? { ...s, ...patch } : s)),
});
const codesOf = (d: CatalogData) =>
  checkCatalog(d).map((i) => `${i.severity}:${i.code}:${i.subject}${i.currency ? `:${i.currency}` : ''}`);

describe('checkCatalog on the seed', () => {
  it('finds no error, and reports 002\u2019s two overpriced bundles in every currency', () => {
    const issues = checkCatalog(seedData());
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const warnings = issues
      .filter((i) => i.severity === 'warning')
      .map((i) => `${i.code}:${i.subject}:${i.currency}`);
    expect(warnings.sort()).toEqual(
      ['BN-PROFESSIONAL-A', 'BN-STARTER-A']
        .flatMap((b) => ['CAD', 'EUR', 'GBP', 'USD'].map((c) => `bundle_not_cheaper:${b}:${c}`))
        .sort(),
    );
    const starter = issues.find((i) => i.subject === 'BN-STARTER-A' && i.currency === 'USD');
    expect(starter?.message).toContain('$999.00');
    expect(starter?.message).toContain('$779.00');
    const pro = issues.find((i) => i.subject === 'BN-PROFESSIONAL-A' && i.currency === 'USD');
    expect(pro?.message).toContain('$4,258.00');
  });

  it('does not change its input', () => {
    const d = seedData();
    const copy = structuredClone(d);
    checkCatalog(d);
    expect(d).toEqual(copy);
  });
});

describe('checkCatalog finds', () => {
  const base = seedData();

  it('a buyable SKU without an active USD price, and a non-positive price', () => {
    const noUsd = {
      ...base,
      prices: base.prices.filter((p) => !(p.sku === 'TL-MAPPER-ST-M' && p.currency === 'USD')),
    };
    expect(codesOf(noUsd)).toContain('error:missing_usd_price:TL-MAPPER-ST-M');
    const zero = {
      ...base,
      prices: base.prices.map((p) =>
        p.sku === 'CS-BLOCKS-10-B' && p.currency === 'EUR' ? { ...p, amount: 0 } : p,
      ),
    };
    expect(codesOf(zero)).toContain('error:non_positive_price:CS-BLOCKS-10-B:EUR');
  });

  it('a recurring SKU without an interval, and a one-time SKU with one', () => {
    expect(codesOf(withSku(base, 'TL-MAPPER-ST-M', { interval: null }))).toContain(
      'error:recurring_without_interval:TL-MAPPER-ST-M',
    );
    expect(codesOf(withSku(base, 'TR-FHIR101-SP-P', { interval: 'year' }))).toContain(
      'error:one_time_with_interval:TR-FHIR101-SP-P',
    );
  });

  it('a per-seat SKU whose fulfillment cannot count seats', () => {
    expect(codesOf(withSku(base, 'CS-BLOCKS-10-B', { perSeat: true }))).toContain(
      'error:per_seat_not_seat:CS-BLOCKS-10-B',
    );
    const org = withSku(base, 'TL-MAPPER-ST-M', {
      perSeat: true,
      fulfillment: { kind: 'license', licenseType: 'ORGANIZATION', limits: {} },
    });
    expect(codesOf(org)).toContain('error:per_seat_not_seat:TL-MAPPER-ST-M');
    expect(codesOf(withSku(base, 'TL-MAPPER-ST-M', { perSeat: true }))).not.toContain(
      'error:per_seat_not_seat:TL-MAPPER-ST-M',
    );
  });

  it('a per-seat edition without a seat cap, a seat edition sold with its users included, a bundle over a cap', () => {
    const seat = (limits: Record<string, number | string | boolean>) =>
      withSku(base, 'TL-MAPPER-PR-M', {
        fulfillment: { kind: 'license', licenseType: 'SEAT', limits },
      });
    expect(codesOf(seat({ recordsPerMonth: 100_000 }))).toContain('error:seat_cap_missing:TL-MAPPER-PR-M');
    expect(codesOf(seat({ users: 0 }))).toContain('error:seat_cap_missing:TL-MAPPER-PR-M');
    expect(codesOf(seat({ users: 'many' }))).toContain('error:seat_cap_missing:TL-MAPPER-PR-M');
    expect(codesOf(seat({ users: 'unlimited' }))).not.toContain('error:seat_cap_missing:TL-MAPPER-PR-M');
    expect(codesOf(withSku(base, 'TL-MAPPER-PR-M', { perSeat: false }))).toContain(
      'warning:seat_edition_not_per_seat:TL-MAPPER-PR-M',
    );
    // The Professional bundle gives one seat of each tool; six Mapper Starter seats cannot be.
    const over = {
      ...base,
      bundleItems: base.bundleItems.map((i) =>
        i.bundleSku === 'BN-STARTER-A' && i.componentSku === 'TL-MAPPER-ST-A' ? { ...i, quantity: 6 } : i,
      ),
    };
    expect(codesOf(over)).toContain('error:bundle_seats_over_cap:BN-STARTER-A');
    expect(codesOf(base).filter((c) => c.includes('bundle_seats_over_cap'))).toEqual([]);
  });

  it('a product whose type does not fit its kind', () => {
    const misfit = {
      ...base,
      products: base.products.map((p) =>
        p.key === 'TR-FHIR101' ? { ...p, type: 'web_service' as const } : p,
      ),
    };
    expect(codesOf(misfit)).toContain('error:product_type_mismatch:TR-FHIR101');
    expect(codesOf(base).filter((c) => c.includes('product_type_mismatch'))).toEqual([]);
  });

  it('a bundle component that is missing, archived, contact-sales, or itself a bundle', () => {
    const missing = {
      ...base,
      bundleItems: [
        ...base.bundleItems,
        { bundleSku: 'BN-STARTER-A', componentSku: 'TL-NOPE-ST-M', quantity: 1, position: 9 },
      ],
    };
    expect(codesOf(missing)).toContain('error:bundle_component_missing:BN-STARTER-A');
    expect(codesOf(withSku(base, 'TL-MAPPER-ST-A', { status: 'archived' }))).toContain(
      'error:bundle_component_not_buyable:BN-STARTER-A',
    );
    const contact = {
      ...base,
      bundleItems: [
        ...base.bundleItems,
        { bundleSku: 'BN-STARTER-A', componentSku: 'TL-MAPPER-EN', quantity: 1, position: 9 },
      ],
    };
    expect(codesOf(contact)).toContain('error:bundle_component_not_buyable:BN-STARTER-A');
    const nested = {
      ...base,
      bundleItems: [
        ...base.bundleItems,
        { bundleSku: 'BN-PROFESSIONAL-A', componentSku: 'BN-STARTER-A', quantity: 1, position: 9 },
      ],
    };
    expect(codesOf(nested)).toContain('error:bundle_nested:BN-PROFESSIONAL-A');
    // The contact-sales Enterprise bundle may list what it is built from without selling it.
    expect(codesOf(base).some((c) => c.includes('BN-ENTERPRISE-C'))).toBe(false);
  });

  it('a bundle that costs exactly its parts (no saving) as well as one that costs more', () => {
    const at = (amount: number) => ({
      ...base,
      prices: base.prices.map((p) =>
        p.sku === 'BN-STARTER-A' && p.currency === 'USD' ? { ...p, amount } : p,
      ),
    });
    expect(codesOf(at(77_900))).toContain('warning:bundle_not_cheaper:BN-STARTER-A:USD');
    expect(codesOf(at(69_900))).not.toContain('warning:bundle_not_cheaper:BN-STARTER-A:USD');
  });

  it('an annual price not cheaper than 12 monthly payments', () => {
    const dear = {
      ...base,
      prices: base.prices.map((p) =>
        p.sku === 'TL-QUALITY-ST-A' && p.currency === 'GBP' ? { ...p, amount: 50_400 } : p,
      ),
    };
    expect(codesOf(dear)).toContain('warning:annual_not_cheaper:TL-QUALITY-ST-A:GBP');
  });

  it('a currency other SKUs of the product are sold in, and duplicate active prices', () => {
    const gap = {
      ...base,
      prices: base.prices.filter((p) => !(p.sku === 'TL-BUILDER-PR-M' && p.currency === 'CAD')),
    };
    expect(codesOf(gap)).toContain('warning:missing_currency:TL-BUILDER-PR-M:CAD');
    const dup = { ...base, prices: [...base.prices, { ...base.prices[0]!, id: 'prc_dup' }] };
    expect(codesOf(dup)).toContain(
      `error:duplicate_active_price:${base.prices[0]!.sku}:${base.prices[0]!.currency}`,
    );
  });

  it('a SKU code the taxonomy rejects, or that contradicts its product', () => {
    const bad = { ...base, skus: [...base.skus, { ...base.skus[0]!, code: 'TL-MAPPER-ST-Q' }] };
    expect(codesOf(bad)).toContain('error:sku_unparseable:TL-MAPPER-ST-Q');
    expect(codesOf(withSku(base, 'TL-MAPPER-ST-M', { productKey: 'TL-QUALITY' }))).toContain(
      'error:sku_code_mismatch:TL-MAPPER-ST-M',
    );
  });

  it('what an edit introduced, ignoring errors that were already there', () => {
    const broken = checkCatalog(withSku(base, 'TL-MAPPER-ST-M', { interval: null }));
    const worse = checkCatalog(
      withSku(withSku(base, 'TL-MAPPER-ST-M', { interval: null }), 'CS-BLOCKS-10-B', { perSeat: true }),
    );
    expect(introducedErrors(broken, worse).map((i) => i.code)).toEqual(['per_seat_not_seat']);
    expect(introducedErrors(worse, broken)).toEqual([]);
  });
});
