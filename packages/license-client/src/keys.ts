import { isRecord } from './encoding.ts';
import type { SigningAlgorithm } from './types.ts';

/**
 * The server's public signing keys (`GET /.well-known/fhiriq/keys.json`): JWKs with their
 * `kid` and `alg`, imported into WebCrypto. A signature is checked only with the key whose id
 * AND algorithm both match what the signed object names, so an answer cannot pick a weaker
 * reading of a key (algorithm confusion).
 */

export interface PublishedJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use?: string;
  /** Ed25519 (kty OKP). */
  crv?: string;
  x?: string;
  /** RSA (kty RSA). */
  n?: string;
  e?: string;
}

export interface PublishedKeys {
  keys: readonly PublishedJwk[];
}

/**
 * Keys as an application holds them: keys.json's content (`{ keys: [...] }`, e.g. a JSON import,
 * whose `alg` TypeScript widens to string), a bare array of JWKs, or a PublicKeySet. Checked when used.
 */
export type PublicKeysInput = PublicKeySet | PublishedKeys | { keys: readonly object[] } | readonly object[];

/** What a signature check found: the key's verdict, or that no key has that id and algorithm. */
export type KeyVerdict = 'ok' | 'bad' | 'unknown';

/** Checks signatures by key id and algorithm; the client's own resolver also fetches unknown keys. */
export interface KeyResolver {
  verify(
    kid: string,
    alg: string,
    data: Uint8Array<ArrayBuffer>,
    sig: Uint8Array<ArrayBuffer>,
  ): Promise<KeyVerdict>;
}

const ALGORITHMS: Record<
  SigningAlgorithm,
  { kty: string; importAs: RsaHashedImportParams | Algorithm; verifyAs: RsaPssParams | Algorithm }
> = {
  ed25519: { kty: 'OKP', importAs: { name: 'Ed25519' }, verifyAs: { name: 'Ed25519' } },
  // The server signs RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
  'rsa-pss-sha256': {
    kty: 'RSA',
    importAs: { name: 'RSA-PSS', hash: 'SHA-256' },
    verifyAs: { name: 'RSA-PSS', saltLength: 32 },
  },
};

const isAlgorithm = (v: unknown): v is SigningAlgorithm => v === 'ed25519' || v === 'rsa-pss-sha256';

/** The JWKs of a keys.json document (or a bare array); entries of other algorithms or shapes are skipped. */
export function parsePublishedKeys(input: unknown): PublishedJwk[] | null {
  const list = Array.isArray(input)
    ? input
    : isRecord(input) && Array.isArray(input.keys)
      ? input.keys
      : null;
  if (!list) return null;
  const keys: PublishedJwk[] = [];
  for (const k of list as unknown[]) {
    if (!isRecord(k) || typeof k.kid !== 'string' || !isAlgorithm(k.alg) || typeof k.kty !== 'string')
      continue;
    const str = (name: string) => (typeof k[name] === 'string' ? (k[name] as string) : undefined);
    const jwk: PublishedJwk = { kty: k.kty, kid: k.kid, alg: k.alg };
    for (const member of ['use', 'crv', 'x', 'n', 'e'] as const) {
      const value = str(member);
      if (value !== undefined) jwk[member] = value;
    }
    keys.push(jwk);
  }
  return keys;
}

/** The JWK members WebCrypto needs: the server's `alg` names ('ed25519') are not JOSE names, and WebCrypto rejects them. */
function webJwk(key: PublishedJwk): JsonWebKey {
  return key.alg === 'ed25519'
    ? { kty: key.kty, crv: key.crv, x: key.x, ext: true }
    : { kty: key.kty, n: key.n, e: key.e, ext: true };
}

/** A fixed set of public keys (pinned in the application, or one fetch of keys.json). */
export class PublicKeySet implements KeyResolver {
  readonly keys: readonly PublishedJwk[];
  #imported = new Map<string, Promise<CryptoKey | null>>();

  constructor(keys: readonly PublishedJwk[]) {
    this.keys = keys;
  }

  /** From keys.json (`{ keys: [...] }`), a bare array of JWKs, or a set; throws without a usable key. */
  static from(input: PublicKeysInput | unknown): PublicKeySet {
    if (input instanceof PublicKeySet) return input;
    const keys = parsePublishedKeys(input);
    // An empty set would refuse every signature: a configuration mistake, said at once.
    if (!keys?.length)
      throw new TypeError('Not a key set: expected { keys: [JWK + kid + alg (ed25519 | rsa-pss-sha256)] }');
    return new PublicKeySet(keys);
  }

  has(kid: string, alg: string): boolean {
    return this.keys.some((k) => k.kid === kid && k.alg === alg);
  }

  #cryptoKey(key: PublishedJwk): Promise<CryptoKey | null> {
    const id = `${key.kid}:${key.alg}`;
    let imported = this.#imported.get(id);
    if (!imported) {
      const spec = ALGORITHMS[key.alg];
      imported =
        key.kty !== spec.kty
          ? Promise.resolve(null)
          : globalThis.crypto.subtle
              .importKey('jwk', webJwk(key), spec.importAs, false, ['verify'])
              // A key that does not import is a key nothing verifies with.
              .catch(() => null);
      this.#imported.set(id, imported);
    }
    return imported;
  }

  async verify(
    kid: string,
    alg: string,
    data: Uint8Array<ArrayBuffer>,
    sig: Uint8Array<ArrayBuffer>,
  ): Promise<KeyVerdict> {
    const key = this.keys.find((k) => k.kid === kid && k.alg === alg);
    if (!key) return 'unknown';
    const cryptoKey = await this.#cryptoKey(key);
    if (!cryptoKey) return 'bad';
    try {
      return (await globalThis.crypto.subtle.verify(ALGORITHMS[key.alg].verifyAs, cryptoKey, sig, data))
        ? 'ok'
        : 'bad';
    } catch {
      // Some runtimes throw instead of answering false for a signature of the wrong length.
      return 'bad';
    }
  }
}
