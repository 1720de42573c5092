import { describe, expect, it } from 'vitest';
import { creditLines, invoiceContent, invoiceStatus, percentOfBp, type SoldOrder } from './document.ts';
import { formatAmount, formatDate } from './format.ts';
import { formatDocumentNumber, periodOf } from './numbering.ts';

const MENTIONS = { eu: 'EU reverse charge', uk: 'UK reverse charge', canada: 'CA self-assessment' };

const order = (over: Partial<SoldOrder['lines'][number]> = {}, notes: string[] = []): SoldOrder => ({
  id: 'ord_1',
  number: 'FIQ-2026-000001',
  origin: 'checkout',
  userId: 'usr_1',
  organizationId: null,
  paidAt: new Date('2026-11-10T12:00:00Z'),
  taxDate: '2026-11-10',
  currency: 'EUR',
  netTotal: 1000,
  taxTotal: 190,
  grossTotal: 1190,
  creditApplied: 0,
  billing: {
    name: 'A',
    organization: null,
    email: 'a@example.com',
    line1: 'Street 1',
    line2: null,
    city: 'Town',
    postalCode: '123',
    country: 'DE',
    region: null,
    vatId: null,
  },
  vatId: null,
  taxNotes: notes,
  lines: [
    {
      id: 'orl_1',
      position: 1,
      sku: 'X',
      name: 'Thing',
      quantity: 1,
      unitAmount: 1000,
      net: 1000,
      taxRateBp: 1900,
      taxRatePercent: null,
      taxAmount: 190,
      taxReason: 'standard',
      jurisdiction: 'DE',
      taxComponents: [],
      ...over,
    },
  ],
});

describe('numbers', () => {
  it('pads to four digits and widens past 9999', () => {
    expect(formatDocumentNumber('invoice', '2026-11', 1)).toBe('FHIR-2026-11-0001');
    expect(formatDocumentNumber('invoice', '2026-11', 9999)).toBe('FHIR-2026-11-9999');
    expect(formatDocumentNumber('invoice', '2026-11', 10000)).toBe('FHIR-2026-11-10000');
    expect(formatDocumentNumber('credit_note', '2027-01', 12)).toBe('FHIR-CN-2027-01-0012');
    expect(() => formatDocumentNumber('invoice', '2026-13', 1)).toThrow(RangeError);
    expect(() => formatDocumentNumber('invoice', '2026-11', 0)).toThrow(RangeError);
  });
  it('takes the month in UTC', () => {
    expect(periodOf(new Date('2026-11-30T23:59:59Z'))).toBe('2026-11');
    expect(periodOf(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
  });
});

describe('formatting', () => {
  it('writes amounts with the currency’s minor digits, exactly', () => {
    expect(formatAmount(123450, 'EUR')).toBe('€1,234.50');
    expect(formatAmount(5, 'USD')).toBe('$0.05');
    expect(formatAmount(-1000, 'GBP')).toBe('-£10.00');
    expect(formatAmount(1200, 'CAD')).toBe('CA$12.00');
    expect(formatAmount(900719925474099, 'USD')).toBe('$9,007,199,254,740.99');
    expect(formatDate('2026-11-05T23:30:00Z')).toBe('5 Nov 2026');
  });
  it('writes basis-point rates without trailing zeros', () => {
    expect(percentOfBp(1900)).toBe('19');
    expect(percentOfBp(1498)).toBe('14.98');
    expect(percentOfBp(550)).toBe('5.5');
    expect(percentOfBp(0)).toBe('0');
  });
});

describe('invoice content', () => {
  it('a standard line: no reverse charge, the order’s notes kept', () => {
    const c = invoiceContent(order({}, ['note']), MENTIONS);
    expect(c.reverseCharge).toBe(false);
    expect(c.notes).toEqual(['note']);
    expect(c.lines[0]).toMatchObject({ taxRatePercent: '19', gross: 1190 });
    expect(c.buyer.address).toEqual(['Street 1', '123 Town', 'DE']);
    expect(c.buyer.organizationId).toBeNull();
  });
  it('an organization’s purchase: its name, VAT ID and id on the buyer', () => {
    const base = order();
    const c = invoiceContent(
      {
        ...base,
        organizationId: 'org_1',
        vatId: 'DE123456789',
        billing: { ...base.billing, organization: 'Klinik GmbH', vatId: 'DE123456789' },
      },
      MENTIONS,
    );
    expect(c.buyer).toMatchObject({
      organization: 'Klinik GmbH',
      organizationId: 'org_1',
      vatId: 'DE123456789',
    });
  });
  it('reverse charge (EU, UK) and self-assessment (Canada) carry their wording once', () => {
    const eu = invoiceContent(
      order({ taxReason: 'reverse_charge', jurisdiction: 'FR' }, ['EU reverse charge']),
      MENTIONS,
    );
    expect(eu.reverseCharge).toBe(true);
    expect(eu.notes).toEqual(['EU reverse charge']);
    expect(
      invoiceContent(order({ taxReason: 'reverse_charge', jurisdiction: 'GB' }), MENTIONS).notes,
    ).toEqual(['UK reverse charge']);
    expect(invoiceContent(order({ taxReason: 'self_assessed', jurisdiction: 'CA' }), MENTIONS).notes).toEqual(
      ['CA self-assessment'],
    );
  });
});

describe('credit notes and status', () => {
  it('credits the refunded lines with their net and tax', () => {
    const lines = invoiceContent(order(), MENTIONS).lines;
    expect(creditLines(lines, [{ lineId: 'orl_1', position: 1, sku: 'X', net: 500, tax: 95 }])).toEqual([
      { position: 1, sku: 'X', description: 'Thing', taxRatePercent: '19', net: 500, taxAmount: 95 },
    ]);
    expect(creditLines(lines, [{ lineId: 'orl_1', position: 1, sku: 'X', net: 0, tax: 0 }])).toEqual([]);
    expect(() => creditLines(lines, [{ lineId: 'nope', position: 9, sku: 'Y', net: 1, tax: 0 }])).toThrow(
      RangeError,
    );
  });
  it('is paid, partially credited or credited', () => {
    expect(invoiceStatus(1190, 0)).toBe('paid');
    expect(invoiceStatus(1190, 100)).toBe('partially_credited');
    expect(invoiceStatus(1190, 1190)).toBe('credited');
  });
});
