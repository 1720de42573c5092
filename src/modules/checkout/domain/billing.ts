/** Billing details as checkout takes them, and their validation (pure, shared by JSON and forms). */

export interface BillingInput {
  name: string;
  organization?: string | undefined;
  email: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  country: string;
  region?: string | undefined;
  vatId?: string | undefined;
  business: boolean;
}

export interface CleanBilling {
  name: string;
  organization: string | null;
  email: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  region: string | null;
  vatId: string | null;
  business: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const TEXT = /^[^<>\u0000-\u001f\u007f]*$/;
const LIMITS = { name: 100, organization: 100, email: 254, line1: 200, line2: 200, city: 100 } as const;

/** Trims, upper-cases codes, and lists every problem by field. */
export function cleanBilling(input: BillingInput): {
  billing: CleanBilling;
  problems: Record<string, string>;
} {
  const t = (v: string | undefined) => (v ?? '').trim();
  const billing: CleanBilling = {
    name: t(input.name),
    organization: t(input.organization) || null,
    email: t(input.email).toLowerCase(),
    line1: t(input.line1),
    line2: t(input.line2) || null,
    city: t(input.city),
    postalCode: t(input.postalCode).toUpperCase(),
    country: t(input.country).toUpperCase(),
    region: t(input.region).toUpperCase() || null,
    vatId:
      t(input.vatId)
        .toUpperCase()
        .replace(/[\s.-]/g, '') || null,
    business: input.business,
  };
  const problems: Record<string, string> = {};
  for (const [field, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    const value = billing[field] ?? '';
    if (value.length > max) problems[field] = `At most ${max} characters.`;
    else if (!TEXT.test(value)) problems[field] = 'Remove the characters < and >.';
  }
  if (!billing.name) problems.name ??= 'Enter your name.';
  if (!billing.line1) problems.line1 ??= 'Enter your address.';
  if (!billing.city) problems.city ??= 'Enter your city.';
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(billing.email))
    problems.email ??= 'Enter a valid email address.';
  if (!/^[A-Z0-9 -]{1,16}$/.test(billing.postalCode)) problems.postalCode = 'Enter a valid postal code.';
  if (!/^[A-Z]{2}$/.test(billing.country)) problems.country = 'Choose a country.';
  if (billing.region !== null && !/^[A-Z0-9]{1,3}$/.test(billing.region))
    problems.region = 'Enter a region code such as ON or CA.';
  if (billing.vatId !== null && !/^[A-Z0-9+*]{4,20}$/.test(billing.vatId))
    problems.vatId = 'This is not a VAT ID.';
  if (billing.business && !billing.organization) problems.organization = 'Enter your organization’s name.';
  return { billing, problems };
}
