import { parsePercent, type TaxKind, type TaxRate } from './rates.ts';

/**
 * The rates FHIR IQ ships (seeded idempotently; staff may add more, e.g. a US
 * state rule). Standard rates only: software, training and consulting are
 * standard-rated everywhere listed here. History starts on 2021-01-01 (the
 * end of the UK's transition period, just before the EU's OSS rules of
 * 2021-07-01); rows that changed since carry their real change dates.
 * Sources: the European Commission's "VAT rates applied in the Member States"
 * (TEDB), HMRC, the Canada Revenue Agency, Revenu Québec and the provinces'
 * finance ministries. Checked 2026-11-21: re-check before relying on them,
 * and add rows rather than editing old ones.
 */
const START = '2021-01-01';

/** A rate as written in the sources ("9.975", percent) and the day it starts. */
type Period = readonly [percent: string, from: string];

function ppm(percent: string): number {
  const value = parsePercent(percent);
  if (value === undefined) throw new Error(`seed rate ${percent} is not a percentage`);
  return value;
}

function history(country: string, region: string | null, kind: TaxKind, label: string, periods: Period[]) {
  return periods.map(
    ([percent, validFrom], i): TaxRate => ({
      country,
      region,
      kind,
      ratePpm: ppm(percent),
      validFrom,
      validTo: periods[i + 1]?.[1] ?? null,
      label,
    }),
  );
}

const vat = (country: string, label: string, ...periods: Period[]) =>
  history(country, null, 'vat', label, periods);

export const SEED_RATES: readonly TaxRate[] = [
  ...vat('AT', 'Austrian VAT (USt)', ['20', START]),
  ...vat('BE', 'Belgian VAT (TVA/BTW)', ['21', START]),
  ...vat('BG', 'Bulgarian VAT (DDS)', ['20', START]),
  ...vat('HR', 'Croatian VAT (PDV)', ['25', START]),
  ...vat('CY', 'Cypriot VAT (FPA)', ['19', START]),
  ...vat('CZ', 'Czech VAT (DPH)', ['21', START]),
  ...vat('DK', 'Danish VAT (moms)', ['25', START]),
  // Estonia: 20 % → 22 % on 2024-01-01 → 24 % on 2025-07-01.
  ...vat('EE', 'Estonian VAT (km)', ['20', START], ['22', '2024-01-01'], ['24', '2025-07-01']),
  // Finland: 24 % → 25.5 % on 2024-09-01.
  ...vat('FI', 'Finnish VAT (ALV)', ['24', START], ['25.5', '2024-09-01']),
  ...vat('FR', 'French VAT (TVA)', ['20', START]),
  // Germany's temporary 16 % ended on 2020-12-31.
  ...vat('DE', 'German VAT (USt)', ['19', START]),
  ...vat('GR', 'Greek VAT (FPA)', ['24', START]),
  ...vat('HU', 'Hungarian VAT (ÁFA)', ['27', START]),
  // Ireland: temporary 21 % from 2020-09-01 to 2021-02-28.
  ...vat('IE', 'Irish VAT', ['21', START], ['23', '2021-03-01']),
  ...vat('IT', 'Italian VAT (IVA)', ['22', START]),
  ...vat('LV', 'Latvian VAT (PVN)', ['21', START]),
  ...vat('LT', 'Lithuanian VAT (PVM)', ['21', START]),
  // Luxembourg: temporary 16 % throughout 2023.
  ...vat('LU', 'Luxembourg VAT (TVA)', ['17', START], ['16', '2023-01-01'], ['17', '2024-01-01']),
  ...vat('MT', 'Maltese VAT', ['18', START]),
  ...vat('NL', 'Dutch VAT (btw)', ['21', START]),
  ...vat('PL', 'Polish VAT (PTU)', ['23', START]),
  ...vat('PT', 'Portuguese VAT (IVA)', ['23', START]),
  // Romania: 19 % → 21 % on 2025-08-01.
  ...vat('RO', 'Romanian VAT (TVA)', ['19', START], ['21', '2025-08-01']),
  // Slovakia: 20 % → 23 % on 2025-01-01.
  ...vat('SK', 'Slovak VAT (DPH)', ['20', START], ['23', '2025-01-01']),
  ...vat('SI', 'Slovenian VAT (DDV)', ['22', START]),
  ...vat('ES', 'Spanish VAT (IVA)', ['21', START]),
  ...vat('SE', 'Swedish VAT (moms)', ['25', START]),
  // The United Kingdom, outside the EU's VAT area since 2021-01-01.
  ...vat('GB', 'UK VAT', ['20', START]),
  // Canada: GST everywhere; HST (federal + provincial, replacing GST) in five provinces.
  ...history('CA', null, 'gst', 'Canadian GST', [['5', START]]),
  ...history('CA', 'ON', 'hst', 'HST (Ontario)', [['13', START]]),
  ...history('CA', 'NB', 'hst', 'HST (New Brunswick)', [['15', START]]),
  ...history('CA', 'NL', 'hst', 'HST (Newfoundland and Labrador)', [['15', START]]),
  ...history('CA', 'PE', 'hst', 'HST (Prince Edward Island)', [['15', START]]),
  // Nova Scotia: 15 % → 14 % on 2025-04-01.
  ...history('CA', 'NS', 'hst', 'HST (Nova Scotia)', [
    ['15', START],
    ['14', '2025-04-01'],
  ]),
  // Provincial taxes levied beside the GST, on their own base (the net price, not GST-inclusive).
  // Quebec: QST 9.975 % on every taxable supply, services included; non-Quebec suppliers of
  // digital services and software to Quebec consumers register under the specified QST system
  // (in force since 2019-01-01).
  ...history('CA', 'QC', 'qst', 'Quebec QST', [['9.975', START]]),
  // British Columbia: PST 7 % on software (including SaaS). Sellers outside BC have had to
  // register and collect it since 2021-04-01; before that a non-BC seller had nothing to collect.
  ...history('CA', 'BC', 'pst', 'British Columbia PST', [['7', '2021-04-01']]),
  // Saskatchewan: PST 6 % on software and computer services, collected by out-of-province sellers.
  ...history('CA', 'SK', 'pst', 'Saskatchewan PST', [['6', START]]),
  // Manitoba: RST 7 % (since 2019-07-01); sellers outside Manitoba of software and other digital
  // services have had to register and collect it since 2021-12-01.
  ...history('CA', 'MB', 'pst', 'Manitoba RST', [['7', '2021-12-01']]),
  // United States: no rows. Sales tax is collected only where staff add a state rule.
];
