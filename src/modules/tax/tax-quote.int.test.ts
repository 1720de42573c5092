import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeeders } from '../../platform/db/seed.ts';
import { CA_SELF_ASSESSMENT_MENTION, REVERSE_CHARGE_MENTION, UK_REVERSE_CHARGE_MENTION } from './index.ts';
import { createTaxHarness, type TaxHarness } from './test-support.ts';

let h: TaxHarness;

beforeAll(async () => {
  h = await createTaxHarness({ clockAt: '2026-11-21T10:00:00Z' });
});
afterAll(() => h?.close());

const quote = (body: unknown, ip = '10.0.0.1') =>
  h.http.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: body as object, remoteAddress: ip });
const basket = (
  customer: object,
  items: object[] = [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
  currency = 'USD',
) => ({
  items,
  currency,
  customer,
});
const counts = async () => {
  const r = await sql<{ rates: number; checks: number }>`
    SELECT (SELECT count(*)::int FROM tax_rate) AS rates, (SELECT count(*)::int FROM vat_verification) AS checks
  `.execute(h.ctx.db);
  return r.rows[0]!;
};

describe('POST /api/v1/tax/quote', () => {
  it('charges a German consumer 19 % VAT on catalog prices', async () => {
    const res = await quote(basket({ country: 'DE', business: false }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      currency: 'USD',
      date: '2026-11-21',
      sellerCountry: 'US',
      lines: [
        {
          sku: 'TL-MAPPER-PR-A',
          quantity: 1,
          unitAmount: 99_000,
          net: 99_000,
          taxRate: 1900,
          taxAmount: 18_810,
          jurisdiction: 'DE',
          reason: 'standard',
          taxCode: 'txcd_10103001',
        },
      ],
      totals: { net: 99_000, tax: 18_810, gross: 117_810 },
      notes: [],
      vat: { status: 'not_provided' },
    });
  });

  it('reverse-charges a French business with a valid VAT ID, recording a local-format check', async () => {
    const res = await quote(
      basket({ country: 'FR', business: true, vatId: 'fr 40 303 265 045' }, [
        { sku: 'TR-FHIR101-LV-S', quantity: 3 },
        { sku: 'CS-BLOCKS-10-B', quantity: 1 },
      ]),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(
      body.lines.map((l: { reason: string; taxAmount: number; taxCode: string }) => [
        l.reason,
        l.taxAmount,
        l.taxCode,
      ]),
    ).toEqual([
      ['reverse_charge', 0, 'txcd_10401400'],
      ['reverse_charge', 0, 'txcd_10401300'],
    ]);
    expect(body.totals).toEqual({ net: 699_700, tax: 0, gross: 699_700 });
    expect(body.notes).toContain(REVERSE_CHARGE_MENTION);
    expect(body.vat).toEqual({ status: 'valid', vatId: 'FR40303265045', source: 'local-format' });
    expect(await h.tax.verificationStatus('FR40303265045')).toMatchObject({
      status: 'valid',
      source: 'local-format',
      attempts: 1,
    });
  });

  it('applies GB VAT, Canadian HST/GST by province, nothing for the US, export for others', async () => {
    const rate = async (customer: object) => {
      const b = (await quote(basket(customer))).json();
      return [b.lines[0].jurisdiction, b.lines[0].taxRate, b.lines[0].reason, b.totals.tax];
    };
    expect(await rate({ country: 'GB', business: false })).toEqual(['GB', 2000, 'standard', 19_800]);
    expect(await rate({ country: 'CA', region: 'on', business: false })).toEqual([
      'CA-ON',
      1300,
      'standard',
      12_870,
    ]);
    expect(await rate({ country: 'CA', region: 'AB', business: true })).toEqual([
      'CA-AB',
      500,
      'standard',
      4_950,
    ]);
    expect(await rate({ country: 'US', region: 'MA', postalCode: '02101', business: true })).toEqual([
      'US-MA',
      0,
      'not_collected',
      0,
    ]);
    expect(await rate({ country: 'JP', business: false })).toEqual(['JP', 0, 'exempt_export', 0]);
  });

  it('uses the rates of the order date', async () => {
    const fi = {
      items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }],
      currency: 'USD' as const,
      customer: { country: 'FI', business: false },
    };
    h.clock!.set('2024-08-31T12:00:00Z');
    expect((await quote(fi)).json().lines[0].taxRate).toBe(2400);
    h.clock!.set('2024-09-01T00:00:00Z');
    expect((await quote(fi)).json().lines[0].taxRate).toBe(2550);
    h.clock!.set('2026-11-21T10:00:00Z');
    expect((await h.tax.quote(fi, { at: new Date('2024-08-01T00:00:00Z') })).lines[0]!.taxRate).toBe(2400);
  });

  it('applies a US state rule staff add as data', async () => {
    const added = await h.tax.rates.add([
      {
        country: 'US',
        region: 'WA',
        kind: 'sales',
        ratePpm: 65_000,
        validFrom: '2026-01-01',
        validTo: null,
        label: 'Washington sales tax',
      },
    ]);
    expect(added).toBe(1);
    const b = (await quote(basket({ country: 'US', region: 'WA', business: false }))).json();
    expect(b.lines[0]).toMatchObject({
      jurisdiction: 'US-WA',
      taxRate: 650,
      taxAmount: 6_435,
      reason: 'standard',
    });
  });

  it('seeds idempotently and leaves staff rows alone', async () => {
    const before = await counts();
    await runSeeders(h.ctx.db, h.tax.seeders ?? []);
    expect(await counts()).toEqual(before);
  });
});

