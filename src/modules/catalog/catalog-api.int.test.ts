import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api } from '../accounts/test-support.ts';
import { CONTACT_SALES_SKUS } from './seed/index.ts';
import { catalogCounts } from './test-support.ts';

/** The public catalog API: 002's prices exactly, contact-sales items kept out, lookups, caching, seeding. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-04-01T09:00:00Z' });
});
afterAll(async () => t?.close());

/** The issue's list of buyable SKUs and their USD prices, verbatim. */
const ISSUE_PRICES: Record<string, number> = {
  'TL-MAPPER-ST-M': 29,
  'TL-MAPPER-ST-A': 290,
  'TL-MAPPER-PR-M': 99,
  'TL-MAPPER-PR-A': 990,
  'TL-QUALITY-ST-M': 49,
  'TL-QUALITY-ST-A': 490,
  'TL-QUALITY-PR-M': 199,
  'TL-QUALITY-PR-A': 1990,
  'TL-ANALYTICS-ST-M': 99,
  'TL-ANALYTICS-ST-A': 990,
  'TL-ANALYTICS-PR-M': 399,
  'TL-ANALYTICS-PR-A': 3990,
  'TL-BUILDER-IN-M': 19,
  'TL-BUILDER-IN-A': 190,
  'TL-BUILDER-PR-M': 99,
  'TL-BUILDER-PR-A': 990,
  'TR-FHIR101-SP-P': 299,
  'TR-FHIR101-LV-S': 1499,
  'TR-USCORE-SP-P': 499,
  'TR-USCORE-LV-S': 1999,
  'TR-ADVANCED-LV-S': 2999,
  'CS-BLOCKS-10-B': 2500,
  'CS-BLOCKS-25-B': 5625,
  'CS-BLOCKS-50-B': 10000,
  'CS-ASSESSMENT-F': 7500,
  'BN-STARTER-A': 999,
  'BN-PROFESSIONAL-A': 4999,
};

interface Entry {
  sku: string;
  prices: Record<string, number>;
  [k: string]: unknown;
}

