import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaxDecision } from './domain/jurisdiction.ts';
import type { PricedItem } from './domain/quote.ts';
import { type FakeStripeTax, startFakeStripeTax } from './fake-stripe-tax.ts';
import { percentToBasisPoints, percentToPpm, StripeTaxCalculator } from './stripe-tax.ts';
import { createTaxHarness, type TaxHarness } from './test-support.ts';

let fake: FakeStripeTax;
let stripe: Stripe;

beforeAll(async () => {
  fake = await startFakeStripeTax();
  stripe = new Stripe('sk_test_fake_key_for_offline_tests', {
    host: fake.host,
    port: fake.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(() => fake?.close());

const items: PricedItem[] = [
  { sku: 'TL-MAPPER-PR-A', name: 'Mapper', kind: 'license', quantity: 1, unitAmount: 99_000 },
  { sku: 'TR-FHIR101-LV-S', name: 'FHIR 101', kind: 'training', quantity: 2, unitAmount: 149_900 },
  { sku: 'CS-BLOCKS-10-B', name: 'Block', kind: 'consulting', quantity: 1, unitAmount: 250_000 },
];
const decision = (over: Partial<TaxDecision>): TaxDecision => ({
  jurisdiction: 'DE',
  reason: 'standard',
  rateBp: 1900,
  kind: 'vat',
  label: 'German VAT',
  components: [{ kind: 'vat', jurisdiction: 'DE', label: 'German VAT', ratePpm: 190_000 }],
  notes: [],
  ...over,
});

describe('Stripe Tax adapter (official SDK against a local server speaking /v1/tax/calculations)', () => {
  it('sends exclusive line amounts with the tax codes of 002 and maps the answer to lines', async () => {
    const calc = await new StripeTaxCalculator(stripe).calculate({
      currency: 'USD',
      customer: { country: 'DE', postalCode: '10115' },
      decision: decision({}),
      items,
    });
    const sent = fake.requests.at(-1)!;
    expect(sent).toMatchObject({
      currency: 'usd',
      'customer_details[address][country]': 'DE',
      'customer_details[address][postal_code]': '10115',
      'customer_details[address_source]': 'billing',
      'line_items[0][amount]': '99000',
      'line_items[0][tax_behavior]': 'exclusive',
      'line_items[0][tax_code]': 'txcd_10103001',
      'line_items[1][amount]': '299800',
      'line_items[1][quantity]': '2',
      'line_items[1][tax_code]': 'txcd_10401400',
      'line_items[2][tax_code]': 'txcd_10401300',
      'expand[0]': 'line_items',
    });
    expect(sent['customer_details[tax_ids][0][value]']).toBeUndefined();
    expect(calc.provider).toBe('stripe');
    expect(calc.reference).toMatch(/^taxcalc_/);
    expect(calc.lines.map((l) => [l.net, l.taxRate, l.taxAmount, l.jurisdiction, l.reason])).toEqual([
      [99_000, 1900, 18_810, 'DE', 'standard'],
      [299_800, 1900, 56_962, 'DE', 'standard'],
      [250_000, 1900, 47_500, 'DE', 'standard'],
    ]);
  });

  it('passes a verified VAT ID with the reverse-charge override, and only then', async () => {
    const adapter = new StripeTaxCalculator(stripe);
    const rc = await adapter.calculate({
      currency: 'EUR',
      customer: { country: 'FR' },
      decision: decision({
        jurisdiction: 'FR',
        reason: 'reverse_charge',
        rateBp: 0,
        notes: ['Reverse charge…'],
      }),
      vatId: 'FR40303265045',
      items: items.slice(0, 1),
    });
    expect(fake.requests.at(-1)).toMatchObject({
      'customer_details[tax_ids][0][type]': 'eu_vat',
      'customer_details[tax_ids][0][value]': 'FR40303265045',
      'customer_details[taxability_override]': 'reverse_charge',
    });
    expect(rc.lines[0]).toMatchObject({ taxAmount: 0, taxRate: 0, reason: 'reverse_charge' });
    expect(rc.notes).toEqual(['Reverse charge…']);

    const pending = await adapter.calculate({
      currency: 'EUR',
      customer: { country: 'FR' },
      decision: decision({ jurisdiction: 'FR', reason: 'vat_pending_verification', rateBp: 2000 }),
      items: items.slice(0, 1),
    });
    expect(fake.requests.at(-1)!['customer_details[tax_ids][0][value]']).toBeUndefined();
    expect(pending.lines[0]).toMatchObject({
      taxRate: 2000,
      taxAmount: 19_800,
      reason: 'vat_pending_verification',
    });
  });

  it('maps provinces and uncollected jurisdictions', async () => {
    const adapter = new StripeTaxCalculator(stripe);
    const on = await adapter.calculate({
      currency: 'CAD',
      customer: { country: 'CA', region: 'ON' },
      decision: decision({}),
      items: items.slice(0, 1),
    });
    expect(on.lines[0]).toMatchObject({ jurisdiction: 'CA-ON', taxRate: 1300, taxAmount: 12_870 });
    const us = await adapter.calculate({
      currency: 'USD',
      customer: { country: 'US', region: 'MA' },
      decision: decision({}),
      items: items.slice(0, 1),
    });
    expect(us.lines[0]).toMatchObject({ taxAmount: 0, taxRate: 0, reason: 'not_collected' });
  });

  it('maps Quebec to a GST and a QST component, and sends UK and Canadian numbers with their types', async () => {
    const adapter = new StripeTaxCalculator(stripe);
    const qc = await adapter.calculate({
      currency: 'CAD',
      customer: { country: 'CA', region: 'QC' },
      decision: decision({ jurisdiction: 'CA-QC' }),
      items: items.slice(0, 1),
    });
    expect(qc.lines[0]).toMatchObject({
      taxRate: 1498,
      taxRatePercent: '14.975',
      taxAmount: 4_950 + 9_875,
      components: [
        { kind: 'gst', ratePercent: '5', amount: 4_950, label: 'GST', jurisdiction: 'CA-QC' },
        { kind: 'qst', ratePercent: '9.975', amount: 9_875, label: 'QST', jurisdiction: 'CA-QC' },
      ],
    });

    const gb = await adapter.calculate({
      currency: 'GBP',
      customer: { country: 'GB' },
      decision: decision({ jurisdiction: 'GB', reason: 'reverse_charge', rateBp: 0, components: [] }),
      vatId: 'GB980780684',
      items: items.slice(0, 1),
    });
    expect(fake.requests.at(-1)).toMatchObject({
      'customer_details[tax_ids][0][type]': 'gb_vat',
      'customer_details[tax_ids][0][value]': 'GB980780684',
      'customer_details[taxability_override]': 'reverse_charge',
    });
    expect(gb.lines[0]).toMatchObject({ taxAmount: 0, components: [], reason: 'reverse_charge' });

    const registrant = await adapter.calculate({
      currency: 'CAD',
      customer: { country: 'CA', region: 'QC' },
      decision: decision({ jurisdiction: 'CA-QC', reason: 'self_assessed' }),
      vatId: '123456782RT0001',
      items: items.slice(0, 1),
    });
    const sent = fake.requests.at(-1)!;
    expect(sent).toMatchObject({
      'customer_details[tax_ids][0][type]': 'ca_gst_hst',
      'customer_details[tax_ids][0][value]': '123456782RT0001',
    });
    // Stripe decides what a registrant owes (a provincial tax may remain): no blanket override.
    expect(sent['customer_details[taxability_override]']).toBeUndefined();
    expect(registrant.lines[0]).toMatchObject({
      reason: 'self_assessed',
      taxAmount: 9_875,
      components: [{ kind: 'qst', amount: 9_875 }],
    });
  });

  it('answers 503 SERVICE_UNAVAILABLE when Stripe fails, instead of guessing', async () => {
    fake.failNext = 1;
    await expect(
      new StripeTaxCalculator(stripe).calculate({
        currency: 'USD',
        customer: { country: 'DE' },
        decision: decision({}),
        items,
      }),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('converts Stripe percentages to basis points exactly', () => {
    expect(['19.0', '25.5', '13', '0.0', '9.975', '8.875'].map(percentToBasisPoints)).toEqual([
      1900, 2550, 1300, 0, 998, 888,
    ]);
    expect(() => percentToBasisPoints('abc')).toThrow();
    expect(['19.0', '9.975', '13', '0.0', '8.87505'].map(percentToPpm)).toEqual([
      190_000, 99_750, 130_000, 0, 88_751,
    ]);
  });
});

describe('the quote route with Stripe Tax', () => {
  let h: TaxHarness;
  beforeAll(async () => {
    h = await createTaxHarness({
      clockAt: '2026-11-21T10:00:00Z',
      calculator: new StripeTaxCalculator(stripe),
    });
  });
  afterAll(() => h?.close());

  it("quotes with Stripe's amounts, totals summed from the lines", async () => {
    const res = await h.http.inject({
      method: 'POST',
      url: '/api/v1/tax/quote',
      payload: {
        items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
        currency: 'USD',
        customer: { country: 'DE', business: false },
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      lines: [
        {
          taxRate: 1900,
          taxAmount: 18_810,
          jurisdiction: 'DE',
          reason: 'standard',
          taxCode: 'txcd_10103001',
        },
      ],
      totals: { net: 99_000, tax: 18_810, gross: 117_810 },
      calculation: { provider: 'stripe', reference: expect.stringMatching(/^taxcalc_/) },
    });
  });
});
