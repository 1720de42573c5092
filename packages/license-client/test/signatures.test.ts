import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  publicJwk,
  type SigningAlgorithm,
  type SigningKey,
  signBytes,
  signFile,
} from '../../../src/modules/licensing/domain/certificate.ts';
import {
  type FetchLike,
  LicenseClient,
  MemoryStorage,
  PublicKeySet,
  parsePublishedKeys,
  parseSignatureHeader,
  verifyLicenseFile,
  verifySignatureHeader,
} from '../src/index.ts';

/**
 * The signature checks without a database: a tiny fake server that signs with the server's
 * own signing code (both algorithms), an impostor with its own key, pinned keys, header parsing.
 */

const NOW = new Date('2026-06-01T12:00:00.000Z');
const KEY = 'FHIR-AAAA-AAAA-AAAA-AAAA-AAAA';

const license = {
  id: 'lic_1',
  sku: 'TL-MAPPER-PR-A',
  type: 'SEAT',
  status: 'ACTIVE',
  seats: 1,
  maxMachines: 1,
  machines: 0,
  limits: { projects: 5, api: true },
  validFrom: NOW.toISOString(),
  validUntil: null,
};

/** Answers /validate like the server (echoing the nonce, signing the exact bytes) with `signer`; keys.json lists `published`. */
function fakeServer(signer: SigningKey, published: SigningKey[] = [signer], now = NOW) {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    calls.push(path);
    if (path === '/.well-known/fhiriq/keys.json')
      return Response.json({ keys: published.map((k) => publicJwk(k)) });
    const request = JSON.parse(String(init.body)) as { nonce: string };
    const body = JSON.stringify({
      valid: true,
      code: 'VALID',
      detail: 'The license is valid.',
      license,
      meta: { nonce: request.nonce, ts: now.toISOString() },
    });
    const sig = signBytes(signer, Buffer.from(body, 'utf8')).toString('base64url');
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'fhiriq-signature': `keyid="${signer.kid}", algorithm="${signer.alg}", signature="${sig}"`,
      },
    });
  };
  return { fetch, calls };
}

const client = (fetch: FetchLike, extra: Partial<ConstructorParameters<typeof LicenseClient>[0]> = {}) =>
  new LicenseClient({
    baseUrl: 'https://licensing.example',
    key: KEY,
    fingerprint: 'fp-unit-test',
    fetch,
    now: () => NOW,
    ...extra,
  });

