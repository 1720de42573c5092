import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { verifyFile } from './index.ts';

/** Machines: activation limits under concurrency, idempotent re-activation, heartbeats, signed files. */

let t: TestApp;
let ipSeq = 0;
const nextIp = () => `10.78.${(++ipSeq >> 8) & 255}.${ipSeq & 255}`;
let seq = 0;

async function issue(seats: number, sku = 'TL-MAPPER-PR-A') {
  return t.app.modules.licensing.licenses.issue({
    sku,
    email: 'it@hospital.org',
    source: 'staff',
    sourceRef: `staff:machines-${++seq}`,
    seats,
  });
}

const post = (url: string, body: Record<string, unknown>) =>
  t.http.inject({ method: 'POST', url, payload: body, remoteAddress: nextIp() });

const count = async (table: string, licenseId: string) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE license_id = ${licenseId}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T12:00:00Z' });
});
afterAll(async () => t?.close());

describe('POST /api/v1/licenses/activate', () => {
  it('100 parallel activations on a 3-machine license: exactly 3 succeed, the rest TOO_MANY_MACHINES', async () => {
    const { key, license } = await issue(3);
    expect(license.max_machines).toBe(3);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        post('/api/v1/licenses/activate', { key, fingerprint: `fingerprint-${String(i).padStart(3, '0')}` }),
      ),
    );
    const codes = answers.map((r) => r.json().code);
    expect(codes.filter((c) => c === 'VALID')).toHaveLength(3);
    expect(codes.filter((c) => c === 'TOO_MANY_MACHINES')).toHaveLength(97);
    expect(await count('license_machine', license.id)).toBe(3);
    // Validation agrees: the three are activated, another fingerprint is not.
    const ok = answers.find((r) => r.json().ok)!.json();
    expect(
      (await post('/api/v1/licenses/validate', { key, fingerprint: ok.machine.fingerprint })).json().code,
    ).toBe('VALID');
  });

  it('re-activating a fingerprint answers the same machine; deactivating frees its place', async () => {
    const { key, license } = await issue(1);
    const first = (
      await post('/api/v1/licenses/activate', {
        key,
        fingerprint: 'laptop-0001',
        name: 'Ann’s laptop',
        nonce: 'nonce-0001',
      })
    ).json();
    expect(first).toMatchObject({ ok: true, code: 'VALID', created: true, meta: { nonce: 'nonce-0001' } });
    const again = (await post('/api/v1/licenses/activate', { key, fingerprint: 'laptop-0001' })).json();
    expect(again).toMatchObject({
      ok: true,
      created: false,
      machine: { id: first.machine.id, name: 'Ann’s laptop' },
    });
    expect(
      (await post('/api/v1/licenses/activate', { key, fingerprint: 'desktop-0002' })).json(),
    ).toMatchObject({
      ok: false,
      code: 'TOO_MANY_MACHINES',
      machineFile: null,
    });
    const off = (await post('/api/v1/licenses/deactivate', { key, fingerprint: 'laptop-0001' })).json();
    expect(off).toMatchObject({ ok: true, code: 'VALID', license: { machines: 0 } });
    expect((await post('/api/v1/licenses/deactivate', { key, fingerprint: 'laptop-0001' })).json().code).toBe(
      'NO_MACHINE',
    );
    expect((await post('/api/v1/licenses/activate', { key, fingerprint: 'desktop-0002' })).json().ok).toBe(
      true,
    );
    const trail = await t.app.modules.licensing.licenses.events(license.id);
    expect(trail.map((e) => [e.type, e.code])).toEqual(
      expect.arrayContaining([
        ['activated', null],
        ['activation-refused', 'TOO_MANY_MACHINES'],
        ['deactivated', null],
      ]),
    );
  });

  it('answers a machine file that verifies offline with the published keys, bound to the fingerprint', async () => {
    const { key, license } = await issue(2);
    const r = await post('/api/v1/licenses/activate', {
      key,
      fingerprint: 'server-0001',
      platform: 'linux-x64',
    });
    expect(r.headers['fhiriq-signature']).toMatch(/^keyid="/);
    const { machineFile } = r.json();
    const keys = await t.app.modules.licensing.signingKeys.published();
    const v = verifyFile(machineFile, keys, t.clock!.now());
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.payload).toMatchObject({
      type: 'machine',
      license: { id: license.id, sku: 'TL-MAPPER-PR-A', seats: 2, maxMachines: 2, status: 'ACTIVE' },
      machine: { fingerprint: 'server-0001' },
      issuedAt: '2026-06-01T12:00:00.000Z',
      expiresAt: '2026-06-15T12:00:00.000Z',
    });
    // Fourteen days later the file no longer verifies (the TTL): the client must check in.
    expect(verifyFile(machineFile, keys, new Date('2026-06-15T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a revoked, suspended or expired license, a wrong product and an unassigned user', async () => {
    const svc = t.app.modules.licensing.licenses;
    const { key, license } = await issue(2);
    expect(
      (await post('/api/v1/licenses/activate', { key, fingerprint: 'fp-product', sku: 'TL-QUALITY' })).json()
        .code,
    ).toBe('PRODUCT_MISMATCH');
    expect(
      (
        await post('/api/v1/licenses/activate', {
          key,
          fingerprint: 'fp-user-0001',
          user: 'ann@hospital.org',
        })
      ).json().code,
    ).toBe('USER_NOT_ASSIGNED');
    await t.app.modules.licensing.seats.assign(license.id, 'ann@hospital.org', { kind: 'cli' });
    expect(
      (
        await post('/api/v1/licenses/activate', {
          key,
          fingerprint: 'fp-user-0001',
          user: 'Ann@Hospital.org',
        })
      ).json().ok,
    ).toBe(true);
    await svc.setStatus(license.id, 'SUSPENDED', { kind: 'cli' }, 'test');
    expect((await post('/api/v1/licenses/activate', { key, fingerprint: 'fp-s-0001' })).json().code).toBe(
      'SUSPENDED',
    );
    expect((await post('/api/v1/licenses/validate', { key })).json().code).toBe('SUSPENDED');
    await svc.setStatus(license.id, 'ACTIVE', { kind: 'cli' });
    expect((await post('/api/v1/licenses/validate', { key })).json().code).toBe('VALID');
    await svc.setStatus(license.id, 'REVOKED', { kind: 'cli' }, 'refund');
    expect((await post('/api/v1/licenses/activate', { key, fingerprint: 'fp-r-0001' })).json().code).toBe(
      'REVOKED',
    );
    await expect(svc.setStatus(license.id, 'ACTIVE', { kind: 'cli' })).rejects.toMatchObject({
      code: 'LICENSE_STATE_CONFLICT',
    });
    for (const bad of [
      { key, fingerprint: 'short' },
      { key, fingerprint: 'fіngerprint-cyrillic' },
      { key, fingerprint: 'x'.repeat(129) },
      { key },
      { key, fingerprint: 'fp-bad-name', name: 'a\u0000b' },
    ]) {
      const r = await post('/api/v1/licenses/activate', bad);
      expect([r.statusCode, r.json().error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(
      (
        await post('/api/v1/licenses/activate', {
          key: 'FHIR-0000-0000-0000-0000-0000',
          fingerprint: 'fp-fmt-0001',
        })
      ).json().code,
    ).toBe('INVALID_KEY_FORMAT');
  });
});

describe('signing per product', () => {
  it('a product whose policy asks for RSA-PSS gets RSA-signed files from a key generated once and published', async () => {
    const svc = t.app.modules.licensing.licenses;
    await svc.setPolicy('TL-BUILDER', { signingAlg: 'rsa-pss-sha256' }, { kind: 'cli' });
    const before = (await t.app.modules.licensing.signingKeys.published()).length;
    const files: string[] = [];
    for (const n of [1, 2]) {
      const { key } = await svc.issue({
        sku: 'TL-BUILDER-PR-A',
        email: 'dev@hospital.org',
        source: 'staff',
        sourceRef: `staff:rsa-${n}`,
      });
      files.push(
        (await post('/api/v1/licenses/activate', { key, fingerprint: `rsa-machine-${n}` })).json()
          .machineFile,
      );
    }
    const keys = await t.app.modules.licensing.signingKeys.published();
    expect(keys).toHaveLength(before + 1);
    const rsa = keys.find((k) => k.alg === 'rsa-pss-sha256')!;
    for (const file of files) {
      const v = verifyFile(file, keys, t.clock!.now());
      expect(v).toMatchObject({ ok: true, kid: rsa.kid });
    }
    // Other products keep Ed25519.
    const { key } = await issue(1);
    const other = (await post('/api/v1/licenses/activate', { key, fingerprint: 'ed-machine-1' })).json()
      .machineFile;
    expect(verifyFile(other, keys, t.clock!.now())).toMatchObject({ ok: true });
    expect((verifyFile(other, keys, t.clock!.now()) as { kid: string }).kid).not.toBe(rsa.kid);
  });
});

describe('floating licenses (a product policy with a heartbeat window)', () => {
  it('machines that stop beating stop counting, and their next heartbeat answers HEARTBEAT_DEAD', async () => {
    const svc = t.app.modules.licensing.licenses;
    await svc.setPolicy('TL-ANALYTICS', { heartbeatWindowSeconds: 600 }, { kind: 'cli' });
    const { key, license } = await svc.issue({
      sku: 'TL-ANALYTICS-ST-M',
      email: 'it@hospital.org',
      source: 'staff',
      sourceRef: 'staff:floating',
    });
    expect(license.heartbeat_window_seconds).toBe(600);
    const a = (await post('/api/v1/licenses/activate', { key, fingerprint: 'float-a-0001' })).json();
    expect(a.machine.heartbeatDueBy).toBe('2026-06-01T12:10:00.000Z');
    expect((await post('/api/v1/licenses/activate', { key, fingerprint: 'float-b-0001' })).json().code).toBe(
      'TOO_MANY_MACHINES',
    );
    t.clock!.set('2026-06-01T12:09:00Z');
    expect(
      (await post('/api/v1/licenses/heartbeat', { key, fingerprint: 'float-a-0001' })).json(),
    ).toMatchObject({
      ok: true,
      machine: { heartbeatDueBy: '2026-06-01T12:19:00.000Z' },
    });
    t.clock!.set('2026-06-01T12:20:00Z');
    expect((await post('/api/v1/licenses/validate', { key, fingerprint: 'float-a-0001' })).json().code).toBe(
      'HEARTBEAT_DEAD',
    );
    // The dead machine no longer holds the place.
    expect((await post('/api/v1/licenses/activate', { key, fingerprint: 'float-b-0001' })).json().ok).toBe(
      true,
    );
    expect((await post('/api/v1/licenses/heartbeat', { key, fingerprint: 'float-a-0001' })).json().code).toBe(
      'NO_MACHINE',
    );
    const trail = await svc.events(license.id, { type: 'machine-released' });
    expect(trail).toHaveLength(1);
    t.clock!.set('2026-06-01T12:00:00Z');
  });
});

describe('seats', () => {
  it('50 parallel assignments on 5 seats: exactly 5; transfers are limited to 2 a month for customers', async () => {
    const { license } = await issue(5);
    const seats = t.app.modules.licensing.seats;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        seats.assign(license.id, `user${i}@hospital.org`, { kind: 'cli' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(new Set(refused.map((r) => (r.reason as { code: string }).code))).toEqual(
      new Set(['SEAT_LIMIT_REACHED']),
    );
    expect(await count('license_seat', license.id)).toBe(5);
    const holders = await t.app.modules.licensing.licenses.seatsOf(license.id);
    const customer = { kind: 'customer' as const, userId: 'usr_1', email: 'admin@hospital.org' };
    await seats.transfer(license.id, holders[0]!, 'new1@hospital.org', customer);
    await seats.release(license.id, holders[1]!, customer);
    await expect(seats.release(license.id, holders[2]!, customer)).rejects.toMatchObject({
      code: 'SEAT_TRANSFER_LIMIT',
    });
    // Staff approve exceptions; next month the customer may again.
    await seats.release(license.id, holders[2]!, { kind: 'cli' });
    t.clock!.set('2026-07-01T00:00:00Z');
    await seats.release(license.id, holders[3]!, customer);
    t.clock!.set('2026-06-01T12:00:00Z');
    expect(await count('license_seat', license.id)).toBe(2);
  });

  it('allowed domains restrict seats and validation', async () => {
    const { key, license } = await issue(3);
    const seats = t.app.modules.licensing.seats;
    await seats.setDomains(license.id, ['Hospital.org'], { kind: 'cli' });
    await expect(seats.assign(license.id, 'eve@gmail.com', { kind: 'cli' })).rejects.toMatchObject({
      code: 'SEAT_DOMAIN_NOT_ALLOWED',
    });
    await seats.assign(license.id, 'bob@hospital.org', { kind: 'cli' });
    expect((await post('/api/v1/licenses/validate', { key, user: 'bob@hospital.org' })).json().code).toBe(
      'VALID',
    );
    expect((await post('/api/v1/licenses/validate', { key, user: 'eve@gmail.com' })).json().code).toBe(
      'USER_NOT_ASSIGNED',
    );
    await expect(seats.setDomains(license.id, ['not a domain'], { kind: 'cli' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // Countries (organization licenses in 002; any license here): empty means anywhere.
    expect((await post('/api/v1/licenses/validate', { key, country: 'FR' })).json().code).toBe('VALID');
    await seats.setCountries(license.id, ['us', 'CA'], { kind: 'cli' });
    expect((await post('/api/v1/licenses/validate', { key, country: 'FR' })).json().code).toBe(
      'COUNTRY_NOT_ALLOWED',
    );
    expect((await post('/api/v1/licenses/validate', { key, country: 'US' })).json().code).toBe('VALID');
    expect((await post('/api/v1/licenses/validate', { key, country: 'usa' })).statusCode).toBe(400);
  });
});

describe('lifecycle', () => {
  it('extend reinstates an expired term; fewer seats release the latest users; every move is on the trail and staff ones audited', async () => {
    const svc = t.app.modules.licensing.licenses;
    const { key, license } = await issue(3, 'TL-MAPPER-PR-M');
    for (const u of ['a@x.org', 'b@x.org', 'c@x.org'])
      await t.app.modules.licensing.seats.assign(license.id, u, { kind: 'cli' });
    await svc.setStatus(license.id, 'EXPIRED', { kind: 'system', reason: 'subscription ended' });
    await expect(svc.setStatus(license.id, 'ACTIVE', { kind: 'cli' })).resolves.toMatchObject({
      changed: true,
    });
    t.clock!.set('2026-08-01T00:00:00Z');
    expect((await post('/api/v1/licenses/validate', { key })).json().code).toBe('EXPIRED');
    await expect(
      svc.extend(license.id, new Date('2026-09-01T00:00:00Z'), { kind: 'cli' }),
    ).resolves.toMatchObject({
      changed: true,
    });
    expect((await post('/api/v1/licenses/validate', { key })).json().code).toBe('VALID');
    const again = await svc.extend(license.id, new Date('2026-09-01T00:00:00Z'), { kind: 'cli' });
    expect(again.changed).toBe(false);
    const changed = await svc.changeSeats(
      license.id,
      { seats: 1, sku: 'TL-MAPPER-ST-M' },
      { kind: 'system', reason: 'plan' },
    );
    expect(changed.license).toMatchObject({ seats: 1, sku: 'TL-MAPPER-ST-M', max_machines: 1 });
    expect(await svc.seatsOf(license.id)).toEqual(['a@x.org']);
    await expect(
      svc.changeSeats(license.id, { seats: 1, sku: 'TL-QUALITY-ST-M' }, { kind: 'cli' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    t.clock!.set('2026-06-01T12:00:00Z');
    const types = (await svc.events(license.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['issued', 'expired', 'reinstated', 'extended', 'seats-changed']),
    );
    const audit = (
      await sql<{ action: string }>`SELECT action FROM audit_event WHERE target_id = ${license.id}`.execute(
        t.app.ctx.db,
      )
    ).rows.map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['license.reinstated', 'license.extend']));
    // The system's moves are on the license's trail, not in the staff audit log.
    expect(audit).not.toContain('license.expired');
  });
});
