import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { REVERSE_CHARGE_MENTION } from './index.ts';

// The assembled app: the quote route priced by the real, seeded catalog.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-21T10:00:00Z' });
});
afterAll(() => t?.close());

const quote = (payload: object) => t.http.inject({ method: 'POST', url: '/api/v1/tax/quote', payload });

describe('tax quotes in the assembled app', () => {
  it('charges a German consumer 19 % on the catalog price of TL-MAPPER-PR-A', async () => {
    const res = await quote({
      items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
      currency: 'USD',
      customer: { country: 'DE', business: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      lines: [
        { sku: 'TL-MAPPER-PR-A', unitAmount: 99_000, taxRate: 1900, taxAmount: 18_810, reason: 'standard' },
      ],
      totals: { net: 99_000, tax: 18_810, gross: 117_810 },
    });
  });

  it('reverse-charges a French business with a valid-format VAT ID (embedded mode: local check)', async () => {
    const res = await quote({
      items: [{ sku: 'TR-FHIR101-LV-S', quantity: 2 }],
      currency: 'USD',
      customer: { country: 'FR', business: true, vatId: 'FR40303265045' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      lines: [
        {
          unitAmount: 149_900,
          net: 299_800,
          taxAmount: 0,
          reason: 'reverse_charge',
          taxCode: 'txcd_10401400',
        },
      ],
      vat: { status: 'valid', source: 'local-format' },
    });
    expect(res.json().notes).toContain(REVERSE_CHARGE_MENTION);
  });

  it('refuses contact-sales and unknown SKUs with UNKNOWN_SKU', async () => {
    const res = await quote({
      items: [
        { sku: 'TL-MAPPER-EN-A', quantity: 1 },
        { sku: 'TL-NOPE-PR-A', quantity: 1 },
      ],
      currency: 'USD',
      customer: { country: 'US', business: true },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('UNKNOWN_SKU');
    expect(res.json().error.details).toHaveLength(2);
  });
});