describe('signed answers', () => {
  for (const alg of ['ed25519', 'rsa-pss-sha256'] as SigningAlgorithm[]) {
    it(`accepts an answer signed ${alg} with a published key`, async () => {
      const server = fakeServer(generateSigningKey(alg));
      expect(await client(server.fetch).validate()).toMatchObject({ valid: true, source: 'online' });
    });
  }

  it('refuses an impostor’s answer signed with its own unpublished key', async () => {
    const real = generateSigningKey('ed25519');
    const impostor = generateSigningKey('ed25519');
    const server = fakeServer(impostor, [real]);
    expect(await client(server.fetch).validate()).toMatchObject({ valid: false, code: 'UNKNOWN_KEY' });
    // Fetched once for the unknown id (nothing was cached): not again and again.
    expect(server.calls.filter((c) => c.endsWith('keys.json'))).toHaveLength(1);
  });

  it('refuses an impostor’s answer that reuses a published key id with its own key', async () => {
    const real = generateSigningKey('ed25519');
    const impostor = { ...generateSigningKey('ed25519'), kid: real.kid };
    expect(await client(fakeServer(impostor, [real]).fetch).validate()).toMatchObject({
      valid: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('with pinned keys, never fetches keys: an impostor publishing its own key is refused', async () => {
    const real = generateSigningKey('ed25519');
    const impostor = generateSigningKey('rsa-pss-sha256');
    const server = fakeServer(impostor, [impostor]);
    const pinned = client(server.fetch, { publicKeys: { keys: [publicJwk(real)] } });
    expect(await pinned.validate()).toMatchObject({ valid: false, code: 'UNKNOWN_KEY' });
    expect(server.calls).toEqual(['/api/v1/licenses/validate']);
    // The same client against the real signer: VALID.
    const honest = client(fakeServer(real).fetch, { publicKeys: [publicJwk(real)] });
    expect(await honest.validate()).toMatchObject({ valid: true });
  });

  it('keeps the keys in storage: a second process verifies without fetching them', async () => {
    const signer = generateSigningKey('ed25519');
    const storage = new MemoryStorage();
    const first = fakeServer(signer);
    await client(first.fetch, { storage }).validate();
    const second = fakeServer(signer);
    expect(await client(second.fetch, { storage }).validate({ force: true })).toMatchObject({ valid: true });
    expect(second.calls).toEqual(['/api/v1/licenses/validate']);
  });

  it('reports keys.json being unreachable as the server being unreachable', async () => {
    const signer = generateSigningKey('ed25519');
    const server = fakeServer(signer);
    const fetch: FetchLike = (url, init) =>
      url.endsWith('keys.json') ? Promise.reject(new TypeError('fetch failed')) : server.fetch(url, init);
    expect(await client(fetch).validate()).toMatchObject({ valid: false, code: 'OFFLINE' });
  });

  it('refuses a signed answer of the wrong shape, and a VALID without a license', async () => {
    const signer = generateSigningKey('ed25519');
    const respond =
      (make: (nonce: string) => unknown): FetchLike =>
      async (url, init) => {
        if (url.endsWith('keys.json')) return Response.json({ keys: [publicJwk(signer)] });
        const body = JSON.stringify(make((JSON.parse(String(init.body)) as { nonce: string }).nonce));
        const sig = signBytes(signer, Buffer.from(body)).toString('base64url');
        return new Response(body, {
          headers: { 'fhiriq-signature': `keyid="${signer.kid}", algorithm="ed25519", signature="${sig}"` },
        });
      };
    const meta = (nonce: string) => ({ nonce, ts: NOW.toISOString() });
    for (const make of [
      (n: string) => ({ valid: true, code: 'VALID', detail: '', license: null, meta: meta(n) }),
      (n: string) => ({ valid: true, code: 'REVOKED', detail: '', license, meta: meta(n) }),
      (n: string) => ({ valid: false, code: 'VALID', detail: '', license, meta: meta(n) }),
      (n: string) => ({ valid: true, code: 'SOMETHING', detail: '', license, meta: meta(n) }),
      (n: string) => ({
        valid: true,
        code: 'VALID',
        detail: '',
        license: { ...license, seats: '1' },
        meta: meta(n),
      }),
      (n: string) => ({ valid: true, code: 'VALID', detail: '', license, meta: { nonce: n } }),
      () => [1, 2, 3],
    ])
      expect(await client(respond(make)).validate()).toMatchObject({
        valid: false,
        code: 'RESPONSE_INVALID',
      });
    // A null nonce (the server echoes null when none was sent) is a mismatch, not a pass.
    expect(
      await client(
        respond(() => ({
          valid: true,
          code: 'VALID',
          detail: '',
          license,
          meta: { nonce: null, ts: NOW.toISOString() },
        })),
      ).validate(),
    ).toMatchObject({ code: 'NONCE_MISMATCH' });
  });
});

describe('signed files', () => {
  for (const alg of ['ed25519', 'rsa-pss-sha256'] as SigningAlgorithm[]) {
    it(`verifies a ${alg} machine file signed by the server's code, and nothing altered`, async () => {
      const key = generateSigningKey(alg);
      const payload = {
        type: 'machine',
        version: 1,
        license: {
          id: 'lic_1',
          sku: 'TL-MAPPER-PR-A',
          productKey: 'TL-MAPPER',
          type: 'SEAT',
          status: 'ACTIVE',
          seats: 1,
          maxMachines: 1,
          limits: {},
          allowedDomains: [],
          allowedCountries: [],
          validFrom: NOW.toISOString(),
          validUntil: null,
        },
        machine: { id: 'mch_1', fingerprint: 'fp-unit-test', activatedAt: NOW.toISOString() },
        issuedAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 3600_000).toISOString(),
      };
      const keys = [publicJwk(key)];
      const opts = { keys, now: NOW, fingerprint: 'fp-unit-test' };
      expect(await verifyLicenseFile(signFile(key, payload), opts)).toMatchObject({ ok: true, alg });
      const revoked = signFile(key, { ...payload, license: { ...payload.license, status: 'REVOKED' } });
      expect(await verifyLicenseFile(revoked, opts)).toMatchObject({ ok: false, code: 'REVOKED' });
      const suspended = signFile(key, { ...payload, license: { ...payload.license, status: 'SUSPENDED' } });
      expect(await verifyLicenseFile(suspended, opts)).toMatchObject({ ok: false, code: 'SUSPENDED' });
      const v2 = signFile(key, { ...payload, version: 2 });
      expect(await verifyLicenseFile(v2, opts)).toMatchObject({ ok: false, code: 'FILE_MALFORMED' });
      const other = generateSigningKey(alg);
      expect(await verifyLicenseFile(signFile({ ...other, kid: key.kid }, payload), opts)).toMatchObject({
        ok: false,
        code: 'SIGNATURE_INVALID',
      });
    });
  }
});

describe('keys and headers', () => {
  it('parses the signature header strictly', () => {
    expect(parseSignatureHeader('keyid="a", algorithm="ed25519", signature="c2ln"')).toEqual({
      keyid: 'a',
      algorithm: 'ed25519',
      signature: 'c2ln',
    });
    expect(parseSignatureHeader('signature="c2ln",keyid="a",algorithm="ed25519"')).toMatchObject({
      keyid: 'a',
    });
    for (const bad of [
      null,
      '',
      'garbage',
      'keyid="a", algorithm="ed25519"',
      'keyid="a", keyid="b", algorithm="ed25519", signature="c2ln"',
      'keyid="a", algorithm="ed25519", signature="c2ln" trailing',
      'keyid=a, algorithm="ed25519", signature="c2ln"',
    ])
      expect(parseSignatureHeader(bad)).toBeNull();
  });

  it('verifies a header over bytes, and refuses a header whose signature is not base64url', async () => {
    const key = generateSigningKey('ed25519');
    const keys = PublicKeySet.from({ keys: [publicJwk(key)] });
    const body = Buffer.from('{"a":1}');
    const sig = signBytes(key, body).toString('base64url');
    const header = `keyid="${key.kid}", algorithm="ed25519", signature="${sig}"`;
    expect(await verifySignatureHeader(header, new Uint8Array(body), keys)).toBe('ok');
    expect(await verifySignatureHeader(header, new Uint8Array(Buffer.from('{"a":2}')), keys)).toBe('bad');
    expect(await verifySignatureHeader(header.replace(sig, `${sig}+/`), new Uint8Array(body), keys)).toBe(
      'bad',
    );
    expect(await verifySignatureHeader(header.replace(key.kid, 'nope'), new Uint8Array(body), keys)).toBe(
      'unknown',
    );
  });

  it('reads keys.json, skipping keys of other algorithms', () => {
    const ed = publicJwk(generateSigningKey('ed25519'));
    expect(parsePublishedKeys({ keys: [ed, { ...ed, alg: 'ES256' }, { kid: 'x' }, 'junk'] })).toEqual([
      { kty: 'OKP', kid: ed.kid, alg: 'ed25519', use: 'sig', crv: 'Ed25519', x: ed.x },
    ]);
    expect(parsePublishedKeys('nope')).toBeNull();
    expect(() => PublicKeySet.from({ nope: true })).toThrow(/Not a key set/);
    // Pinned keys that contain no usable key are a mistake to report, not a set that refuses everything.
    expect(() => PublicKeySet.from({ keys: [{ ...ed, alg: 'ES256' }] })).toThrow(/Not a key set/);
  });

  it('refuses misuse at construction', () => {
    expect(() => new LicenseClient({ baseUrl: 'ftp://x', key: KEY })).toThrow(/baseUrl/);
    expect(() => new LicenseClient({ baseUrl: 'https://x', key: ' ' })).toThrow(/key/);
    expect(() => new LicenseClient({ baseUrl: 'https://x', key: KEY, gracePeriodMs: -1 })).toThrow(
      /gracePeriodMs/,
    );
  });
});

describe('the runtime-neutral client (web entry)', () => {
  it('validates the license without a fingerprint, and says so when a machine call needs one', async () => {
    const { LicenseClient: WebClient, LicenseClientError } = await import('../src/web.ts');
    const c = new WebClient({
      baseUrl: 'https://licensing.example',
      key: KEY,
      fetch: fakeServer(generateSigningKey()).fetch,
      now: () => NOW,
    });
    expect(await c.validate()).toMatchObject({ valid: true, source: 'online' });
    await expect(c.activate()).rejects.toBeInstanceOf(LicenseClientError);
    await expect(c.validate({ scope: 'machine' })).rejects.toMatchObject({ code: 'NO_FINGERPRINT' });
  });
});
