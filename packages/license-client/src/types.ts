/**
 * The client's vocabulary: the server's validation codes (mirrored, not imported, so the
 * package stands alone), the codes the client adds for what only it can detect, and the
 * typed results every method answers with. Results are discriminated unions: narrow on
 * `valid` / `ok`, then on `source`.
 */

/** The server's codes, in the order it checks them (documented by the server; do not reorder). */
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
/** A signed refusal from the server. */
export type RefusalCode = Exclude<ValidationCode, 'VALID'>;

/** Why a license or machine file does not verify (offline). */
export const FILE_CODES = [
  /** No file to verify (the client never activated, or the file was dropped after a refusal). */
  'FILE_MISSING',
  /** Not the armored, base64, JSON form the server writes. */
  'FILE_MALFORMED',
  /** Signed by a key id (with that algorithm) that is not among the published or pinned keys. */
  'UNKNOWN_KEY',
  /** The signature does not hold over the payload's bytes: the file was altered. */
  'SIGNATURE_INVALID',
  /** A license certificate where a machine file was expected, or the reverse. */
  'WRONG_FILE_TYPE',
  /** Issued in the future (beyond the clock tolerance): the local clock is behind. */
  'FILE_NOT_YET_VALID',
  /** Its TTL (`expiresAt`) has passed: the machine must check in online. */
  'FILE_EXPIRED',
  /** A machine file of another machine. */
  'FINGERPRINT_MISMATCH',
  'PRODUCT_MISMATCH',
  /** A machine file whose license is not ACTIVE, or whose term has ended. */
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
] as const;
export type FileCode = (typeof FILE_CODES)[number];

/** What only the client detects: a forged, replayed or stale answer, no network, the clock. */
export const CLIENT_CODES = [
  /** The `fhiriq-signature` header is missing or malformed, or does not hold over the exact body. */
  'SIGNATURE_INVALID',
  /** The answer names a signing key that is not published (even after fetching the keys again). */
  'UNKNOWN_KEY',
  /** The answer does not echo this request's nonce: a replayed or substituted answer. */
  'NONCE_MISMATCH',
  /** The answer's `meta.ts` is further from local time than the tolerance (replay window, or a wrong clock). */
  'RESPONSE_STALE',
  /** A signed answer that is not the documented shape. */
  'RESPONSE_INVALID',
  /** The server refused the request itself (4xx: `errorCode` says which, e.g. VALIDATION_FAILED). */
  'REQUEST_REJECTED',
  /** 429 from the server and nothing cached to answer from (`retryAfterSeconds`). */
  'RATE_LIMITED',
  /** The server cannot be reached (network error, timeout, 5xx) and nothing cached answers. */
  'OFFLINE',
  /** Offline, and the grace period (or the machine file's TTL) has run out. */
  'GRACE_EXPIRED',
  /** Offline, and the local clock is earlier than a time already seen: an offline answer is refused. */
  'CLOCK_ROLLBACK',
  /** Offline, and the cached machine file does not verify (the file codes, except the license's own). */
  'FILE_MISSING',
  'FILE_MALFORMED',
  'WRONG_FILE_TYPE',
  'FILE_NOT_YET_VALID',
  'FILE_EXPIRED',
  'FINGERPRINT_MISMATCH',
] as const;
export type ClientCode = (typeof CLIENT_CODES)[number];

export type LicenseType = 'SEAT' | 'ORGANIZATION' | 'USAGE';
export type LicenseStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';
export type LimitValue = number | boolean | string;
export type SigningAlgorithm = 'ed25519' | 'rsa-pss-sha256';

/** The license as the server describes it in its answers. */
export interface LicenseInfo {
  id: string;
  sku: string;
  type: LicenseType;
  status: LicenseStatus;
  seats: number;
  maxMachines: number;
  /** Machines activated; null when answered offline from a machine file (which does not carry the count). */
  machines: number | null;
  limits: Record<string, LimitValue>;
  validFrom: string;
  /** null: perpetual. */
  validUntil: string | null;
}

export interface MachineInfo {
  id: string;
  fingerprint: string;
  name: string | null;
  platform: string | null;
  hostname: string | null;
  user: string | null;
  activatedAt: string;
  lastHeartbeatAt: string | null;
  /** Floating licenses: the machine is released unless it sends a heartbeat before this time. */
  heartbeatDueBy: string | null;
}

