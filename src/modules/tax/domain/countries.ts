/**
 * Country facts the tax rules need. ISO 3166-1 alpha-2 codes only: the
 * request schema accepts exactly these, so "UK" or "EL" as a billing country
 * is a 400, not a silent miss in the rate table.
 */
export const ISO_COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW ' +
  'BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI ' +
  'FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN ' +
  'IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
  'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
  'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
  'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
  'YT ZA ZM ZW'
).split(' ');

const ISO_SET = new Set(ISO_COUNTRIES);
export const isIsoCountry = (code: string): boolean => ISO_SET.has(code);

/** The 27 member states (GB left the EU's VAT area on 2021-01-01). */
export const EU_MEMBER_STATES = [
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
] as const;
export type EuMemberState = (typeof EU_MEMBER_STATES)[number];

const EU_SET = new Set<string>(EU_MEMBER_STATES);
export const isEuMemberState = (code: string): code is EuMemberState => EU_SET.has(code);

/** Greece's VAT numbers carry "EL", not its ISO code; every other state uses its ISO code. */
export const vatPrefixOf = (country: EuMemberState): string => (country === 'GR' ? 'EL' : country);

/** Provinces and territories: GST/HST depends on which one the customer is in. */
export const CANADIAN_PROVINCES = [
  'AB',
  'BC',
  'MB',
  'NB',
  'NL',
  'NS',
  'NT',
  'NU',
  'ON',
  'PE',
  'QC',
  'SK',
  'YT',
] as const;
const CA_SET = new Set<string>(CANADIAN_PROVINCES);
export const isCanadianProvince = (code: string): boolean => CA_SET.has(code);
