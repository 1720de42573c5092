import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../platform/errors.ts';
import { CANADIAN_PROVINCES, EU_MEMBER_STATES } from './countries.ts';
import {
  CA_SELF_ASSESSMENT_MENTION,
  decideTax,
  PST_TAXED_KINDS,
  REVERSE_CHARGE_MENTION,
  type TaxCustomer,
  type TaxDecision,
  UK_REVERSE_CHARGE_MENTION,
  type VatStatus,
} from './jurisdiction.ts';
import { formatRate, ppmToBasisPoints, rateAt, type TaxRate } from './rates.ts';
import { SEED_RATES } from './seed-rates.ts';

const TODAY = '2026-11-21';
const decide = (
  customer: TaxCustomer,
  sellerCountry = 'US',
  day = TODAY,
  rates: readonly TaxRate[] = SEED_RATES,
) => decideTax({ sellerCountry, customer, rates, day });
const errorOf = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
};

describe('tax jurisdiction', () => {
  it.each([
    // customer, seller, expected jurisdiction, rate (bp), reason
    ['DE consumer', { country: 'DE', business: false }, 'US', 'DE', 1900, 'standard'],
    ['FR consumer', { country: 'FR', business: false }, 'US', 'FR', 2000, 'standard'],
    ['HU consumer', { country: 'HU', business: false }, 'IE', 'HU', 2700, 'standard'],
    ['FI consumer (25.5 %)', { country: 'FI', business: false }, 'US', 'FI', 2550, 'standard'],
    ['GR consumer', { country: 'GR', business: false }, 'US', 'GR', 2400, 'standard'],
    ['DE business without VAT ID', { country: 'DE', business: true }, 'US', 'DE', 1900, 'standard'],
    [
      'FR business, verified VAT ID, US seller',
      { country: 'FR', business: true, vat: { id: 'FR40303265045', country: 'FR', status: 'valid' } },
      'US',
      'FR',
      0,
      'reverse_charge',
    ],
    [
      'FR business, verified VAT ID, IE seller',
      { country: 'FR', business: true, vat: { id: 'FR40303265045', country: 'FR', status: 'valid' } },
      'IE',
      'FR',
      0,
      'reverse_charge',
    ],
    [
      'FR business, VIES pending',
      { country: 'FR', business: true, vat: { id: 'FR40303265045', country: 'FR', status: 'pending' } },
      'US',
      'FR',
      2000,
      'vat_pending_verification',
    ],
    [
      'IE business, IE seller (domestic)',
      { country: 'IE', business: true, vat: { id: 'IE6388047V', country: 'IE', status: 'valid' } },
      'IE',
      'IE',
      2300,
      'standard',
    ],
    ['GB consumer', { country: 'GB', business: false }, 'US', 'GB', 2000, 'standard'],
    ['GB business', { country: 'GB', business: true }, 'IE', 'GB', 2000, 'standard'],
    ['CA-ON', { country: 'CA', region: 'ON', business: false }, 'US', 'CA-ON', 1300, 'standard'],
    ['CA-AB', { country: 'CA', region: 'AB', business: false }, 'US', 'CA-AB', 500, 'standard'],
    ['CA-QC (GST + QST)', { country: 'CA', region: 'QC', business: true }, 'US', 'CA-QC', 1498, 'standard'],
    [
      'CA-NS (14 % since 2025-04-01)',
      { country: 'CA', region: 'NS', business: false },
      'US',
      'CA-NS',
      1400,
      'standard',
    ],
    ['US', { country: 'US', region: 'MA', business: false }, 'US', 'US-MA', 0, 'not_collected'],
    ['US without state', { country: 'US', business: true }, 'US', 'US', 0, 'not_collected'],
    ['JP', { country: 'JP', business: false }, 'US', 'JP', 0, 'exempt_export'],
    ['CH from an EU seller', { country: 'CH', business: true }, 'DE', 'CH', 0, 'exempt_export'],
  ] as const)('%s', (_name, customer, seller, jurisdiction, rateBp, reason) => {
    const d = decide(customer as TaxCustomer, seller);
    expect(d).toMatchObject({ jurisdiction, rateBp, reason });
  });

  it('carries the reverse-charge mention and the customer VAT ID', () => {
    const d = decide({
      country: 'FR',
      business: true,
      vat: { id: 'FR40303265045', country: 'FR', status: 'valid' },
    });
    expect(d.notes).toContain(REVERSE_CHARGE_MENTION);
    expect(d.notes.join(' ')).toContain('FR40303265045');
  });

  it('says why a pending VAT ID is taxed, and that reverse charge follows confirmation', () => {
    const d = decide({
      country: 'FR',
      business: true,
      vat: { id: 'FR40303265045', country: 'FR', status: 'pending' },
    });
    expect(d.notes.join(' ')).toMatch(/awaiting verification.*20 %.*reverse charge/s);
  });

  it('explains exports and uncollected US tax', () => {
    expect(decide({ country: 'JP', business: false }).notes.join(' ')).toMatch(/Export of services to JP/);
    expect(decide({ country: 'US', region: 'TX', business: false }).notes.join(' ')).toMatch(
      /US-TX.*no state rule/,
    );
  });

  it('requires a Canadian province', () => {
    expect(errorOf(() => decide({ country: 'CA', business: false })).code).toBe('REGION_REQUIRED');
    expect(errorOf(() => decide({ country: 'CA', region: 'XX', business: false })).code).toBe(
      'REGION_REQUIRED',
    );
  });

  it('rejects a VAT ID from another country and one VIES reports unregistered', () => {
    const other = {
      country: 'FR',
      business: true,
      vat: { id: 'DE136695976', country: 'DE', status: 'valid' },
    } as const;
    expect(errorOf(() => decide(other)).code).toBe('VAT_ID_INVALID');
    const invalid = {
      country: 'FR',
      business: true,
      vat: { id: 'FR40303265045', country: 'FR', status: 'invalid' },
    } as const;
    expect(errorOf(() => decide(invalid)).code).toBe('VAT_ID_INVALID');
  });

  it('applies a US state rule once staff add one', () => {
    const wa: TaxRate = {
      country: 'US',
      region: 'WA',
      kind: 'sales',
      ratePpm: 65_000,
      validFrom: '2026-01-01',
      validTo: null,
      label: 'Washington sales tax',
    };
    const rates = [...SEED_RATES, wa];
    expect(decide({ country: 'US', region: 'WA', business: false }, 'US', TODAY, rates)).toMatchObject({
      jurisdiction: 'US-WA',
      rateBp: 650,
      reason: 'standard',
    });
    expect(decide({ country: 'US', region: 'OR', business: false }, 'US', TODAY, rates)).toMatchObject({
      reason: 'not_collected',
    });
    expect(decide({ country: 'US', region: 'WA', business: false }, 'US', '2025-12-31', rates)).toMatchObject(
      { reason: 'not_collected' },
    );
  });

  it('picks the rate of the order date, not the current one', () => {
    const fi = (day: string) => decide({ country: 'FI', business: false }, 'US', day).rateBp;
    expect(fi('2024-08-31')).toBe(2400);
    expect(fi('2024-09-01')).toBe(2550);
    const sk = (day: string) => decide({ country: 'SK', business: false }, 'US', day).rateBp;
    expect([sk('2024-12-31'), sk('2025-01-01')]).toEqual([2000, 2300]);
    const ee = (day: string) => decide({ country: 'EE', business: false }, 'US', day).rateBp;
    expect([ee('2023-12-31'), ee('2024-01-01'), ee('2025-06-30'), ee('2025-07-01')]).toEqual([
      2000, 2200, 2200, 2400,
    ]);
    const ro = (day: string) => decide({ country: 'RO', business: false }, 'US', day).rateBp;
    expect([ro('2025-07-31'), ro('2025-08-01')]).toEqual([1900, 2100]);
    const ns = (day: string) => decide({ country: 'CA', region: 'NS', business: false }, 'US', day).rateBp;
    expect([ns('2025-03-31'), ns('2025-04-01')]).toEqual([1500, 1400]);
    expect(decide({ country: 'LU', business: false }, 'US', '2023-06-01').rateBp).toBe(1600);
  });

  it('refuses to guess when tax is due but no rate is in force', () => {
    expect(errorOf(() => decide({ country: 'DE', business: false }, 'US', '2019-06-01')).code).toBe(
      'TAX_RATE_MISSING',
    );
    expect(errorOf(() => decide({ country: 'DE', business: false }, 'US', TODAY, [])).code).toBe(
      'TAX_RATE_MISSING',
    );
  });
});