describe('UK and Canadian business customers, Quebec and provincial taxes', () => {
  it('reverse-charges a UK business with a valid GB VAT number, recording a local-format check', async () => {
    const res = await quote(basket({ country: 'GB', business: true, vatId: 'GB 980 7806 84' }));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.lines[0]).toMatchObject({
      jurisdiction: 'GB',
      reason: 'reverse_charge',
      taxRate: 0,
      taxRatePercent: '0',
      taxAmount: 0,
      components: [],
    });
    expect(body.notes).toEqual([UK_REVERSE_CHARGE_MENTION, 'Customer VAT ID: GB980780684.']);
    expect(body.vat).toEqual({ status: 'valid', vatId: 'GB980780684', source: 'local-format' });
    expect(body.evidence.reason).toBe('reverse_charge');
    expect(await h.tax.verificationStatus('GB980780684')).toMatchObject({
      status: 'valid',
      source: 'local-format',
    });
  });

  it('charges a UK consumer 20 % and shows the component', async () => {
    const body = (await quote(basket({ country: 'GB', business: false }))).json();
    expect(body.lines[0].components).toEqual([
      { kind: 'vat', jurisdiction: 'GB', label: 'UK VAT', ratePercent: '20', amount: 19_800 },
    ]);
  });

  it('charges a Quebec consumer GST and QST, each rounded on its own', async () => {
    const body = (await quote(basket({ country: 'CA', region: 'QC', business: false }))).json();
    expect(body.lines[0]).toMatchObject({
      jurisdiction: 'CA-QC',
      taxRate: 1498,
      taxRatePercent: '14.975',
      taxAmount: 14_825,
      reason: 'standard',
      components: [
        { kind: 'gst', jurisdiction: 'CA', label: 'Canadian GST', ratePercent: '5', amount: 4_950 },
        { kind: 'qst', jurisdiction: 'CA-QC', label: 'Quebec QST', ratePercent: '9.975', amount: 9_875 },
      ],
    });
    expect(body.totals).toEqual({ net: 99_000, tax: 14_825, gross: 113_825 });
  });

  it('a BC business with a GST/HST number self-assesses GST; BC PST stays on the software line only', async () => {
    const before = await counts();
    const res = await quote(
      basket({ country: 'CA', region: 'BC', business: true, vatId: '123456782 RT 0001' }, [
        { sku: 'TL-MAPPER-PR-A', quantity: 1 },
        { sku: 'TR-FHIR101-LV-S', quantity: 1 },
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(
      body.lines.map((l: { reason: string; taxRate: number; taxAmount: number }) => [
        l.reason,
        l.taxRate,
        l.taxAmount,
      ]),
    ).toEqual([
      ['self_assessed', 700, 6_930],
      ['self_assessed', 0, 0],
    ]);
    expect(body.lines[0].components).toEqual([
      { kind: 'pst', jurisdiction: 'CA-BC', label: 'British Columbia PST', ratePercent: '7', amount: 6_930 },
    ]);
    expect(body.notes).toContain(CA_SELF_ASSESSMENT_MENTION);
    expect(body.vat).toEqual({ status: 'valid', vatId: '123456782RT0001', source: 'local-format' });
    expect(body.evidence.reason).toBe('self_assessed');
    // GST/HST numbers are checked by format only: nothing is recorded for them.
    expect((await counts()).checks).toBe(before.checks);
  });

  it('charges an Ontario business without a GST/HST number as a consumer', async () => {
    const body = (await quote(basket({ country: 'CA', region: 'ON', business: true }))).json();
    expect(body.lines[0]).toMatchObject({ reason: 'standard', taxRate: 1300, taxAmount: 12_870 });
    expect(body.notes.join(' ')).toMatch(/No GST\/HST number given/);
  });
});

describe('the quote route in the OpenAPI document', () => {
  it('is documented with a closed request body and its error codes', async () => {
    const doc = (await h.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/api/v1/tax/quote'].post;
    expect(op.tags).toEqual(['tax']);
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.customer.additionalProperties).toBe(false);
    expect(schema.properties.items.items.additionalProperties).toBe(false);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '429']));
  });
});

