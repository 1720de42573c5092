import type { ErrorDetail } from '../../../platform/errors.ts';
import { isCanadianProvince, isEuMemberState, isIsoCountry } from './countries.ts';
import { isDay, parsePercent, TAX_KINDS, type TaxKind, type TaxRate } from './rates.ts';

/**
 * Staff adding a dated rate, as pure rules. A new rate never rewrites the
 * past: it starts today or later, and the only change to an existing row is
 * the end date of the period it supersedes (days before the new start keep
 * their rate). A temporary rate inside an open period resumes that period
 * after its end, as Ireland's 21 % did. Anything else it would overlap is a
 * conflict for a person to resolve, never silently replaced.
 */

/** A stored rate row. */
export type StoredRate = TaxRate & { id: string };

/** What staff type (the form sends strings; the JSON API the same). */
export interface NewRateInput {
  country: string;
  region?: string | null | undefined;
  kind: string;
  /** Percent, e.g. "9.975". */
  rate: string;
  validFrom: string;
  validTo?: string | null | undefined;
  label: string;
}

/** The kinds a jurisdiction can have: one tax per (country, region) and day. */
export function kindsFor(country: string, region: string | null): readonly TaxKind[] {
  if (isEuMemberState(country) || country === 'GB') return region === null ? ['vat'] : [];
  if (country === 'CA') return region === null ? ['gst'] : ['hst', 'pst', 'qst'];
  if (country === 'US') return ['sales'];
  return ['vat', 'gst', 'sales'];
}

export type CheckedRate = { ok: true; rate: TaxRate } | { ok: false; problems: ErrorDetail[] };

/** Every problem of the input at once, each with its field; or the normalised rate. */
export function checkNewRate(input: NewRateInput, today: string): CheckedRate {
  const problems: ErrorDetail[] = [];
  const country = input.country.trim().toUpperCase();
  const regionText = (input.region ?? '').trim().toUpperCase();
  const region = regionText === '' ? null : regionText;
  const kind = input.kind.trim().toLowerCase();
  const ratePpm = parsePercent(input.rate);
  const validFrom = input.validFrom.trim();
  const validToText = (input.validTo ?? '').trim();
  const validTo = validToText === '' ? null : validToText;
  const label = input.label.trim();

  const countryKnown = isIsoCountry(country);
  if (!countryKnown) {
    problems.push({ path: '/country', message: 'Give an ISO 3166-1 country code (GB, not UK; DE, CA…).' });
  }
  if (region !== null && !/^[A-Z0-9]{1,3}$/.test(region)) {
    problems.push({
      path: '/region',
      message: 'Give a province or state code (ON, QC, WA…) or leave it empty.',
    });
  } else if (countryKnown && country === 'CA' && region !== null && !isCanadianProvince(region)) {
    problems.push({ path: '/region', message: `${region} is not a Canadian province or territory.` });
  } else if (countryKnown && region !== null && kindsFor(country, region).length === 0) {
    problems.push({ path: '/region', message: `VAT in ${country} is country-wide: leave the region empty.` });
  }
  const allowed = countryKnown ? kindsFor(country, region) : TAX_KINDS;
  if (!(TAX_KINDS as readonly string[]).includes(kind)) {
    problems.push({ path: '/kind', message: `Choose one of ${TAX_KINDS.join(', ')}.` });
  } else if (allowed.length > 0 && !(allowed as readonly string[]).includes(kind)) {
    problems.push({
      path: '/kind',
      message: `A ${region ? `${country}-${region}` : country} rate is ${allowed.join(' or ')}, not ${kind}.`,
    });
  }
  if (ratePpm === undefined) {
    problems.push({
      path: '/rate',
      message: 'Give a percentage from 0 to 100 with at most 4 decimals (e.g. 20 or 9.975).',
    });
  }
  if (!isDay(validFrom)) {
    problems.push({ path: '/validFrom', message: 'Give a real date as YYYY-MM-DD.' });
  } else if (validFrom < today) {
    problems.push({
      path: '/validFrom',
      message: `A new rate cannot start before today (${today}): past sales keep the rates they were taxed at.`,
    });
  }
  if (validTo !== null && !isDay(validTo)) {
    problems.push({ path: '/validTo', message: 'Give a real date as YYYY-MM-DD, or leave it empty.' });
  } else if (validTo !== null && isDay(validFrom) && validTo <= validFrom) {
    problems.push({
      path: '/validTo',
      message: 'The end must be after the start (it is the first day without the rate).',
    });
  }
  if (label.length === 0 || label.length > 100) {
    problems.push({ path: '/label', message: 'Give a label of 1 to 100 characters (e.g. Quebec QST).' });
  }
  if (problems.length > 0 || ratePpm === undefined) return { ok: false, problems };
  return {
    ok: true,
    rate: { country, region, kind: kind as TaxKind, ratePpm, validFrom, validTo, label },
  };
}

export type RatePlan =
  | {
      ok: true;
      /** The row in force on the new start, whose period now ends there. */
      closed: { row: StoredRate; validTo: string } | null;
      /** The superseded period going on after a temporary rate ends. */
      resumed: TaxRate | null;
    }
  | { ok: false; overlaps: StoredRate[] };

const END_OF_TIME = '9999-12-31';

/**
 * How `rate` joins `existing` (rows of any jurisdiction: only its own are
 * considered). The caller inserts `rate` (and `resumed`) and ends `closed`.
 */
export function planAddition(existing: readonly StoredRate[], rate: TaxRate): RatePlan {
  const same = existing.filter((r) => r.country === rate.country && r.region === rate.region);
  const end = rate.validTo ?? END_OF_TIME;
  const intersects = (r: StoredRate) => r.validFrom < end && (r.validTo ?? END_OF_TIME) > rate.validFrom;
  const superseded = same.find((r) => r.validFrom < rate.validFrom && intersects(r));
  const overlaps = same.filter((r) => r !== superseded && intersects(r));
  if (overlaps.length > 0) return { ok: false, overlaps };
  if (!superseded) return { ok: true, closed: null, resumed: null };
  const resumes = rate.validTo !== null && (superseded.validTo ?? END_OF_TIME) > rate.validTo;
  const { id: _id, ...period } = superseded;
  return {
    ok: true,
    closed: { row: superseded, validTo: rate.validFrom },
    resumed: resumes && rate.validTo ? { ...period, validFrom: rate.validTo } : null,
  };
}
