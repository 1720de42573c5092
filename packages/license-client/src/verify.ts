import { base64ToBytes, base64UrlToBytes, isRecord, parseJson, timeOf, utf8Decode } from './encoding.ts';
import { type KeyResolver, PublicKeySet, type PublicKeysInput } from './keys.ts';
import type {
  FileLicenseTerms,
  FileMachine,
  FileRejection,
  FileVerification,
  LicenseStatus,
  LicenseType,
  LimitValue,
  SigningAlgorithm,
} from './types.ts';

/**
 * Offline verification of the server's signed files (license certificates and machine files)
 * and of the signature header on its answers — WebCrypto only.
 */

export interface SignatureHeader {
  keyid: string;
  algorithm: string;
  signature: string;
}

/** `keyid="…", algorithm="…", signature="…"` (any order, each exactly once); null when malformed. */
export function parseSignatureHeader(value: string | null | undefined): SignatureHeader | null {
  if (!value) return null;
  const params = new Map<string, string>();
  const re = /\s*([a-z]+)="([^"]*)"\s*(?:,|$)/gy;
  let match: RegExpExecArray | null = re.exec(value);
  let end = 0;
  while (match) {
    const [, name, v] = match;
    if (!name || v === undefined || params.has(name)) return null;
    params.set(name, v);
    end = re.lastIndex;
    if (end >= value.length) break;
    match = re.exec(value);
  }
  // Anything left over (or nothing parsed) means a header we do not understand: refuse it.
  if (end !== value.length) return null;
  const keyid = params.get('keyid');
  const algorithm = params.get('algorithm');
  const signature = params.get('signature');
  if (!keyid || !algorithm || !signature) return null;
  return { keyid, algorithm, signature };
}

/** Whether a signature header holds over exact bytes: the key's verdict, or 'bad' for a malformed header. */
export async function verifySignatureHeader(
  header: string | null | undefined,
  body: Uint8Array<ArrayBuffer>,
  keys: KeyResolver,
): Promise<'ok' | 'bad' | 'unknown'> {
  const parsed = parseSignatureHeader(header);
  const sig = parsed && base64UrlToBytes(parsed.signature);
  if (!parsed || !sig) return 'bad';
  return keys.verify(parsed.keyid, parsed.algorithm, body, sig);
}

const BEGIN = '-----BEGIN FHIR IQ LICENSE FILE-----';
const END = '-----END FHIR IQ LICENSE FILE-----';

export interface SignedFileEnvelope {
  /** The payload's exact bytes (what is signed). */
  payloadBytes: Uint8Array<ArrayBuffer>;
  payload: string;
  alg: string;
  kid: string;
  sig: string;
}

/** The armored envelope: `{ payload, alg, kid, sig }`, base64 inside BEGIN/END lines. */
export function parseLicenseFile(file: string): SignedFileEnvelope | null {
  const text = file.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return null;
  const bytes = base64ToBytes(text.slice(BEGIN.length, text.length - END.length).replace(/\s+/g, ''));
  const json = bytes && utf8Decode(bytes);
  const envelope = json === null || json === undefined ? undefined : parseJson(json);
  if (!isRecord(envelope)) return null;
  const { payload, alg, kid, sig } = envelope;
  if (
    typeof payload !== 'string' ||
    typeof alg !== 'string' ||
    typeof kid !== 'string' ||
    typeof sig !== 'string'
  )
    return null;
  const payloadBytes = base64UrlToBytes(payload);
  if (!payloadBytes) return null;
  return { payloadBytes, payload, alg, kid, sig };
}

export interface VerifyFileOptions {
  /** The published keys (keys.json's content, an array of JWKs, a PublicKeySet) or a resolver. */
  keys: KeyResolver | PublicKeysInput;
  /** Default: the current time. */
  now?: Date;
  /** The file type expected; default: either. */
  type?: 'machine' | 'license';
  /** Machine files: this machine's fingerprint (required to accept a machine file as this machine's). */
  fingerprint?: string;
  /** A SKU or product key (`TL-MAPPER`) the license must be for. */
  product?: string;
  /** How far in the future `issuedAt` may be (clock differences); default 5 minutes, as the server. */
  clockToleranceMs?: number;
}

const isResolver = (v: KeyResolver | PublicKeysInput): v is KeyResolver =>
  'verify' in v && typeof v.verify === 'function';

const reject = (code: FileRejection['code'], detail: string): FileRejection => ({ ok: false, code, detail });

const LICENSE_TYPES: readonly string[] = ['SEAT', 'ORGANIZATION', 'USAGE'];
const STATUSES: readonly string[] = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'];

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
}

export function limitsOf(v: unknown): Record<string, LimitValue> | null {
  if (!isRecord(v)) return null;
  const out: Record<string, LimitValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string') return null;
    out[k] = x;
  }
  return out;
}