describe('bad input on the quote route: 4xx with a code, nothing written', () => {
  const valid = basket({ country: 'FR', business: true, vatId: 'FR40303265045' });
  const cases: [string, unknown, number, string][] = [
    [
      'an unknown SKU',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-NOPE-PR-A', quantity: 1 }]),
      400,
      'UNKNOWN_SKU',
    ],
    [
      'a SKU without a price in the currency',
      basket({ country: 'DE', business: false }, [{ sku: 'CS-BLOCKS-10-B', quantity: 1 }], 'EUR'),
      400,
      'UNKNOWN_SKU',
    ],
    [
      'a malformed SKU',
      basket({ country: 'DE', business: false }, [{ sku: 'drop table', quantity: 1 }]),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a negative quantity',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: -1 }]),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a zero quantity',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: 0 }]),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a huge quantity',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: 10_001 }]),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a fractional quantity',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: 1.5 }]),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a quantity as text',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: '2' }]),
      400,
      'VALIDATION_FAILED',
    ],
    ['no items', basket({ country: 'DE', business: false }, []), 400, 'VALIDATION_FAILED'],
    ['a wrong currency', { ...valid, currency: 'JPY' }, 400, 'VALIDATION_FAILED'],
    ['a lower-case currency', { ...valid, currency: 'usd' }, 400, 'VALIDATION_FAILED'],
    ['UK instead of GB', basket({ country: 'UK', business: false }), 400, 'VALIDATION_FAILED'],
    ['an unknown top-level field', { ...valid, discount: 100 }, 400, 'VALIDATION_FAILED'],
    [
      'a tampered unit price',
      basket({ country: 'DE', business: false }, [{ sku: 'TL-MAPPER-PR-A', quantity: 1, unitAmount: 1 }]),
      400,
      'VALIDATION_FAILED',
    ],
    ['a tampered tax rate', basket({ country: 'DE', business: false, taxRate: 0 }), 400, 'VALIDATION_FAILED'],
    ['tampered totals', { ...valid, totals: { net: 1, tax: 0, gross: 1 } }, 400, 'VALIDATION_FAILED'],
    ['business as text', basket({ country: 'DE', business: 'yes' }), 400, 'VALIDATION_FAILED'],
    [
      'a VAT ID with a wrong check digit',
      basket({ country: 'FR', business: true, vatId: 'FR40303265046' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a VAT ID in the wrong format',
      basket({ country: 'DE', business: true, vatId: 'DE12345' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a VAT ID from another country',
      basket({ country: 'FR', business: true, vatId: 'DE136695976' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a non-EU VAT ID for an EU customer',
      basket({ country: 'FR', business: true, vatId: 'GB123456789' }),
      400,
      'VAT_ID_INVALID',
    ],
    ['a VAT ID of junk', basket({ country: 'DE', business: true, vatId: '💥💥💥' }), 400, 'VAT_ID_INVALID'],
    [
      'a UK VAT number with a wrong check digit',
      basket({ country: 'GB', business: true, vatId: 'GB123456789' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'an EU VAT ID for a UK customer',
      basket({ country: 'GB', business: true, vatId: 'FR40303265045' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a GST/HST number with a wrong check digit',
      basket({ country: 'CA', region: 'ON', business: true, vatId: '123456789RT0001' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a Canadian business number that is not a GST/HST account',
      basket({ country: 'CA', region: 'ON', business: true, vatId: '123456782RC0001' }),
      400,
      'VAT_ID_INVALID',
    ],
    [
      'a UK VAT number for a Canadian customer',
      basket({ country: 'CA', region: 'ON', business: true, vatId: 'GB980780684' }),
      400,
      'VAT_ID_INVALID',
    ],
    ['Canada without a province', basket({ country: 'CA', business: false }), 400, 'REGION_REQUIRED'],
    [
      'Canada with an unknown province',
      basket({ country: 'CA', region: 'ZZ', business: false }),
      400,
      'REGION_REQUIRED',
    ],
  ];

  it.each(cases)('rejects %s', async (_name, body, status, code) => {
    const before = await counts();
    const res = await quote(body, '10.0.1.1');
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await counts()).toEqual(before);
  });

  it('names each unknown SKU in the details', async () => {
    const res = await quote(
      basket({ country: 'DE', business: false }, [
        { sku: 'TL-MAPPER-PR-A', quantity: 1 },
        { sku: 'TL-NOPE-PR-A', quantity: 1 },
        { sku: 'TL-GONE-ST-M', quantity: 2 },
      ]),
      '10.0.1.2',
    );
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      '/items/1/sku',
      '/items/2/sku',
    ]);
  });

  it('never answers 5xx to random bodies', async () => {
    const before = await counts();
    const customer = fc.record(
      {
        country: fc.oneof(
          fc.constantFrom('DE', 'FR', 'GB', 'CA', 'US', 'GR', 'JP'),
          fc.string({ maxLength: 3 }),
        ),
        region: fc.oneof(fc.constantFrom('ON', 'QC', 'WA'), fc.string({ maxLength: 4 })),
        vatId: fc.oneof(
          fc.constantFrom('FR40303265046', 'DE12', 'EL094259210'),
          fc.string({ maxLength: 45 }),
        ),
        business: fc.oneof(fc.boolean(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const item = fc.record(
      {
        sku: fc.oneof(fc.constantFrom('TL-MAPPER-PR-A', 'TL-NOPE-X'), fc.string()),
        quantity: fc.oneof(fc.integer(), fc.double(), fc.string()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record(
            {
              items: fc.array(item, { maxLength: 3 }),
              currency: fc.constantFrom('USD', 'EUR', 'JPY', ''),
              customer,
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
        async (body) => {
          const res = await h.http.inject({
            method: 'POST',
            url: '/api/v1/tax/quote',
            payload: JSON.stringify(body) ?? 'null',
            headers: { 'content-type': 'application/json' },
            remoteAddress: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
          });
          expect(res.statusCode, res.body).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
    // Random bodies carry only malformed VAT IDs (valid ones are vanishingly unlikely): nothing recorded.
    expect((await counts()).checks).toBe(before.checks);
  });

  it('rate-limits quotes per IP with Retry-After', async () => {
    const body = basket({ country: 'DE', business: false });
    let last = await quote(body, '10.9.9.9');
    for (let i = 0; i < 120 && last.statusCode === 200; i++) last = await quote(body, '10.9.9.9');
    expect(last.statusCode).toBe(429);
    expect(last.json().error.code).toBe('RATE_LIMITED');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect((await quote(body, '10.9.9.8')).statusCode).toBe(200);
  });
});
