import {
  austria,
  belgium,
  bulgaria,
  type Country,
  checkVAT,
  croatia,
  cyprus,
  czechRepublic,
  denmark,
  estonia,
  finland,
  france,
  germany,
  greece,
  hungary,
  ireland,
  italy,
  latvia,
  lithuania,
  luxembourg,
  malta,
  netherlands,
  poland,
  portugal,
  romania,
  slovakiaRepublic,
  slovenia,
  spain,
  sweden,
  unitedKingdom,
} from 'jsvat';
import { type EuMemberState, isEuMemberState, vatPrefixOf } from './countries.ts';

/**
 * EU VAT identification numbers: normalisation, then the member state's own
 * format and check-digit rules (jsvat implements all 27). Pure: this says
 * whether a number *can* exist, never that it is registered — only VIES can.
 */

// Only the member states: jsvat also knows non-EU schemes (GB, CH, NO, BR…) that VIES does not cover.
const MEMBER_STATE_RULES: readonly Country[] = [
  austria,
  belgium,
  bulgaria,
  croatia,
  cyprus,
  czechRepublic,
  denmark,
  estonia,
  finland,
  france,
  germany,
  greece,
  hungary,
  ireland,
  italy,
  latvia,
  lithuania,
  luxembourg,
  malta,
  netherlands,
  poland,
  portugal,
  romania,
  slovakiaRepublic,
  slovenia,
  spain,
  sweden,
];

export interface VatId {
  /** ISO country of the member state (GR for Greece), or GB for a UK VAT number. */
  country: EuMemberState | 'GB';
  /** The VAT prefix (EL for Greece). */
  prefix: string;
  /** The number without its prefix, as VIES wants it. */
  number: string;
  /** Prefix + number: the canonical form we store and show. */
  id: string;
}

export type VatIdCheck = { ok: true; vatId: VatId } | { ok: false; reason: string };

const MAX_RAW = 40;

/**
 * Accepts what people type ("fr 40 303-265-045", "EL094259216", "094259216"
 * with country GR) and returns the canonical id or the reason it cannot be one.
 * Never throws, whatever the input.
 */
export function parseVatId(raw: string, billingCountry?: string): VatIdCheck {
  if (typeof raw !== 'string' || raw.length > MAX_RAW) {
    return { ok: false, reason: `is longer than ${MAX_RAW} characters` };
  }
  const compact = raw.toUpperCase().replace(/[\s.\-/_]+/g, '');
  if (compact === '') return { ok: false, reason: 'is empty' };
  if (!/^[A-Z0-9+*]+$/.test(compact))
    return { ok: false, reason: 'contains characters a VAT number cannot have' };

  let prefix = compact.slice(0, 2);
  let number = compact.slice(2);
  if (!/^[A-Z]{2}$/.test(prefix)) {
    // No prefix typed: take the billing country's, when it is a member state.
    if (!billingCountry || !isEuMemberState(billingCountry)) {
      return { ok: false, reason: 'must start with the member state prefix (e.g. DE, FR, EL)' };
    }
    prefix = vatPrefixOf(billingCountry);
    number = compact;
  }
  // People write Greece's ISO code; VIES only knows EL.
  if (prefix === 'GR') prefix = 'EL';
  const country = prefix === 'EL' ? 'GR' : prefix;
  if (!isEuMemberState(country)) {
    if (prefix === 'GB' || prefix === 'XI') {
      return { ok: false, reason: `${prefix} numbers are not EU VAT numbers (VIES does not cover them)` };
    }
    return { ok: false, reason: `${prefix} is not the prefix of an EU member state` };
  }
  if (number === '') return { ok: false, reason: 'has no number after the prefix' };

  const id = `${prefix}${number}`;
  const result = checkVAT(id, MEMBER_STATE_RULES);
  if (!result.isValidFormat) {
    return {
      ok: false,
      reason: `does not have the format of a ${result.country?.name ?? country} VAT number`,
    };
  }
  if (!result.isValid) return { ok: false, reason: 'has a wrong check digit' };
  return { ok: true, vatId: { country, prefix, number, id } };
}

/**
 * UK VAT registration numbers: GB + 9 digits (12 for a branch), or GBGD/GBHA
 * + 3 digits (government departments, health authorities), with HMRC's
 * modulus-97 check digits (both the old and the "97-55" scheme). Like
 * parseVatId it says a number can exist, not that it is registered: VIES has
 * not covered GB since 2021, and HMRC's own check API is not wired (see
 * vat-verification.service.ts).
 */
export function parseUkVatNumber(raw: string): VatIdCheck {
  if (typeof raw !== 'string' || raw.length > MAX_RAW) {
    return { ok: false, reason: `is longer than ${MAX_RAW} characters` };
  }
  const compact = raw.toUpperCase().replace(/[\s.\-/_]+/g, '');
  if (compact === '') return { ok: false, reason: 'is empty' };
  const number = compact.startsWith('GB') ? compact.slice(2) : compact;
  if (!/^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/.test(number)) {
    return { ok: false, reason: 'does not have the format of a UK VAT number (GB and 9 digits)' };
  }
  const result = checkVAT(`GB${number}`, [unitedKingdom]);
  if (!result.isValid) return { ok: false, reason: 'has a wrong check digit' };
  return { ok: true, vatId: { country: 'GB', prefix: 'GB', number, id: `GB${number}` } };
}

/**
 * A VAT number of the EU or the UK: UK rules for a GB prefix or a GB billing
 * country, the member states' rules otherwise.
 */
export function parseVatNumber(raw: string, billingCountry?: string): VatIdCheck {
  const gb =
    typeof raw === 'string' &&
    (billingCountry === 'GB' || /^GB/.test(raw.toUpperCase().replace(/[\s.\-/_]+/g, '')));
  return gb ? parseUkVatNumber(raw) : parseVatId(raw, billingCountry);
}

export type GstHstNumberCheck = { ok: true; id: string } | { ok: false; reason: string };

/**
 * A Canadian GST/HST registration number: the 9-digit Business Number (its
 * last digit a Luhn check digit over the first eight, as the CRA issues them),
 * the GST/HST program identifier RT, and a 4-digit reference ("123456789 RT
 * 0001"). Format only: the CRA's registry is a web form, with no API to call.
 */
export function parseGstHstNumber(raw: string): GstHstNumberCheck {
  if (typeof raw !== 'string' || raw.length > MAX_RAW) {
    return { ok: false, reason: `is longer than ${MAX_RAW} characters` };
  }
  const compact = raw.toUpperCase().replace(/[\s.\-/_]+/g, '');
  const m = /^(\d{9})RT(\d{4})$/.exec(compact);
  if (!m) {
    return {
      ok: false,
      reason:
        'does not have the format of a GST/HST number (9 digits, RT and 4 digits, e.g. 123456789 RT 0001)',
    };
  }
  if (!luhnValid(m[1]!)) return { ok: false, reason: 'has a wrong check digit' };
  if (m[2] === '0000') return { ok: false, reason: 'has no program account reference (RT 0000)' };
  return { ok: true, id: compact };
}

function luhnValid(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    // Every second digit from the right is doubled (and 9 subtracted when it exceeds 9).
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}