function termsOf(v: unknown): FileLicenseTerms | null {
  if (!isRecord(v)) return null;
  const allowedDomains = stringList(v.allowedDomains);
  const allowedCountries = stringList(v.allowedCountries);
  const limits = limitsOf(v.limits);
  if (
    typeof v.id !== 'string' ||
    typeof v.sku !== 'string' ||
    typeof v.productKey !== 'string' ||
    typeof v.type !== 'string' ||
    !LICENSE_TYPES.includes(v.type) ||
    typeof v.status !== 'string' ||
    !STATUSES.includes(v.status) ||
    typeof v.seats !== 'number' ||
    typeof v.maxMachines !== 'number' ||
    !limits ||
    !allowedDomains ||
    !allowedCountries ||
    Number.isNaN(timeOf(v.validFrom)) ||
    (v.validUntil !== null && Number.isNaN(timeOf(v.validUntil)))
  )
    return null;
  return {
    id: v.id,
    sku: v.sku,
    productKey: v.productKey,
    type: v.type as LicenseType,
    status: v.status as LicenseStatus,
    seats: v.seats,
    maxMachines: v.maxMachines,
    limits,
    allowedDomains,
    allowedCountries,
    validFrom: v.validFrom as string,
    validUntil: v.validUntil as string | null,
  };
}

function machineOf(v: unknown): FileMachine | null {
  if (!isRecord(v)) return null;
  if (typeof v.id !== 'string' || typeof v.fingerprint !== 'string' || Number.isNaN(timeOf(v.activatedAt)))
    return null;
  return { id: v.id, fingerprint: v.fingerprint, activatedAt: v.activatedAt as string };
}

/** Whether a product name (a SKU or a product key) is the license's, as the server's PRODUCT_MISMATCH check. */
export const productMatches = (product: string, license: { sku: string; productKey?: string }): boolean =>
  product === license.sku || product === license.productKey;

/**
 * Verifies a license certificate or machine file, offline: the signature over the payload's
 * exact bytes with the key its `kid` and `alg` name; then the payload's time window
 * (`issuedAt` not beyond the clock tolerance in the future, `expiresAt` not passed); for a
 * machine file also this machine's fingerprint, an ACTIVE license and its term not ended.
 * A certificate verifies whatever the license's status: the status is in `license.status`.
 */
export async function verifyLicenseFile(file: string, options: VerifyFileOptions): Promise<FileVerification> {
  const envelope = parseLicenseFile(file);
  if (!envelope) return reject('FILE_MALFORMED', 'Not a FHIR IQ license file.');
  const sig = base64UrlToBytes(envelope.sig);
  if (!sig) return reject('FILE_MALFORMED', 'The file’s signature is not base64url.');
  const keys: KeyResolver = isResolver(options.keys) ? options.keys : PublicKeySet.from(options.keys);
  const verdict = await keys.verify(envelope.kid, envelope.alg, envelope.payloadBytes, sig);
  if (verdict === 'unknown')
    return reject('UNKNOWN_KEY', `No published ${envelope.alg} key has the id ${envelope.kid}.`);
  if (verdict === 'bad')
    return reject('SIGNATURE_INVALID', 'The signature does not match: the file was altered.');

  // Signed by the server from here on: shape errors are the server's, still refused.
  const text = utf8Decode(envelope.payloadBytes);
  const payload = text === null ? undefined : parseJson(text);
  if (!isRecord(payload) || payload.version !== 1)
    return reject('FILE_MALFORMED', 'The payload is not a version 1 license file.');
  const type = payload.type;
  if (type !== 'machine' && type !== 'license') return reject('FILE_MALFORMED', 'Unknown file type.');
  const license = termsOf(payload.license);
  const machine = type === 'machine' ? machineOf(payload.machine) : null;
  const issuedAt = timeOf(payload.issuedAt);
  const expiresAt = timeOf(payload.expiresAt);
  if (!license || (type === 'machine' && !machine) || Number.isNaN(issuedAt) || Number.isNaN(expiresAt))
    return reject('FILE_MALFORMED', 'The payload lacks required fields.');
  if (options.type && options.type !== type)
    return reject(
      'WRONG_FILE_TYPE',
      type === 'license'
        ? 'A license certificate, not a machine file.'
        : 'A machine file, not a certificate.',
    );

  const now = (options.now ?? new Date()).getTime();
  const tolerance = options.clockToleranceMs ?? 5 * 60_000;
  if (issuedAt > now + tolerance)
    return reject(
      'FILE_NOT_YET_VALID',
      `Issued at ${payload.issuedAt}, after the local time ${new Date(now).toISOString()}: is the clock set back?`,
    );
  if (expiresAt <= now) return reject('FILE_EXPIRED', `The file expired at ${payload.expiresAt}.`);
  if (options.product && !productMatches(options.product, license))
    return reject('PRODUCT_MISMATCH', `The license is for ${license.sku}, not ${options.product}.`);

  if (type === 'machine' && machine) {
    if (options.fingerprint === undefined || machine.fingerprint !== options.fingerprint)
      return reject('FINGERPRINT_MISMATCH', 'The machine file belongs to another machine.');
    if (license.status === 'REVOKED') return reject('REVOKED', 'The license was revoked.');
    if (license.status === 'SUSPENDED') return reject('SUSPENDED', 'The license is suspended.');
    if (license.status === 'EXPIRED' || (license.validUntil !== null && timeOf(license.validUntil) <= now))
      return reject('EXPIRED', 'The license has expired.');
  }
  return {
    ok: true,
    type,
    kid: envelope.kid,
    alg: envelope.alg as SigningAlgorithm,
    issuedAt: new Date(issuedAt).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    license,
    machine,
  };
}
