/**
 * License validation, pure: the stable codes (Keygen's model) and the one
 * fixed order they are checked in. The first failing check decides the code;
 * `valid` is true only for VALID. The caller loads the license (or not) and
 * brings the scope the client asked about and the clock's now.
 *
 * Order: the key's format (before any lookup), then existence, then the
 * license's own standing (revoked, suspended, expired), then what was asked
 * (product, machine, heartbeat, machine count, user, domain, country), then
 * usage. Documented in docs and relied on by clients: do not reorder.
 */

import { domainAllowed, machineAlive } from './policy.ts';

export const VALIDATION_CODES = [
  'VALID',
  'INVALID_KEY_FORMAT',
  'NOT_FOUND',
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
  'PRODUCT_MISMATCH',
  'NO_MACHINE',
  'HEARTBEAT_DEAD',
  'TOO_MANY_MACHINES',
  'USER_NOT_ASSIGNED',
  'DOMAIN_NOT_ALLOWED',
  'COUNTRY_NOT_ALLOWED',
  'USAGE_LIMIT_EXCEEDED',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export type LicenseStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';

export interface LicenseFacts {
  status: LicenseStatus;
  sku: string;
  /** CATEGORY-PRODUCT (`TL-MAPPER`): a client may name the product instead of the exact SKU. */
  productKey: string;
  validUntil: Date | null;
  maxMachines: number;
  machines: readonly { fingerprint: string; activatedAt: Date; lastHeartbeatAt: Date | null }[];
  /** Floating use: machines must beat within this window (seconds); null = no heartbeat required. */
  heartbeatWindowSeconds: number | null;
  /** Seat licenses: the emails assigned (lower case); null = not a named-user license. */
  assignedUsers: readonly string[] | null;
  /** Lower-case email domains; empty = any. */
  allowedDomains: readonly string[];
  /** ISO country codes; empty (or 002's ['all']) = any. */
  allowedCountries: readonly string[];
  /** Usage licenses in a period that blocks above the included quantity; null otherwise. */
  usage: { included: number; used: number; blockAbove: boolean } | null;
}

export interface ValidationScope {
  now: Date;
  /** The key failed the format check (parseLicenseKey) before any lookup. */
  malformedKey?: boolean;
  fingerprint?: string | undefined;
  /** A SKU or a product key (`TL-MAPPER`). */
  sku?: string | undefined;
  /** The user's email. */
  user?: string | undefined;
  country?: string | undefined;
}

export interface ValidationResult {
  valid: boolean;
  code: ValidationCode;
  detail: string;
}

const fail = (code: ValidationCode, detail: string): ValidationResult => ({ valid: false, code, detail });

/** 002's allowedCountries defaulted to ['all'] and compared arrays by identity (always unequal): both mean "any". */
function anyCountry(list: readonly string[]): boolean {
  return list.length === 0 || list.some((c) => c.toLowerCase() === 'all');
}

export function validateLicense(license: LicenseFacts | undefined, scope: ValidationScope): ValidationResult {
  if (scope.malformedKey)
    return fail('INVALID_KEY_FORMAT', 'The key is not a well-formed FHIR IQ license key.');
  if (!license) return fail('NOT_FOUND', 'No license has this key.');
  if (license.status === 'REVOKED') return fail('REVOKED', 'The license was revoked.');
  if (license.status === 'SUSPENDED') return fail('SUSPENDED', 'The license is suspended.');
  if (
    license.status === 'EXPIRED' ||
    (license.validUntil && license.validUntil.getTime() <= scope.now.getTime())
  )
    return fail('EXPIRED', 'The license has expired.');
  if (scope.sku && scope.sku !== license.sku && scope.sku !== license.productKey)
    return fail('PRODUCT_MISMATCH', `The license is for ${license.sku}, not ${scope.sku}.`);
  if (scope.fingerprint !== undefined) {
    const machine = license.machines.find((m) => m.fingerprint === scope.fingerprint);
    if (!machine) return fail('NO_MACHINE', 'This machine is not activated for the license.');
    if (!machineAlive(machine, license.heartbeatWindowSeconds, scope.now))
      return fail('HEARTBEAT_DEAD', 'This machine stopped sending heartbeats.');
  }
  const counted = license.machines.filter((m) => machineAlive(m, license.heartbeatWindowSeconds, scope.now));
  if (counted.length > license.maxMachines)
    return fail('TOO_MANY_MACHINES', `More machines are activated than the ${license.maxMachines} allowed.`);
  const user = scope.user?.trim().toLowerCase();
  if (user && license.assignedUsers && !license.assignedUsers.includes(user))
    return fail('USER_NOT_ASSIGNED', 'This user has no seat on the license.');
  if (user && !domainAllowed(user, license.allowedDomains)) {
    return fail('DOMAIN_NOT_ALLOWED', 'This email domain is not allowed by the license.');
  }
  if (scope.country && !anyCountry(license.allowedCountries)) {
    if (!license.allowedCountries.some((c) => c.toUpperCase() === scope.country?.toUpperCase()))
      return fail('COUNTRY_NOT_ALLOWED', 'The license is not valid in this country.');
  }
  if (license.usage?.blockAbove && license.usage.used >= license.usage.included)
    return fail('USAGE_LIMIT_EXCEEDED', 'The usage included in this period is used up.');
  return { valid: true, code: 'VALID', detail: 'The license is valid.' };
}
