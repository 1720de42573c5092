import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { loadConfig } from '../../config.ts';
import { api } from '../accounts/test-support.ts';
import { TEST_STRIPE_ENV } from '../payments/stripe-test-support.ts';
import { type FakeStripeTax, startFakeStripeTax } from './fake-stripe-tax.ts';

/** TAX_CALCULATOR=stripe: the assembled app's quotes are computed by Stripe Tax (a local server speaking it). */

let fake: FakeStripeTax;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeStripeTax();
  t = await createTestApp({
    env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: `http://${fake.host}:${fake.port}`, TAX_CALCULATOR: 'stripe' },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('TAX_CALCULATOR', () => {
  it('stripe: quotes go through Stripe Tax, with our reverse-charge decision kept', async () => {
    const r = await api(t, 'POST', '/api/v1/tax/quote', {
      body: {
        items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
        currency: 'USD',
        customer: { country: 'DE', business: false },
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      calculation: { provider: 'stripe' },
      totals: { net: 99_000, tax: 18_810, gross: 117_810 },
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ 'line_items[0][tax_code]': 'txcd_10103001' });
  });

  it('refuses stripe without a Stripe key, and anything but builtin or stripe', () => {
    expect(() => loadConfig({ TAX_CALCULATOR: 'stripe' })).toThrow(
      /TAX_CALCULATOR=stripe needs STRIPE_SECRET_KEY/,
    );
    expect(() => loadConfig({ TAX_CALCULATOR: 'avalara' })).toThrow(/TAX_CALCULATOR/);
    expect(loadConfig({}).taxCalculator).toBe('builtin');
  });
});
