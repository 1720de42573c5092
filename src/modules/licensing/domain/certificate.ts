import {
  createHash,
  createPrivateKey,
  createPublicKey,
  constants as cryptoConstants,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Signed license certificates and machine files. The payload is canonical
 * JSON (keys sorted, no spaces) so the signed bytes are reproducible by any
 * client; the file carries the algorithm and the signing key's id, and the
 * public keys are published with their ids, so keys rotate while older files
 * stay verifiable. Ed25519 by default; RSA-2048 PSS/SHA-256 (002) per product.
 */

export type SigningAlgorithm = 'ed25519' | 'rsa-pss-sha256';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface PublicKeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: KeyObject;
}

/** A stable key id: the start of the SHA-256 of the public key (SPKI DER), hex. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

export function generateSigningKey(alg: SigningAlgorithm = 'ed25519'): SigningKey {
  const { privateKey, publicKey } =
    alg === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return { kid: keyId(publicKey), alg, privateKey, publicKey };
}

/** A signing key from its PKCS#8 PEM (configuration or the embedded key store). */
export function signingKeyFromPem(alg: SigningAlgorithm, pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), alg, privateKey, publicKey };
}

/** JSON with object keys sorted at every level: the exact bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const RSA_PSS = { padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/** A detached signature over exact bytes (signed API responses). */
export function signBytes(key: SigningKey, data: Buffer): Buffer {
  return key.alg === 'ed25519'
    ? sign(null, data, key.privateKey)
    : sign('sha256', data, { key: key.privateKey, ...RSA_PSS });
}

/**
 * The same signature, computed on libuv's thread pool. Signing is the largest
 * cost of a license API answer (about 60–100 µs for Ed25519 on a small server,
 * more than the rest of the request); off the event loop it runs on another
 * core while the loop serves the next request. Measured with bench:licenses.
 */
export function signBytesOffLoop(key: SigningKey, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, signature: Buffer) => (err ? reject(err) : resolve(signature));
    if (key.alg === 'ed25519') sign(null, data, key.privateKey, done);
    else sign('sha256', data, { key: key.privateKey, ...RSA_PSS }, done);
  });
}

export function verifyBytes(key: PublicKeyInfo, data: Buffer, signature: Buffer): boolean {
  return key.alg === 'ed25519'
    ? verify(null, data, key.publicKey, signature)
    : verify('sha256', data, { key: key.publicKey, ...RSA_PSS }, signature);
}

export interface SignedFile {
  /** base64url of the canonical JSON payload. */
  payload: string;
  alg: SigningAlgorithm;
  kid: string;
  /** base64url signature over the payload's bytes. */
  sig: string;
}

const BEGIN = '-----BEGIN FHIR IQ LICENSE FILE-----';
const END = '-----END FHIR IQ LICENSE FILE-----';

/** Signs a payload into a file clients store and verify offline. */
export function signFile(key: SigningKey, payload: Record<string, unknown>): string {
  const bytes = Buffer.from(canonicalJson(payload), 'utf8');
  const file: SignedFile = {
    payload: bytes.toString('base64url'),
    alg: key.alg,
    kid: key.kid,
    sig: signBytes(key, bytes).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(file), 'utf8').toString('base64');
  return `${BEGIN}\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n${END}\n`;
}

export type CertificateVerification =
  | { ok: true; payload: Record<string, unknown>; kid: string }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'not_yet_valid' };

/**
 * Verifies a file with the published keys: the signature over the exact payload bytes, by the
 * key its id names and with that key's algorithm; then the time window the payload states
 * (`issuedAt` not in the future, `expiresAt` — a machine file's TTL — not passed).
 */
export function verifyFile(file: string, keys: readonly PublicKeyInfo[], now: Date): CertificateVerification {
  let parsed: SignedFile;
  try {
    const inner = file.trim();
    if (!inner.startsWith(BEGIN) || !inner.endsWith(END)) return { ok: false, reason: 'malformed' };
    const body = inner.slice(BEGIN.length, inner.length - END.length).replace(/\s+/g, '');
    parsed = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as SignedFile;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof parsed?.payload !== 'string' || typeof parsed.sig !== 'string' || typeof parsed.kid !== 'string')
    return { ok: false, reason: 'malformed' };
  const key = keys.find((k) => k.kid === parsed.kid && k.alg === parsed.alg);
  if (!key) return { ok: false, reason: 'unknown_key' };
  const bytes = Buffer.from(parsed.payload, 'base64url');
  if (!verifyBytes(key, bytes, Buffer.from(parsed.sig, 'base64url')))
    return { ok: false, reason: 'bad_signature' };
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const at = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
  if (at(payload.issuedAt) > now.getTime() + 5 * 60_000) return { ok: false, reason: 'not_yet_valid' };
  if (at(payload.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload, kid: parsed.kid };
}

/** The published form of a public key (`GET /.well-known/fhiriq/keys.json`): a JWK with its id and algorithm. */
export interface PublishedJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  [member: string]: unknown;
}

export function publicJwk(key: PublicKeyInfo): PublishedJwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { ...jwk, kty: jwk.kty ?? '', kid: key.kid, alg: key.alg, use: 'sig' };
}