/** The license terms a signed file carries. */
export interface FileLicenseTerms {
  id: string;
  sku: string;
  productKey: string;
  type: LicenseType;
  status: LicenseStatus;
  seats: number;
  maxMachines: number;
  limits: Record<string, LimitValue>;
  allowedDomains: string[];
  allowedCountries: string[];
  validFrom: string;
  validUntil: string | null;
}

export interface FileMachine {
  id: string;
  fingerprint: string;
  activatedAt: string;
}

/** A file whose signature, time window and (machine files) machine and license standing hold. */
export interface VerifiedFile {
  ok: true;
  type: 'machine' | 'license';
  kid: string;
  alg: SigningAlgorithm;
  issuedAt: string;
  expiresAt: string;
  license: FileLicenseTerms;
  /** Machine files only. */
  machine: FileMachine | null;
}

export interface FileRejection {
  ok: false;
  code: FileCode;
  detail: string;
}

export type FileVerification = VerifiedFile | FileRejection;

/** Where an answer came from. */
export type AnswerSource =
  /** A signed answer to this call's request. */
  | 'online'
  /** The last signed validation, kept in storage (fresh: within the revalidation interval; or offline grace). */
  | 'cache'
  /** Offline: the cached, signed machine file. */
  | 'offline-file';

interface AnswerTimes {
  /** When the server last confirmed this answer (its signed `meta.ts`, or the machine file's `issuedAt`). */
  checkedAt: string;
  /** When `validate()` goes online again (an offline answer: now — every call retries the server). */
  nextCheckAt: string;
  /**
   * Set only when the server could not be reached and the answer comes from the cache or the
   * machine file: the answer holds until then (the grace period after `checkedAt`, never beyond
   * the machine file's TTL or the license's term).
   */
  graceEndsAt: string | null;
}

/** VALID, online or from the fresh cache. */
export interface ValidAnswer extends AnswerTimes {
  ok: true;
  valid: true;
  code: 'VALID';
  detail: string;
  source: 'online' | 'cache';
  license: LicenseInfo;
}

/** VALID offline, from the verified machine file (the server could not be reached). */
export interface ValidFileAnswer extends AnswerTimes {
  ok: true;
  valid: true;
  code: 'VALID';
  detail: string;
  source: 'offline-file';
  license: LicenseInfo;
  file: VerifiedFile;
  graceEndsAt: string;
}

/** A signed refusal (online, or the last one, cached), or a machine file that says the license ended. */
export interface RefusedAnswer extends AnswerTimes {
  ok: false;
  valid: false;
  code: RefusalCode;
  detail: string;
  source: AnswerSource;
  license: LicenseInfo | null;
}

/** What the client itself refused: never a VALID, whatever the server (or an impostor) said. */
export interface ClientFailure {
  ok: false;
  valid: false;
  code: ClientCode;
  detail: string;
  source: 'client';
  /** REQUEST_REJECTED: the server's error code (`VALIDATION_FAILED`, …). */
  errorCode?: string;
  /** RATE_LIMITED (and OFFLINE after a 429): the server's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** The underlying error (network failures). */
  cause?: unknown;
}

export type ValidateResult = ValidAnswer | ValidFileAnswer | RefusedAnswer | ClientFailure;

/** activate / deactivate / heartbeat: the machine and (activate, heartbeat) a fresh, verified machine file. */
export interface MachineSuccess {
  ok: true;
  valid: true;
  code: 'VALID';
  detail: string;
  source: 'online';
  license: LicenseInfo;
  machine: MachineInfo;
  /** Activation and heartbeat: the signed machine file (already verified and cached); deactivation: null. */
  machineFile: string | null;
  /** Activation: true when this call activated the machine, false when it was already active. */
  created: boolean;
  checkedAt: string;
}

export interface MachineRefusal {
  ok: false;
  valid: false;
  code: RefusalCode;
  detail: string;
  source: 'online';
  license: LicenseInfo | null;
  machine: MachineInfo | null;
  checkedAt: string;
}

export type MachineResult = MachineSuccess | MachineRefusal | ClientFailure;

export interface CertificateSuccess {
  ok: true;
  valid: true;
  code: 'VALID';
  source: 'online';
  /** The armored certificate, as the server sent it (keep it; verify it later with `verifyLicenseFile`). */
  certificate: string;
  /** Its verified contents: the license's terms and status (a certificate is issued whatever the status). */
  file: VerifiedFile;
  checkedAt: string;
}

export interface CertificateRefusal {
  ok: false;
  valid: false;
  code: RefusalCode;
  detail: string;
  source: 'online';
  checkedAt: string;
}

export type CertificateResult = CertificateSuccess | CertificateRefusal | ClientFailure;
