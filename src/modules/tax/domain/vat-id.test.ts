import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EU_MEMBER_STATES } from './countries.ts';
import { parseGstHstNumber, parseUkVatNumber, parseVatId, parseVatNumber } from './vat-id.ts';

// Real, registered VAT numbers of well-known companies (public registry data), one per member state.
const VALID: Record<string, string> = {
  AT: 'ATU13585627',
  BE: 'BE0411905847',
  BG: 'BG175074752',
  HR: 'HR33392005961',
  CY: 'CY10259033P',
  CZ: 'CZ25123891',
  DK: 'DK13585628',
  EE: 'EE100931558',
  FI: 'FI20774740',
  FR: 'FR40303265045',
  DE: 'DE136695976',
  GR: 'EL094259216',
  HU: 'HU12892312',
  IE: 'IE6388047V',
  IT: 'IT00743110157',
  LV: 'LV40003521600',
  LT: 'LT100001919017',
  LU: 'LU15027442',
  MT: 'MT11679112',
  NL: 'NL004495445B01',
  PL: 'PL5260250995',
  PT: 'PT501964843',
  RO: 'RO18547290',
  SK: 'SK2020317068',
  SI: 'SI50223054',
  ES: 'ESA28015865',
  SE: 'SE556703748501',
};

/**
 * The same number with one digit the checksum covers changed: right format,
 * wrong checksum. That is the last digit, except in SE (…01) and NL (…B01),
 * whose fixed suffixes are format, not checksum.
 */
function tamper(id: string): string {
  const suffix = /(01|B\d\d)$/.exec(id) && /^(SE|NL)/.test(id) ? 3 : 0;
  const i = id.slice(0, id.length - suffix).search(/\d(?=\D*$)/);
  const d = Number(id[i]);
  return `${id.slice(0, i)}${(d + 1) % 10}${id.slice(i + 1)}`;
}

describe('VAT id parsing', () => {
  it('has an example for every member state', () => {
    expect(Object.keys(VALID).sort()).toEqual([...EU_MEMBER_STATES].sort());
  });

  it.each(Object.entries(VALID))('accepts a real %s number', (country, id) => {
    const r = parseVatId(id);
    expect(r).toMatchObject({ ok: true, vatId: { country, id } });
  });

  it.each(Object.entries(VALID))('rejects a %s number with a wrong check digit', (_country, id) => {
    expect(parseVatId(tamper(id))).toMatchObject({ ok: false, reason: 'has a wrong check digit' });
  });

  it("normalises spaces, dots, dashes, lower case and Greece's ISO code", () => {
    expect(parseVatId(' fr 40 303.265-045 ')).toMatchObject({ ok: true, vatId: { id: 'FR40303265045' } });
    expect(parseVatId('GR094259216')).toMatchObject({
      ok: true,
      vatId: { id: 'EL094259216', country: 'GR' },
    });
    expect(parseVatId('136695976', 'DE')).toMatchObject({ ok: true, vatId: { id: 'DE136695976' } });
    expect(parseVatId('094259216', 'GR')).toMatchObject({
      ok: true,
      vatId: { prefix: 'EL', number: '094259216' },
    });
  });

  it('rejects what cannot be an EU VAT number, with a reason', () => {
    expect(parseVatId('')).toMatchObject({ ok: false, reason: 'is empty' });
    expect(parseVatId('GB123456789')).toMatchObject({ ok: false });
    expect((parseVatId('GB123456789') as { reason: string }).reason).toMatch(/not EU VAT numbers/);
    expect(parseVatId('US123456789')).toMatchObject({ ok: false });
    expect(parseVatId('123456789')).toMatchObject({ ok: false });
    expect(parseVatId('DE12345')).toMatchObject({ ok: false });
    expect((parseVatId('DE12345') as { reason: string }).reason).toMatch(/format of a Germany/);
    expect(parseVatId('DE')).toMatchObject({ ok: false });
    expect(parseVatId('DE13669597€')).toMatchObject({ ok: false });
    expect(parseVatId('x'.repeat(41))).toMatchObject({ ok: false });
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.option(fc.constantFrom('DE', 'GR', 'US', 'XX', '')),
        (s, c) => {
          const r = parseVatId(s, c ?? undefined);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(VALID)), fc.string({ maxLength: 4 }), (id, junk) => {
        parseVatId(id + junk);
        parseVatId(junk + id);
      }),
    );
  });
});

describe('UK VAT numbers', () => {
  it('accepts GB + 9 digits with a valid modulus-97 check, and its variants', () => {
    for (const raw of ['GB980780684', 'gb 980 7806 84', '980780684', 'GB434031494']) {
      expect(parseUkVatNumber(raw), raw).toMatchObject({ ok: true, vatId: { country: 'GB', prefix: 'GB' } });
    }
    expect(parseUkVatNumber('GB 980 7806 84')).toMatchObject({
      ok: true,
      vatId: { id: 'GB980780684', number: '980780684' },
    });
    expect(parseUkVatNumber('GBGD001')).toMatchObject({ ok: true, vatId: { id: 'GBGD001' } });
  });

  it('rejects a wrong check digit or format, with the reason', () => {
    expect(parseUkVatNumber('GB123456789')).toEqual({ ok: false, reason: 'has a wrong check digit' });
    expect(parseUkVatNumber('GB12345')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/format of a UK VAT number/),
    });
    expect(parseUkVatNumber('')).toMatchObject({ ok: false });
    expect(parseUkVatNumber('FR40303265045')).toMatchObject({ ok: false });
  });

  it('parseVatNumber takes UK rules for GB, the member states’ otherwise', () => {
    expect(parseVatNumber('GB980780684')).toMatchObject({ ok: true, vatId: { country: 'GB' } });
    expect(parseVatNumber('980780684', 'GB')).toMatchObject({ ok: true, vatId: { country: 'GB' } });
    expect(parseVatNumber('FR40303265045')).toMatchObject({ ok: true, vatId: { country: 'FR' } });
    expect(parseVatNumber('40303265045', 'FR')).toMatchObject({ ok: true, vatId: { country: 'FR' } });
  });
});

describe('Canadian GST/HST numbers', () => {
  it('accepts 9 digits (Luhn) + RT + 4 digits, however typed', () => {
    for (const raw of ['123456782RT0001', '123456782 RT 0001', '123-456-782-rt-0001']) {
      expect(parseGstHstNumber(raw), raw).toEqual({ ok: true, id: '123456782RT0001' });
    }
  });

  it('rejects a wrong check digit, another program account, or junk', () => {
    expect(parseGstHstNumber('123456789RT0001')).toEqual({ ok: false, reason: 'has a wrong check digit' });
    // RC is the corporate income tax account, RP payroll: not GST/HST registrations.
    expect(parseGstHstNumber('123456782RC0001')).toMatchObject({ ok: false });
    expect(parseGstHstNumber('123456782RT0000')).toMatchObject({ ok: false });
    expect(parseGstHstNumber('123456782')).toMatchObject({ ok: false });
    expect(parseGstHstNumber('GB980780684')).toMatchObject({ ok: false });
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        expect(typeof parseGstHstNumber(s).ok).toBe('boolean');
        expect(typeof parseUkVatNumber(s).ok).toBe('boolean');
        expect(typeof parseVatNumber(s, 'GB').ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
