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
  /** ISO country of the member state (GR for Greece). */
  country: EuMemberState;
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
