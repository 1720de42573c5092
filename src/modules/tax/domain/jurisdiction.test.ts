import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../platform/errors.ts';
import { decideTax, REVERSE_CHARGE_MENTION, type TaxCustomer } from './jurisdiction.ts';
import { formatRate, rateAt, type TaxRate } from './rates.ts';
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
    ['CA-QC (GST only)', { country: 'CA', region: 'QC', business: true }, 'US', 'CA-QC', 500, 'standard'],
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
      rateBp: 650,
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
    expect([formatRate(1900), formatRate(2550), formatRate(0), formatRate(1)]).toEqual([
      '19 %',
      '25.5 %',
      '0 %',
      '0.01 %',
    ]);
  });
});
