import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, generateSigningKey, publicJwk, signFile, verifyFile } from './certificate.ts';
import {
  checkGroup,
  generateLicenseKey,
  KEY_ALPHABET,
  maskLicenseKey,
  parseLicenseKey,
} from './license-key.ts';
import { type LicenseFacts, VALIDATION_CODES, type ValidationCode, validateLicense } from './validation.ts';

const KEY_FORMAT = /^FHIR-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

describe('license keys', () => {
  it('are 002-shaped, random, and parse back to themselves', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        const key = generateLicenseKey(bytes);
        expect(key).toMatch(KEY_FORMAT);
        expect(parseLicenseKey(key)).toMatchObject({ ok: true, key });
        expect(parseLicenseKey(key.toLowerCase().replaceAll('-', ' '))).toMatchObject({ ok: true, key });
      }),
    );
    const keys = new Set(Array.from({ length: 1000 }, () => generateLicenseKey()));
    expect(keys.size).toBe(1000);
  });

  it('refuse every single-character mistake and every swap of neighbours before any lookup', () => {
    const key = generateLicenseKey(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const chars = key.replaceAll('-', '').slice(4).split('');
    let tried = 0;
    for (let i = 0; i < chars.length; i++) {
      for (const c of KEY_ALPHABET) {
        if (c === chars[i]) continue;
        const typo = [...chars];
        typo[i] = c;
        expect(parseLicenseKey(`FHIR${typo.join('')}`).ok, `${i}:${c}`).toBe(false);
        tried++;
      }
      if (i + 1 < chars.length && chars[i] !== chars[i + 1]) {
        const swapped = [...chars];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        expect(parseLicenseKey(`FHIR${swapped.join('')}`).ok).toBe(false);
      }
    }
    expect(tried).toBe(20 * 31);
  });

  it('say why a key is malformed, reading O as 0 and I/L as 1', () => {
    const key = generateLicenseKey(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(parseLicenseKey(key.replaceAll('0', 'O'))).toMatchObject({ ok: true, key });
    expect(parseLicenseKey('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseLicenseKey('F'.repeat(65))).toEqual({ ok: false, reason: 'too_long' });
    expect(parseLicenseKey(key.replace('FHIR', 'FHIX'))).toEqual({ ok: false, reason: 'prefix' });
    expect(parseLicenseKey(key.slice(0, -1))).toEqual({ ok: false, reason: 'length' });
    expect(parseLicenseKey(`${key.slice(0, -1)}U`)).toEqual({ ok: false, reason: 'characters' });
    expect(parseLicenseKey(`${key.slice(0, 5)}\u0410${key.slice(6)}`)).toMatchObject({ ok: false });
    expect(checkGroup('0000000000000001')).toHaveLength(4);
    expect(maskLicenseKey(key)).toBe(`FHIR-****-****-****-****-${key.slice(-4)}`);
  });
});

const now = new Date('2026-06-01T12:00:00Z');
const base: LicenseFacts = {
  status: 'ACTIVE',
  sku: 'TL-MAPPER-PR-A',
  productKey: 'TL-MAPPER',
  validUntil: new Date('2027-01-01T00:00:00Z'),
  maxMachines: 2,
  machines: [
    {
      fingerprint: 'fp-1',
      activatedAt: new Date('2026-05-01T00:00:00Z'),
      lastHeartbeatAt: new Date('2026-06-01T11:59:00Z'),
    },
  ],
  heartbeatWindowSeconds: null,
  assignedUsers: null,
  allowedDomains: [],
  allowedCountries: [],
  usage: null,
};

describe('validation codes, one table row each, in their fixed order', () => {
  const cases: [ValidationCode, LicenseFacts | undefined, Partial<Parameters<typeof validateLicense>[1]>][] =
    [
      ['VALID', base, { fingerprint: 'fp-1', sku: 'TL-MAPPER' }],
      ['INVALID_KEY_FORMAT', base, { malformedKey: true }],
      ['NOT_FOUND', undefined, {}],
      ['REVOKED', { ...base, status: 'REVOKED' }, {}],
      ['SUSPENDED', { ...base, status: 'SUSPENDED' }, {}],
      ['EXPIRED', { ...base, validUntil: new Date('2026-06-01T12:00:00Z') }, {}],
      ['PRODUCT_MISMATCH', base, { sku: 'TL-QUALITY-PR-A' }],
      ['NO_MACHINE', base, { fingerprint: 'fp-unknown' }],
      ['HEARTBEAT_DEAD', { ...base, heartbeatWindowSeconds: 30 }, { fingerprint: 'fp-1' }],
      [
        'TOO_MANY_MACHINES',
        {
          ...base,
          maxMachines: 1,
          machines: [
            ...base.machines,
            { fingerprint: 'fp-2', activatedAt: new Date('2026-05-01T00:00:00Z'), lastHeartbeatAt: null },
          ],
        },
        {},
      ],
      ['USER_NOT_ASSIGNED', { ...base, assignedUsers: ['ann@hospital.org'] }, { user: 'bob@hospital.org' }],
      ['DOMAIN_NOT_ALLOWED', { ...base, allowedDomains: ['hospital.org'] }, { user: 'eve@gmail.com' }],
      ['COUNTRY_NOT_ALLOWED', { ...base, allowedCountries: ['US', 'CA'] }, { country: 'FR' }],
      ['USAGE_LIMIT_EXCEEDED', { ...base, usage: { included: 100, used: 100, blockAbove: true } }, {}],
    ];
  it.each(cases)('%s', (code, license, scope) => {
    const r = validateLicense(license, { now, ...scope });
    expect(r).toMatchObject({ code, valid: code === 'VALID' });
    expect(r.detail.length).toBeGreaterThan(0);
  });

  it('covers every code, and the first failing check wins', () => {
    expect(new Set(cases.map(([c]) => c))).toEqual(new Set(VALIDATION_CODES));
    // Revoked and expired and the wrong product: REVOKED, the earliest check.
    const worst: LicenseFacts = { ...base, status: 'REVOKED', validUntil: new Date('2020-01-01') };
    expect(validateLicense(worst, { now, sku: 'X' }).code).toBe('REVOKED');
    // 002's ['all'] (compared by identity there, so never matched) means any country here.
    expect(validateLicense({ ...base, allowedCountries: ['all'] }, { now, country: 'FR' }).code).toBe(
      'VALID',
    );
    // Perpetual licenses never expire; a user and domain that match pass.
    expect(
      validateLicense(
        { ...base, validUntil: null, assignedUsers: ['ann@hospital.org'], allowedDomains: ['hospital.org'] },
        { now: new Date('2099-01-01'), user: ' Ann@Hospital.org ' },
      ).code,
    ).toBe('VALID');
  });
});

describe('signed license files', () => {
  const payload = {
    licenseId: 'lic_1',
    sku: 'TL-MAPPER-PR-A',
    seats: 3,
    issuedAt: '2026-06-01T00:00:00.000Z',
    expiresAt: '2026-06-08T00:00:00.000Z',
    limits: { recordsPerMonth: 100000, users: 5 },
  };
  for (const alg of ['ed25519', 'rsa-pss-sha256'] as const) {
    it(`${alg}: verify offline with the published keys; tampering, another key, an expired TTL are refused`, () => {
      const key = generateSigningKey(alg);
      const file = signFile(key, payload);
      const keys = [{ kid: key.kid, alg, publicKey: key.publicKey }];
      expect(verifyFile(file, keys, now)).toMatchObject({ ok: true, payload, kid: key.kid });
      // Flip one character of the encoded body.
      const lines = file.split('\n');
      const body = lines[1]!;
      const flipped = `${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`;
      expect(verifyFile([lines[0], flipped, ...lines.slice(2)].join('\n'), keys, now).ok).toBe(false);
      const other = generateSigningKey(alg);
      expect(verifyFile(file, [{ kid: other.kid, alg, publicKey: other.publicKey }], now)).toEqual({
        ok: false,
        reason: 'unknown_key',
      });
      // The right id with the wrong key material is a bad signature.
      expect(verifyFile(file, [{ kid: key.kid, alg, publicKey: other.publicKey }], now)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      expect(verifyFile(file, keys, new Date('2026-06-08T00:00:00Z'))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(verifyFile(file, keys, new Date('2026-05-01T00:00:00Z'))).toEqual({
        ok: false,
        reason: 'not_yet_valid',
      });
      expect(verifyFile('not a file', keys, now)).toEqual({ ok: false, reason: 'malformed' });
      expect(publicJwk(keys[0]!)).toMatchObject({ kid: key.kid, alg, use: 'sig' });
    });
  }

  it('keeps older files verifiable after a key rotation, and signs canonical bytes', () => {
    const old = generateSigningKey();
    const current = generateSigningKey();
    const published = [old, current].map((k) => ({ kid: k.kid, alg: k.alg, publicKey: k.publicKey }));
    expect(verifyFile(signFile(old, payload), published, now).ok).toBe(true);
    expect(verifyFile(signFile(current, payload), published, now).ok).toBe(true);
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
