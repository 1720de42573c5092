import type { TaxKind, TaxRate } from './rates.ts';

/**
 * The rates FHIR IQ ships (seeded idempotently; staff may add more, e.g. a US
 * state rule). Standard rates only: software, training and consulting are
 * standard-rated everywhere listed here. History starts on 2021-01-01 (the
 * end of the UK's transition period, just before the EU's OSS rules of
 * 2021-07-01); rows that changed since carry their real change dates.
 * Sources: the European Commission's "VAT rates applied in the Member States"
 * (TEDB), HMRC, the Canada Revenue Agency. Checked 2026-11-21: re-check
 * before relying on them, and add rows rather than editing old ones.
 */
const START = '2021-01-01';

type Period = readonly [rateBp: number, from: string];

function history(country: string, region: string | null, kind: TaxKind, label: string, periods: Period[]) {
  return periods.map(
    ([rateBp, validFrom], i): TaxRate => ({
      country,
      region,
      kind,
      rateBp,
      validFrom,
      validTo: periods[i + 1]?.[1] ?? null,
      label,
    }),
  );
}

const vat = (country: string, label: string, ...periods: Period[]) =>
  history(country, null, 'vat', label, periods);

export const SEED_RATES: readonly TaxRate[] = [
  ...vat('AT', 'Austrian VAT (USt)', [2000, START]),
  ...vat('BE', 'Belgian VAT (TVA/BTW)', [2100, START]),
  ...vat('BG', 'Bulgarian VAT (DDS)', [2000, START]),
  ...vat('HR', 'Croatian VAT (PDV)', [2500, START]),
  ...vat('CY', 'Cypriot VAT (FPA)', [1900, START]),
  ...vat('CZ', 'Czech VAT (DPH)', [2100, START]),
  ...vat('DK', 'Danish VAT (moms)', [2500, START]),
  // Estonia: 20 % → 22 % on 2024-01-01 → 24 % on 2025-07-01.
  ...vat('EE', 'Estonian VAT (km)', [2000, START], [2200, '2024-01-01'], [2400, '2025-07-01']),
  // Finland: 24 % → 25.5 % on 2024-09-01.
  ...vat('FI', 'Finnish VAT (ALV)', [2400, START], [2550, '2024-09-01']),
  ...vat('FR', 'French VAT (TVA)', [2000, START]),
  // Germany's temporary 16 % ended on 2020-12-31.
  ...vat('DE', 'German VAT (USt)', [1900, START]),
  ...vat('GR', 'Greek VAT (FPA)', [2400, START]),
  ...vat('HU', 'Hungarian VAT (ÁFA)', [2700, START]),
  // Ireland: temporary 21 % from 2020-09-01 to 2021-02-28.
  ...vat('IE', 'Irish VAT', [2100, START], [2300, '2021-03-01']),
  ...vat('IT', 'Italian VAT (IVA)', [2200, START]),
  ...vat('LV', 'Latvian VAT (PVN)', [2100, START]),
  ...vat('LT', 'Lithuanian VAT (PVM)', [2100, START]),
  // Luxembourg: temporary 16 % throughout 2023.
  ...vat('LU', 'Luxembourg VAT (TVA)', [1700, START], [1600, '2023-01-01'], [1700, '2024-01-01']),
  ...vat('MT', 'Maltese VAT', [1800, START]),
  ...vat('NL', 'Dutch VAT (btw)', [2100, START]),
  ...vat('PL', 'Polish VAT (PTU)', [2300, START]),
  ...vat('PT', 'Portuguese VAT (IVA)', [2300, START]),
  // Romania: 19 % → 21 % on 2025-08-01.
  ...vat('RO', 'Romanian VAT (TVA)', [1900, START], [2100, '2025-08-01']),
  // Slovakia: 20 % → 23 % on 2025-01-01.
  ...vat('SK', 'Slovak VAT (DPH)', [2000, START], [2300, '2025-01-01']),
  ...vat('SI', 'Slovenian VAT (DDV)', [2200, START]),
  ...vat('ES', 'Spanish VAT (IVA)', [2100, START]),
  ...vat('SE', 'Swedish VAT (moms)', [2500, START]),
  // The United Kingdom, outside the EU's VAT area since 2021-01-01.
  ...vat('GB', 'UK VAT', [2000, START]),
  // Canada: GST everywhere; HST (federal + provincial, replacing GST) in five provinces.
  ...history('CA', null, 'gst', 'Canadian GST', [[500, START]]),
  ...history('CA', 'ON', 'hst', 'HST (Ontario)', [[1300, START]]),
  ...history('CA', 'NB', 'hst', 'HST (New Brunswick)', [[1500, START]]),
  ...history('CA', 'NL', 'hst', 'HST (Newfoundland and Labrador)', [[1500, START]]),
  ...history('CA', 'PE', 'hst', 'HST (Prince Edward Island)', [[1500, START]]),
  // Nova Scotia: 15 % → 14 % on 2025-04-01.
  ...history('CA', 'NS', 'hst', 'HST (Nova Scotia)', [
    [1500, START],
    [1400, '2025-04-01'],
  ]),
  // United States: no rows. Sales tax is collected only where staff add a state rule.
];
