import { isValidEmail, normalizeEmail } from './email.ts';

/**
 * An organization's billing details as its owners, admins and billing members enter them (pure:
 * trimmed, codes upper-cased, every problem listed by field). The same bounds as checkout's
 * billing form, so what is saved here always prefills a valid checkout.
 */

export interface OrgBillingInput {
  legalName: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  region?: string | undefined;
  country: string;
  email: string;
  vatId?: string | undefined;
}

export interface OrgBillingDetails {
  legalName: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  region: string | null;
  country: string;
  email: string;
  /** As typed, compacted; the tax module canonicalises and verifies it. */
  vatId: string | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const TEXT = /^[^<>\u0000-\u001f\u007f]*$/;
const LIMITS = { legalName: 100, line1: 200, line2: 200, city: 100 } as const;

export function cleanOrgBilling(input: OrgBillingInput): {
  details: OrgBillingDetails;
  problems: Record<string, string>;
} {
  const t = (v: string | undefined) => (v ?? '').trim();
  const details: OrgBillingDetails = {
    legalName: t(input.legalName),
    line1: t(input.line1),
    line2: t(input.line2) || null,
    city: t(input.city),
    postalCode: t(input.postalCode).toUpperCase(),
    region: t(input.region).toUpperCase() || null,
    country: t(input.country).toUpperCase(),
    email: normalizeEmail(input.email ?? ''),
    vatId:
      t(input.vatId)
        .toUpperCase()
        .replace(/[\s.\-/_]/g, '') || null,
  };
  const problems: Record<string, string> = {};
  for (const [field, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    const value = details[field] ?? '';
    if (value.length > max) problems[field] = `At most ${max} characters.`;
    else if (!TEXT.test(value)) problems[field] = 'Remove the characters < and > and control characters.';
  }
  if (!details.legalName) problems.legalName ??= 'Enter the organization’s legal name.';
  if (!details.line1) problems.line1 ??= 'Enter the address.';
  if (!details.city) problems.city ??= 'Enter the city.';
  if (!isValidEmail(details.email)) problems.email = 'Enter a valid email address for invoices.';
  if (!/^[A-Z0-9 -]{1,16}$/.test(details.postalCode)) problems.postalCode = 'Enter a valid postal code.';
  if (!/^[A-Z]{2}$/.test(details.country)) problems.country = 'Choose a country (two letters, e.g. DE).';
  if (details.region !== null && !/^[A-Z0-9]{1,3}$/.test(details.region))
    problems.region = 'Enter a region code such as ON or CA.';
  if (details.vatId !== null && !/^[A-Z0-9+*]{4,20}$/.test(details.vatId))
    problems.vatId = 'This is not a VAT ID.';
  return { details, problems };
}