describe('GET /api/v1/catalog', () => {
  it('lists exactly the buyable SKUs of the issue, each at its exact USD price, in all four currencies', async () => {
    const r = await api(t, 'GET', '/api/v1/catalog');
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Entry[];
    expect(items.map((i) => i.sku).sort()).toEqual(Object.keys(ISSUE_PRICES).sort());
    for (const i of items) {
      expect(i.prices.USD, i.sku).toBe(ISSUE_PRICES[i.sku]! * 100);
      expect(Object.keys(i.prices).sort(), i.sku).toEqual(['CAD', 'EUR', 'GBP', 'USD']);
    }
    for (const code of CONTACT_SALES_SKUS) expect(items.some((i) => i.sku === code)).toBe(false);
  });

  it('describes billing, seats, fulfillment and limits', async () => {
    const items = (await api(t, 'GET', '/api/v1/catalog')).json().items as Entry[];
    const by = (sku: string) => items.find((i) => i.sku === sku)!;
    expect(by('TL-MAPPER-PR-A')).toMatchObject({
      category: 'TL',
      product: { key: 'TL-MAPPER', slug: 'mapper-to-fhir' },
      edition: { code: 'PR', name: 'Professional' },
      term: { code: 'A', name: 'Annual' },
      billing: 'recurring',
      interval: 'year',
      // Sold per seat, up to the edition's users.
      perSeat: true,
      maxSeats: 5,
      fulfillment: { kind: 'license', licenseType: 'SEAT' },
      limits: { recordsPerMonth: 100000, users: 5, projects: 'unlimited', support: 'priority' },
      bundle: null,
    });
    expect(by('TR-FHIR101-LV-S')).toMatchObject({
      billing: 'one_time',
      interval: null,
      perSeat: true,
      maxSeats: 1000,
      fulfillment: { kind: 'training', format: 'live', seatsPerUnit: 1 },
      limits: null,
    });
    expect(by('TL-MAPPER-ST-M')).toMatchObject({ perSeat: true, maxSeats: 1 });
    expect(by('CS-BLOCKS-25-B').maxSeats).toBeNull();
    expect(by('CS-BLOCKS-25-B').fulfillment).toEqual({
      kind: 'consulting',
      engagement: 'hours',
      hours: 25,
      expiryMonths: 12,
    });
    expect(by('CS-BLOCKS-10-B').fulfillment).toMatchObject({ expiryMonths: 6 });
    expect(by('CS-BLOCKS-50-B').fulfillment).toMatchObject({ expiryMonths: 18 });
    expect(by('CS-ASSESSMENT-F').fulfillment).toMatchObject({ engagement: 'fixed_scope' });
  });

  it('gives bundles their contents and the real (absent) saving', async () => {
    const items = (await api(t, 'GET', '/api/v1/catalog?currency=USD')).json().items as Entry[];
    const starter = items.find((i) => i.sku === 'BN-STARTER-A')!;
    expect(starter.bundle).toEqual({
      items: [
        {
          sku: 'TL-BUILDER-IN-A',
          name: 'Build a FHIR App with AI Individual (annual)',
          quantity: 1,
          prices: { USD: 19_000 },
        },
        {
          sku: 'TL-MAPPER-ST-A',
          name: 'Mapper to FHIR Starter (annual)',
          quantity: 1,
          prices: { USD: 29_000 },
        },
        {
          sku: 'TR-FHIR101-SP-P',
          name: 'FHIR Fundamentals Self-Paced',
          quantity: 1,
          prices: { USD: 29_900 },
        },
      ],
      pricing: [
        { currency: 'USD', price: 99_900, individualPrice: 77_900, savings: null, savingsPercent: null },
      ],
    });
    const pro = items.find((i) => i.sku === 'BN-PROFESSIONAL-A')!;
    expect(pro.bundle).toMatchObject({ pricing: [{ individualPrice: 425_800, savings: null }] });
  });

  it('filters by category and currency', async () => {
    const r = await api(t, 'GET', '/api/v1/catalog?category=CS&currency=EUR');
    const items = r.json().items as Entry[];
    expect(items.map((i) => i.sku)).toEqual([
      'CS-BLOCKS-10-B',
      'CS-BLOCKS-25-B',
      'CS-BLOCKS-50-B',
      'CS-ASSESSMENT-F',
    ]);
    for (const i of items) expect(Object.keys(i.prices)).toEqual(['EUR']);
    const unknown = await api(t, 'GET', '/api/v1/catalog?category=ZZ');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: '/category' }],
    });
    expect((await api(t, 'GET', '/api/v1/catalog?currency=JPY')).statusCode).toBe(400);
  });

  it('is cacheable: ETag from the catalog version, 304 on If-None-Match, a new ETag after an edit', async () => {
    const first = await api(t, 'GET', '/api/v1/catalog');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"catalog-\d+-[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const again = await api(t, 'GET', '/api/v1/catalog', { headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Another representation (a filter) has its own tag.
    const eur = await api(t, 'GET', '/api/v1/catalog?currency=EUR', { headers: { 'if-none-match': etag } });
    expect(eur.statusCode).toBe(200);
    const one = await api(t, 'GET', '/api/v1/catalog/TL-MAPPER-ST-M');
    expect(
      (
        await api(t, 'GET', '/api/v1/catalog/TL-MAPPER-ST-M', {
          headers: { 'if-none-match': one.headers.etag as string },
        })
      ).statusCode,
    ).toBe(304);
    // A change of the catalog (any process) changes the version, so the old tag no longer matches.
    await sql`UPDATE catalog_state SET version = version + 1`.execute(t.app.ctx.db);
    const after = await api(t, 'GET', '/api/v1/catalog', { headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
  });
});

