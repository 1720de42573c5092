import { isRecord, timeOf } from './encoding.ts';
import {
  type LicenseInfo,
  type LicenseStatus,
  type LicenseType,
  type MachineInfo,
  VALIDATION_CODES,
  type ValidationCode,
} from './types.ts';
import { limitsOf } from './verify.ts';

/**
 * The server's answers, checked field by field after their signature verified: a signed
 * answer of the wrong shape is refused (RESPONSE_INVALID) rather than half-trusted.
 */

export interface Meta {
  nonce: string | null;
  ts: string;
}

export interface ValidateBody {
  valid: boolean;
  code: ValidationCode;
  detail: string;
  license: LicenseInfo | null;
  meta: Meta;
}

export interface MachineBody {
  ok: boolean;
  code: ValidationCode;
  detail: string;
  license: LicenseInfo | null;
  machine: MachineInfo | null;
  machineFile: string | null;
  created: boolean;
  meta: Meta;
}

export interface CertificateBody {
  ok: boolean;
  code: ValidationCode;
  certificate: string | null;
  meta: Meta;
}

const CODES: readonly string[] = VALIDATION_CODES;
const isCode = (v: unknown): v is ValidationCode => typeof v === 'string' && CODES.includes(v);
const isDate = (v: unknown): v is string => !Number.isNaN(timeOf(v));
const isDateOrNull = (v: unknown): v is string | null => v === null || isDate(v);
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

export function metaOf(v: unknown): Meta | null {
  if (!isRecord(v) || !isStringOrNull(v.nonce) || !isDate(v.ts)) return null;
  return { nonce: v.nonce, ts: v.ts };
}

export function licenseOf(v: unknown): LicenseInfo | null {
  if (!isRecord(v)) return null;
  const limits = limitsOf(v.limits);
  if (
    typeof v.id !== 'string' ||
    typeof v.sku !== 'string' ||
    !['SEAT', 'ORGANIZATION', 'USAGE'].includes(v.type as string) ||
    !['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'].includes(v.status as string) ||
    typeof v.seats !== 'number' ||
    typeof v.maxMachines !== 'number' ||
    typeof v.machines !== 'number' ||
    !limits ||
    !isDate(v.validFrom) ||
    !isDateOrNull(v.validUntil)
  )
    return null;
  return {
    id: v.id,
    sku: v.sku,
    type: v.type as LicenseType,
    status: v.status as LicenseStatus,
    seats: v.seats,
    maxMachines: v.maxMachines,
    machines: v.machines,
    limits,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
  };
}

export function machineOf(v: unknown): MachineInfo | null {
  if (!isRecord(v)) return null;
  if (
    typeof v.id !== 'string' ||
    typeof v.fingerprint !== 'string' ||
    !isStringOrNull(v.name) ||
    !isStringOrNull(v.platform) ||
    !isStringOrNull(v.hostname) ||
    !isStringOrNull(v.user) ||
    !isDate(v.activatedAt) ||
    !isDateOrNull(v.lastHeartbeatAt) ||
    !isDateOrNull(v.heartbeatDueBy)
  )
    return null;
  return {
    id: v.id,
    fingerprint: v.fingerprint,
    name: v.name,
    platform: v.platform,
    hostname: v.hostname,
    user: v.user,
    activatedAt: v.activatedAt,
    lastHeartbeatAt: v.lastHeartbeatAt,
    heartbeatDueBy: v.heartbeatDueBy,
  };
}

/** A nullable member: null is null; anything else must parse (undefined: it does not). */
function optional<T>(v: unknown, parse: (v: unknown) => T | null): T | null | undefined {
  if (v === null) return null;
  const parsed = parse(v);
  return parsed === null ? undefined : parsed;
}

export function validateBodyOf(v: unknown): ValidateBody | null {
  if (!isRecord(v) || typeof v.valid !== 'boolean' || !isCode(v.code) || typeof v.detail !== 'string')
    return null;
  // `valid` and `code` must agree: a VALID is only ever both.
  if (v.valid !== (v.code === 'VALID')) return null;
  const license = optional(v.license, licenseOf);
  const meta = metaOf(v.meta);
  if (license === undefined || !meta || (v.valid && !license)) return null;
  return { valid: v.valid, code: v.code, detail: v.detail, license, meta };
}

export function machineBodyOf(v: unknown): MachineBody | null {
  if (
    !isRecord(v) ||
    typeof v.ok !== 'boolean' ||
    !isCode(v.code) ||
    typeof v.detail !== 'string' ||
    typeof v.created !== 'boolean' ||
    !isStringOrNull(v.machineFile)
  )
    return null;
  if (v.ok !== (v.code === 'VALID')) return null;
  const license = optional(v.license, licenseOf);
  const machine = optional(v.machine, machineOf);
  const meta = metaOf(v.meta);
  if (license === undefined || machine === undefined || !meta || (v.ok && (!license || !machine)))
    return null;
  return {
    ok: v.ok,
    code: v.code,
    detail: v.detail,
    license,
    machine,
    machineFile: v.machineFile,
    created: v.created,
    meta,
  };
}

export function certificateBodyOf(v: unknown): CertificateBody | null {
  if (!isRecord(v) || typeof v.ok !== 'boolean' || !isCode(v.code) || !isStringOrNull(v.certificate))
    return null;
  const meta = metaOf(v.meta);
  if (!meta || v.ok !== (v.code === 'VALID') || (v.ok && v.certificate === null)) return null;
  return { ok: v.ok, code: v.code, certificate: v.certificate, meta };
}