describe('seeded rates', () => {
  const EU = [
    'AT',
    'BE',
    'BG',
    'HR',
    'CY',
    'CZ',
    'DK',
    'EE',
    'FI',
    'FR',
    'DE',
    'GR',
    'HU',
    'IE',
    'IT',
    'LV',
    'LT',
    'LU',
    'MT',
    'NL',
    'PL',
    'PT',
    'RO',
    'SK',
    'SI',
    'ES',
    'SE',
  ];

  it('cover every member state, GB and every Canadian province today, and no US state', () => {
    for (const c of [...EU, 'GB']) expect(rateAt(SEED_RATES, c, null, TODAY), c).toBeDefined();
    for (const p of ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT']) {
      expect(rateAt(SEED_RATES, 'CA', p, TODAY), p).toBeDefined();
    }
    expect(SEED_RATES.filter((r) => r.country === 'US')).toEqual([]);
  });

  it("have no gaps or overlaps in any jurisdiction's history", () => {
    const groups = new Map<string, TaxRate[]>();
    for (const r of SEED_RATES) {
      const key = `${r.country}-${r.region ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, rows] of groups) {
      const sorted = [...rows].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.validTo, key).toBe(sorted[i]!.validFrom);
      expect(sorted.at(-1)!.validTo, key).toBeNull();
    }
  });

  it('formats rates for notes', () => {
    expect([
      formatRate(190_000),
      formatRate(255_000),
      formatRate(0),
      formatRate(100),
      formatRate(99_750),
    ]).toEqual(['19 %', '25.5 %', '0 %', '0.01 %', '9.975 %']);
  });
});

/** The components as [kind, jurisdiction, ppm, applies to] for compact expectations. */
const parts = (d: TaxDecision) =>
  d.components.map((c) => [c.kind, c.jurisdiction, c.ratePpm, c.appliesTo ?? 'all']);

describe('UK VAT', () => {
  const gbVat = (status: VatStatus) => ({ id: 'GB980780684', country: 'GB', status });

  it.each([
    // customer, seller, rate (bp), reason
    ['consumer, US seller', { country: 'GB', business: false }, 'US', 2000, 'standard'],
    ['consumer, EU seller', { country: 'GB', business: false }, 'DE', 2000, 'standard'],
    ['consumer, UK seller', { country: 'GB', business: false }, 'GB', 2000, 'standard'],
    // A consumer who types a VAT number is still a consumer.
    [
      'consumer with a VAT number',
      { country: 'GB', business: false, vat: gbVat('valid') },
      'US',
      2000,
      'standard',
    ],
    ['business without VAT number, US seller', { country: 'GB', business: true }, 'US', 2000, 'standard'],
    [
      'business, valid VAT number, US seller',
      { country: 'GB', business: true, vat: gbVat('valid') },
      'US',
      0,
      'reverse_charge',
    ],
    [
      'business, valid VAT number, EU seller',
      { country: 'GB', business: true, vat: gbVat('valid') },
      'IE',
      0,
      'reverse_charge',
    ],
    [
      'business, valid VAT number, UK seller',
      { country: 'GB', business: true, vat: gbVat('valid') },
      'GB',
      2000,
      'standard',
    ],
    [
      'business, number awaiting HMRC',
      { country: 'GB', business: true, vat: gbVat('pending') },
      'US',
      2000,
      'vat_pending_verification',
    ],
  ] as const)('%s', (_name, customer, seller, rateBp, reason) => {
    expect(decide(customer as TaxCustomer, seller)).toMatchObject({ jurisdiction: 'GB', rateBp, reason });
  });

  it('reverse-charges with the HMRC mention and the customer number, charging nothing', () => {
    const d = decide({ country: 'GB', business: true, vat: gbVat('valid') });
    expect(d.components).toEqual([]);
    expect(d.notes).toEqual([UK_REVERSE_CHARGE_MENTION, 'Customer VAT ID: GB980780684.']);
    expect(UK_REVERSE_CHARGE_MENTION).toMatch(
      /^Reverse charge: the customer is to account for the VAT to HMRC/,
    );
  });

  it('charges UK VAT to a business that gives no number, and says why', () => {
    const d = decide({ country: 'GB', business: true });
    expect(parts(d)).toEqual([['vat', 'GB', 200_000, 'all']]);
    expect(d.notes.join(' ')).toMatch(/No VAT ID given: UK VAT is charged as for a consumer/);
  });

  it('refuses a number HMRC does not know and a number of another country', () => {
    expect(errorOf(() => decide({ country: 'GB', business: true, vat: gbVat('invalid') })).code).toBe(
      'VAT_ID_INVALID',
    );
    const french = { id: 'FR40303265045', country: 'FR', status: 'valid' } as const;
    expect(errorOf(() => decide({ country: 'GB', business: true, vat: french })).code).toBe('VAT_ID_INVALID');
  });
});

describe('Canada', () => {
  const gst = (status: VatStatus = 'valid') => ({ id: '123456782RT0001', country: 'CA', status });
  const ca = (region: string, business = false, vat?: TaxCustomer['vat']): TaxCustomer => ({
    country: 'CA',
    region,
    business,
    ...(vat ? { vat } : {}),
  });

  it.each([
    // province, combined rate (bp), components
    ['AB', 500, [['gst', 'CA', 50_000, 'all']]],
    ['YT', 500, [['gst', 'CA', 50_000, 'all']]],
    ['ON', 1300, [['hst', 'CA-ON', 130_000, 'all']]],
    ['NS', 1400, [['hst', 'CA-NS', 140_000, 'all']]],
    ['NB', 1500, [['hst', 'CA-NB', 150_000, 'all']]],
    // 5 % + 9.975 % = 14.975 %: basis points round it, the components keep it exact.
    [
      'QC',
      1498,
      [
        ['gst', 'CA', 50_000, 'all'],
        ['qst', 'CA-QC', 99_750, 'all'],
      ],
    ],
    [
      'BC',
      1200,
      [
        ['gst', 'CA', 50_000, 'all'],
        ['pst', 'CA-BC', 70_000, PST_TAXED_KINDS],
      ],
    ],
    [
      'SK',
      1100,
      [
        ['gst', 'CA', 50_000, 'all'],
        ['pst', 'CA-SK', 60_000, PST_TAXED_KINDS],
      ],
    ],
    [
      'MB',
      1200,
      [
        ['gst', 'CA', 50_000, 'all'],
        ['pst', 'CA-MB', 70_000, PST_TAXED_KINDS],
      ],
    ],
  ] as const)('a consumer in %s pays GST/HST and any provincial tax', (region, rateBp, components) => {
    const d = decide(ca(region));
    expect(d).toMatchObject({ jurisdiction: `CA-${region}`, rateBp, reason: 'standard' });
    expect(parts(d)).toEqual(components);
  });

  it('provincial sales taxes tax software only; QST taxes every supply', () => {
    expect(PST_TAXED_KINDS).toEqual(['license', 'bundle']);
    expect(decide(ca('BC')).notes.join(' ')).toMatch(/British Columbia PST \(7 %\) applies to software/);
    expect(decide(ca('QC')).components.every((c) => c.appliesTo === undefined)).toBe(true);
  });

  it('uses the dates out-of-province sellers had to start collecting PST', () => {
    expect(parts(decide(ca('BC'), 'US', '2021-03-31'))).toEqual([['gst', 'CA', 50_000, 'all']]);
    expect(parts(decide(ca('BC'), 'US', '2021-04-01'))).toHaveLength(2);
    expect(parts(decide(ca('MB'), 'US', '2021-11-30'))).toEqual([['gst', 'CA', 50_000, 'all']]);
    expect(parts(decide(ca('MB'), 'US', '2021-12-01'))).toHaveLength(2);
  });

  it.each([
    // province, remaining rate (bp), remaining components
    ['AB', 0, []],
    ['ON', 0, []],
    ['QC', 998, [['qst', 'CA-QC', 99_750, 'all']]],
    ['BC', 700, [['pst', 'CA-BC', 70_000, PST_TAXED_KINDS]]],
  ] as const)(
    'a GST/HST registrant in %s buying from a non-resident seller self-assesses the GST/HST',
    (region, rateBp, components) => {
      const d = decide(ca(region, true, gst()));
      expect(d).toMatchObject({ jurisdiction: `CA-${region}`, reason: 'self_assessed', rateBp });
      expect(parts(d)).toEqual(components);
      expect(d.notes).toContain(CA_SELF_ASSESSMENT_MENTION);
      expect(d.notes).toContain('Customer GST/HST number: 123456782RT0001.');
    },
  );

  it('says QST is still charged to a Quebec business, which gave no QST number', () => {
    expect(decide(ca('QC', true, gst())).notes.join(' ')).toMatch(
      /Quebec QST is charged.*QST registration number/,
    );
  });

  it('charges a business without a GST/HST number as a consumer, and says why', () => {
    const d = decide(ca('ON', true));
    expect(d).toMatchObject({ reason: 'standard', rateBp: 1300 });
    expect(d.notes.join(' ')).toMatch(
      /No GST\/HST number given: HST \(Ontario\) is charged as for a consumer/,
    );
  });

  it('a Canadian seller charges GST/HST to registrants too (they claim input tax credits)', () => {
    expect(decide(ca('ON', true, gst()), 'CA')).toMatchObject({ reason: 'standard', rateBp: 1300 });
    expect(decide(ca('QC', true, gst()), 'CA')).toMatchObject({ reason: 'standard', rateBp: 1498 });
  });

  it('refuses a number that is not Canadian or not registered', () => {
    const french = { id: 'FR40303265045', country: 'FR', status: 'valid' } as const;
    expect(errorOf(() => decide(ca('ON', true, french))).code).toBe('VAT_ID_INVALID');
    expect(errorOf(() => decide(ca('ON', true, gst('invalid')))).code).toBe('VAT_ID_INVALID');
  });

  it('refuses to guess when the GST row is missing', () => {
    const noGst = SEED_RATES.filter((r) => !(r.country === 'CA' && r.region === null));
    expect(errorOf(() => decide(ca('QC'), 'US', TODAY, noGst)).code).toBe('TAX_RATE_MISSING');
    // HST provinces do not need it.
    expect(decide(ca('ON'), 'US', TODAY, noGst).rateBp).toBe(1300);
  });
});

describe('decisions, whatever the customer', () => {
  const countries = [...EU_MEMBER_STATES, 'GB', 'CA', 'US', 'JP', 'CH'];
  const customer = fc.record({
    country: fc.constantFrom(...countries),
    region: fc.constantFrom(undefined, ...CANADIAN_PROVINCES, 'WA'),
    business: fc.boolean(),
    status: fc.constantFrom<VatStatus | null>(null, 'valid', 'pending'),
  });
  const day = fc
    .integer({ min: Date.UTC(2021, 6, 1), max: Date.UTC(2030, 11, 31) })
    .map((ms) => new Date(ms).toISOString().slice(0, 10));

  it('rate = the sum of the charged components; nothing charged when the customer accounts for the tax', () => {
    fc.assert(
      fc.property(customer, fc.constantFrom('US', 'DE', 'GB', 'CA'), day, (c, seller, d) => {
        const region = c.country === 'CA' ? (c.region ?? 'ON') : c.region;
        const number = c.country === 'CA' ? '123456782RT0001' : `${c.country}X`;
        const input: TaxCustomer = {
          country: c.country,
          region: c.country === 'CA' && region === 'WA' ? 'ON' : region,
          business: c.business,
          ...(c.status ? { vat: { id: number, country: c.country, status: c.status } } : {}),
        };
        const decision = decide(input, seller, d);
        const ppm = decision.components.reduce((a, x) => a + x.ratePpm, 0);
        expect(decision.rateBp).toBe(ppmToBasisPoints(ppm));
        for (const x of decision.components) expect(x.ratePpm).toBeGreaterThan(0);
        if (decision.reason === 'reverse_charge') {
          expect(decision.components).toEqual([]);
          expect(decision.notes[0]).toMatch(/^Reverse charge/);
        }
        if (decision.reason === 'self_assessed') {
          expect(decision.components.map((x) => x.kind)).not.toContain('gst');
          expect(decision.components.map((x) => x.kind)).not.toContain('hst');
          expect(decision.notes).toContain(CA_SELF_ASSESSMENT_MENTION);
        }
        // The customer's own country decides; a domestic sale is always charged.
        if (seller === c.country && ['DE', 'GB', 'CA'].includes(seller)) {
          expect(decision.reason).toBe('standard');
          expect(decision.components.length).toBeGreaterThan(0);
        }
        if (!c.business || !c.status)
          expect(['reverse_charge', 'self_assessed']).not.toContain(decision.reason);
      }),
      { numRuns: 3000 },
    );
  });
});
