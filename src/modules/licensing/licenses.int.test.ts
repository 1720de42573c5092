import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { verifyBytes } from './index.ts';

/** Issuing licenses and the public validation route: codes, signed answers, bad input, limits. */

let t: TestApp;
let key: string;
let ipSeq = 0;
const nextIp = () => `10.77.${(++ipSeq >> 8) & 255}.${ipSeq & 255}`;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T12:00:00Z' });
  const issued = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email: 'Buyer@Hospital.org',
    source: 'staff',
    sourceRef: 'staff:test-1',
  });
  key = issued.key;
  expect(issued.created).toBe(true);
});
afterAll(async () => t?.close());

const validate = (body: unknown, ip = nextIp()) =>
  t.http.inject({
    method: 'POST',
    url: '/api/v1/licenses/validate',
    payload: body as object,
    remoteAddress: ip,
  });

describe('issuing', () => {
  it('gives a 002-format key once per operation, stored only as a keyed hash and encrypted', async () => {
    expect(key).toMatch(/^FHIR(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    const again = await t.app.modules.licensing.licenses.issue({
      sku: 'TL-MAPPER-PR-A',
      email: 'buyer@hospital.org',
      source: 'staff',
      sourceRef: 'staff:test-1',
    });
    expect(again).toMatchObject({ created: false, key });
    const rows = (
      await sql<{ key_hash: string; key_enc: string; valid_until: Date; type: string }>`
        SELECT key_hash, key_enc, valid_until, type FROM license`.execute(t.app.ctx.db)
    ).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_enc).not.toContain(key.slice(5, 9));
    expect(rows[0]!.key_hash).not.toContain(key.slice(5, 9));
    expect(rows[0]!.type).toBe('SEAT');
    // An annual SKU is valid for a year.
    expect(new Date(rows[0]!.valid_until).toISOString()).toBe('2027-06-01T12:00:00.000Z');
    await expect(
      t.app.modules.licensing.licenses.issue({
        sku: 'TR-FHIR101-SP-P',
        email: 'x@y.org',
        source: 'staff',
        sourceRef: 's2',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('POST /api/v1/licenses/validate', () => {
  it('may be called from a browser app on any origin (CORS, no cookies), with the signature header exposed', async () => {
    const pre = await t.http.inject({
      method: 'OPTIONS',
      url: '/api/v1/licenses/validate',
      headers: { origin: 'https://smart-app.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type');
    const r = await t.http.inject({
      method: 'POST',
      url: '/api/v1/licenses/validate',
      headers: { origin: 'https://smart-app.example' },
      payload: { key },
      remoteAddress: nextIp(),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-expose-headers']).toContain('fhiriq-signature');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers VALID with the license, signed over the exact body, the nonce echoed', async () => {
    const r = await validate({ key: key.toLowerCase(), sku: 'TL-MAPPER', nonce: 'nonce-123456' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      valid: true,
      code: 'VALID',
      license: { sku: 'TL-MAPPER-PR-A', status: 'ACTIVE', seats: 1, maxMachines: 1, machines: 0 },
      meta: { nonce: 'nonce-123456', ts: '2026-06-01T12:00:00.000Z' },
    });
    const header = String(r.headers['fhiriq-signature']);
    const [, kid, alg, sig] = /keyid="([^"]+)", algorithm="([^"]+)", signature="([^"]+)"/.exec(header) ?? [];
    const published = await t.app.modules.licensing.signingKeys.published();
    const pub = published.find((k) => k.kid === kid && k.alg === alg)!;
    expect(verifyBytes(pub, Buffer.from(r.body, 'utf8'), Buffer.from(sig!, 'base64url'))).toBe(true);
    // One changed byte and the signature no longer holds.
    expect(
      verifyBytes(pub, Buffer.from(r.body.replace('true', 'fals'), 'utf8'), Buffer.from(sig!, 'base64url')),
    ).toBe(false);
  });

  it('answers the stable codes, recording each validation with its code (never the key)', async () => {
    const codes = async (body: Record<string, unknown>) => (await validate(body)).json().code;
    expect(await codes({ key: 'FHIR-0000-0000-0000-0000-0000' })).toBe('INVALID_KEY_FORMAT');
    const unknownButWellFormed = (await import('./domain/license-key.ts')).generateLicenseKey();
    expect(await codes({ key: unknownButWellFormed })).toBe('NOT_FOUND');
    expect(await codes({ key, sku: 'TL-QUALITY-PR-A' })).toBe('PRODUCT_MISMATCH');
    expect(await codes({ key, fingerprint: 'machine-fingerprint-1' })).toBe('NO_MACHINE');
    await t.app.modules.licensing.licenses.trail.flush();
    const events = (
      await sql<{
        code: string;
        detail: string;
      }>`SELECT code, detail::text AS detail FROM license_event WHERE type = 'validated'`.execute(
        t.app.ctx.db,
      )
    ).rows;
    expect(events.map((e) => e.code)).toEqual(
      expect.arrayContaining(['VALID', 'PRODUCT_MISMATCH', 'NO_MACHINE']),
    );
    expect(JSON.stringify(events)).not.toContain(key);
  });

  it('records a burst of identical validations as one trail row with its count', async () => {
    const { key: burstKey, license } = await t.app.modules.licensing.licenses.issue({
      sku: 'TL-MAPPER-PR-A',
      email: 'burst@hospital.org',
      source: 'staff',
      sourceRef: 'test:burst',
    });
    await t.app.modules.licensing.licenses.trail.flush();
    const ip = nextIp();
    for (let i = 0; i < 7; i++) expect((await validate({ key: burstKey }, ip)).json().code).toBe('VALID');
    expect((await validate({ key: burstKey, sku: 'TL-QUALITY-PR-A' }, ip)).json().code).toBe(
      'PRODUCT_MISMATCH',
    );
    await t.app.modules.licensing.licenses.trail.flush();
    const rows = (
      await sql<{ code: string; detail: Record<string, unknown> }>`
        SELECT code, detail FROM license_event
        WHERE license_id = ${license.id} AND type = 'validated' ORDER BY code DESC`.execute(t.app.ctx.db)
    ).rows;
    expect(rows.map((r) => [r.code, r.detail.count ?? 1])).toEqual([
      ['VALID', 7],
      ['PRODUCT_MISMATCH', 1],
    ]);
    expect(rows[0]!.detail.lastAt).toEqual(expect.any(String));
  });

  it('never answers from memory what a change made since: a deactivated machine, a suspension, a revocation', async () => {
    const { licenses, machines } = t.app.modules.licensing;
    const { key: k, license } = await licenses.issue({
      sku: 'TL-MAPPER-PR-A',
      email: 'cache@hospital.org',
      source: 'staff',
      sourceRef: 'test:cache',
    });
    const fingerprint = 'cache-machine-0001';
    const code = async () => (await validate({ key: k, fingerprint })).json().code;
    expect(await code()).toBe('NO_MACHINE');
    await machines.activate(k, { fingerprint }, { ip: null });
    expect(await code()).toBe('VALID');
    expect(await code()).toBe('VALID');
    await machines.deactivate(k, fingerprint, { ip: null });
    expect(await code()).toBe('NO_MACHINE');
    await machines.activate(k, { fingerprint }, { ip: null });
    expect(await code()).toBe('VALID');
    await licenses.setStatus(license.id, 'SUSPENDED', { kind: 'cli' });
    expect(await code()).toBe('SUSPENDED');
    await licenses.setStatus(license.id, 'ACTIVE', { kind: 'cli' });
    expect(await code()).toBe('VALID');
    // Validations racing with the revocation: once it has returned, none answers VALID.
    const racing = Array.from({ length: 20 }, () => code());
    await licenses.setStatus(license.id, 'REVOKED', { kind: 'cli' });
    await Promise.all(racing);
    const after = await Promise.all(Array.from({ length: 20 }, () => code()));
    expect(new Set(after)).toEqual(new Set(['REVOKED']));
  });

  it('refuses bad input with a code and writes nothing', async () => {
    const count = async () => {
      await t.app.modules.licensing.licenses.trail.flush();
      return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM license_event`.execute(t.app.ctx.db))
        .rows[0]!.n;
    };
    const before = await count();
    for (const body of [
      {},
      { key: '' },
      { key: 'x'.repeat(65) },
      { key, fingerprint: 'short' },
      { key, fingerprint: 'fіngerprint-with-cyrillic-і' },
      { key, fingerprint: 'x'.repeat(129) },
      { key, sku: 'tl mapper' },
      { key, extra: true },
      { key, nonce: 'n' },
    ]) {
      const r = await validate(body);
      expect([JSON.stringify(body).slice(0, 60), r.statusCode, r.json().error?.code]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
        'VALIDATION_FAILED',
      ]);
    }
    expect(await count()).toBe(before);
  });

  it('expires with its term', async () => {
    t.clock!.set('2027-06-01T12:00:00Z');
    expect((await validate({ key })).json()).toMatchObject({ valid: false, code: 'EXPIRED' });
    t.clock!.set('2026-06-01T12:00:00Z');
  });

  it('limits one key to LICENSE_RATE_LIMIT_PER_KEY (300) validations a minute, from any number of addresses', async () => {
    const perKey = t.app.ctx.config.licenseRateLimit.perKey;
    expect(perKey).toBe(300);
    let limited: Awaited<ReturnType<typeof validate>> | undefined;
    for (let i = 0; i <= perKey && !limited; i++) {
      const r = await validate({ key });
      if (r.statusCode === 429) limited = r;
    }
    expect(limited?.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
  });
});