describe('GET /api/v1/catalog/{sku}', () => {
  it('returns one SKU, contact-sales ones included (marked as such)', async () => {
    const r = await api(t, 'GET', '/api/v1/catalog/TL-MAPPER-PR-M');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ sku: 'TL-MAPPER-PR-M', prices: { USD: 9_900 }, purchase: 'buyable' });
    const en = await api(t, 'GET', '/api/v1/catalog/TL-MAPPER-EN');
    expect(en.json()).toMatchObject({
      purchase: 'contact_sales',
      fulfillment: { licenseType: 'ORGANIZATION' },
    });
    expect((await api(t, 'GET', '/api/v1/catalog/TR-CUSTOM-ORG?currency=GBP')).json().prices).toEqual({
      GBP: 1_275_000,
    });
  });

  it('answers 404 SKU_NOT_FOUND for a well-formed unknown code, 400 with the reason for a malformed one', async () => {
    const unknown = await api(t, 'GET', '/api/v1/catalog/TL-MAPPER-IN-M');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SKU_NOT_FOUND');
    for (const [code, reason] of [
      ['TL-MAPPER-ST-Q', 'term "Q" is not defined'],
      ['XX-MAPPER-ST-M', 'unknown category "XX"'],
      ['TL-MAPPER', 'expected 3 or 4 parts'],
      ['tl-mapper-st-m', 'only capital letters'],
      ['TL-MAPPER-ST-M%27%3B--', 'only capital letters'],
    ] as const) {
      const r = await api(t, 'GET', `/api/v1/catalog/${code}`);
      expect(r.statusCode, code).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
      expect(r.json().error.details[0].message).toContain(reason);
    }
    expect((await api(t, 'GET', `/api/v1/catalog/${'A'.repeat(41)}`)).statusCode).toBe(400);
  });
});

describe('seeding', () => {
  it('twice creates no duplicate and keeps a staff edit', async () => {
    await sql`UPDATE catalog_sku SET name = 'Renamed by staff' WHERE code = 'TL-QUALITY-ST-M'`.execute(
      t.app.ctx.db,
    );
    await sql`UPDATE catalog_price SET status = 'archived', archived_at = now() WHERE sku = 'TL-QUALITY-ST-M' AND currency = 'CAD'`.execute(
      t.app.ctx.db,
    );
    await sql`DELETE FROM catalog_bundle_item WHERE bundle_sku = 'BN-PROFESSIONAL-A' AND component_sku = 'TR-USCORE-SP-P'`.execute(
      t.app.ctx.db,
    );
    const before = await catalogCounts(t);
    await t.app.seed();
    await t.app.seed();
    expect(await catalogCounts(t)).toEqual(before);
    const sku = await sql<{
      name: string;
    }>`SELECT name FROM catalog_sku WHERE code = 'TL-QUALITY-ST-M'`.execute(t.app.ctx.db);
    expect(sku.rows[0]!.name).toBe('Renamed by staff');
    const cad = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM catalog_price WHERE sku = 'TL-QUALITY-ST-M' AND currency = 'CAD' AND status = 'active'`.execute(
      t.app.ctx.db,
    );
    expect(cad.rows[0]!.n).toBe(0);
    expect(before.catalog_sku).toBe(31);
    expect(before.catalog_product).toBe(14);
    expect(before.catalog_price).toBe(30 * 4);
  });

  it('a SKU a later release adds is inserted on the next start', async () => {
    await sql`DELETE FROM catalog_price WHERE sku = 'CS-BLOCKS-50-B'`.execute(t.app.ctx.db);
    await sql`DELETE FROM catalog_sku WHERE code = 'CS-BLOCKS-50-B'`.execute(t.app.ctx.db);
    await t.app.seed();
    const r = await api(t, 'GET', '/api/v1/catalog/CS-BLOCKS-50-B');
    expect(r.statusCode).toBe(200);
    expect(r.json().prices.USD).toBe(1_000_000);
  });
});
