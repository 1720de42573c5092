import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, nextIp, postForm, signedInUser } from '../accounts/test-support.ts';
import { type PublicKeyInfo, type SigningAlgorithm, verifyFile } from './index.ts';

/**
 * The customer's licenses over HTTP: the owner sees the key, machines, users
 * and a verifiable certificate and manages seats and machines; anybody else
 * gets 404 as for an unknown id; refusals are stable codes in JSON and shown
 * on the page, with nothing written.
 */

let t: TestApp;
let owner: CookieJar;
let other: CookieJar;
let ownerId: string;
let seq = 0;

const NOW = '2026-06-10T12:00:00Z';
const UNKNOWN = 'lic_01jzzzzzzzzzzzzzzzzzzzzzzz';

async function userId(email: string): Promise<string> {
  const r = await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = ${email}`.execute(t.app.ctx.db);
  return r.rows[0]!.id;
}

/** A 3-seat license of the signed-in owner, with two activated machines. */
async function ownLicense(machines = 2): Promise<{ id: string; key: string; machineIds: string[] }> {
  const issued = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email: 'owner@hospital.org',
    userId: ownerId,
    source: 'staff',
    sourceRef: `staff:account-test-${++seq}`,
    seats: 3,
  });
  const machineIds: string[] = [];
  for (let i = 0; i < machines; i++) {
    // A second apart, so "newest first" has one answer (the manual clock stands still otherwise).
    t.clock!.advance(1000);
    const r = await t.http.inject({
      method: 'POST',
      url: '/api/v1/licenses/activate',
      payload: { key: issued.key, fingerprint: `fp-${seq}-machine-${i}`, name: `Laptop ${i}` },
      remoteAddress: nextIp(),
    });
    expect(r.json()).toMatchObject({ ok: true, code: 'VALID' });
    machineIds.push(r.json().machine.id);
  }
  return { id: issued.license.id, key: issued.key, machineIds };
}

const counts = async (licenseId: string) => {
  const r = await sql<{ seats: number; machines: number; events: number }>`
    SELECT (SELECT count(*)::int FROM license_seat WHERE license_id = ${licenseId}) AS seats,
           (SELECT count(*)::int FROM license_machine WHERE license_id = ${licenseId}) AS machines,
           (SELECT count(*)::int FROM license_event WHERE license_id = ${licenseId}) AS events`.execute(
    t.app.ctx.db,
  );
  return r.rows[0]!;
};

/** The published keys, read back from the well-known document as a client would. */
async function publishedKeys(): Promise<PublicKeyInfo[]> {
  const doc = await t.http.inject({ method: 'GET', url: '/.well-known/fhiriq/keys.json' });
  return (doc.json().keys as (JsonWebKey & { kid: string; alg: SigningAlgorithm })[]).map((jwk) => ({
    kid: jwk.kid,
    alg: jwk.alg,
    publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
  }));
}

const page = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
    remoteAddress: nextIp(),
  });

beforeAll(async () => {
  t = await createTestApp({ clockAt: NOW });
  owner = await signedInUser(t, 'owner@hospital.org');
  other = await signedInUser(t, 'other@clinic.org');
  ownerId = await userId('owner@hospital.org');
});
afterAll(async () => t?.close());

describe('GET /api/v1/account/licenses', () => {
  it('lists the caller’s licenses with masked keys, and nobody else’s', async () => {
    const { id, key } = await ownLicense();
    const mine = await api(t, 'GET', '/api/v1/account/licenses', { jar: owner });
    expect(mine.statusCode).toBe(200);
    const item = mine.json().items.find((l: { id: string }) => l.id === id);
    expect(item).toMatchObject({
      sku: 'TL-MAPPER-PR-A',
      productKey: 'TL-MAPPER',
      type: 'SEAT',
      status: 'ACTIVE',
      seats: 3,
      seatsAssigned: 0,
      machineCount: 2,
      maxMachines: 3,
      maskedKey: `FHIR-****-****-****-****-${key.slice(-4)}`,
    });
    expect(item.validUntil).toMatch(/^2027-06-10T12:00/);
    expect(item.productName).not.toBe('TL-MAPPER');
    expect(mine.body).not.toContain(key);
    expect((await api(t, 'GET', '/api/v1/account/licenses', { jar: other })).json().items).toEqual([]);
    expect((await api(t, 'GET', '/api/v1/account/licenses')).statusCode).toBe(401);
  });
});

describe('GET /api/v1/account/licenses/:id', () => {
  it('answers the owner the key, machines, users, recent changes and a certificate that verifies', async () => {
    const { id, key, machineIds } = await ownLicense();
    const r = await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: owner });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const body = r.json();
    expect(body).toMatchObject({
      id,
      key,
      namedUsers: [],
      allowedDomains: [],
      transfers: { perMonth: 2, usedThisMonth: 0, remaining: 2, resetsAt: '2026-07-01T00:00:00.000Z' },
    });
    expect(body.machines.map((m: { id: string }) => m.id)).toEqual(machineIds);
    expect(body.machines[0]).toMatchObject({ name: 'Laptop 0', heartbeatDueBy: null });
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['activated', 'activated', 'issued']);

    const verified = verifyFile(body.certificate, await publishedKeys(), t.clock!.now());
    expect(verified.ok).toBe(true);
    if (verified.ok)
      expect(verified.payload).toMatchObject({
        type: 'license',
        license: { id, sku: 'TL-MAPPER-PR-A', status: 'ACTIVE', seats: 3 },
      });
    // A tampered certificate does not verify.
    const tampered = body.certificate.replace(/\n([A-Za-z0-9+/])/, (_m: string, c: string) =>
      c === 'A' ? '\nB' : '\nA',
    );
    expect(verifyFile(tampered, await publishedKeys(), t.clock!.now()).ok).toBe(false);
  });

  it('answers 404 for another customer’s license exactly as for an unknown id; 400 for a malformed one', async () => {
    const { id } = await ownLicense(0);
    const theirs = await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: other });
    const unknown = await api(t, 'GET', `/api/v1/account/licenses/${UNKNOWN}`, { jar: other });
    expect([theirs.statusCode, theirs.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect(theirs.json().error.message).toBe(unknown.json().error.message);
    expect((await api(t, 'GET', `/api/v1/account/licenses/${id}`)).statusCode).toBe(401);
    for (const bad of ['lic_123', 'FHIR-AAAA', '..%2F..%2Fetc'])
      expect((await api(t, 'GET', `/api/v1/account/licenses/${bad}`, { jar: owner })).statusCode).toBe(400);
  });
});

describe('seats over JSON', () => {
  it('assign up to the seat count, refusing the next with SEAT_LIMIT_REACHED and writing nothing', async () => {
    const { id } = await ownLicense(0);
    const url = `/api/v1/account/licenses/${id}/seats`;
    for (const email of ['Ann@Hospital.org', 'bob@hospital.org', 'cy@hospital.org']) {
      t.clock!.advance(1000);
      const r = await api(t, 'POST', url, { jar: owner, body: { email } });
      expect([r.statusCode, r.json().changed]).toEqual([200, true]);
    }
    const again = await api(t, 'POST', url, { jar: owner, body: { email: 'ann@hospital.org' } });
    expect(again.json()).toEqual({
      namedUsers: ['ann@hospital.org', 'bob@hospital.org', 'cy@hospital.org'],
      changed: false,
    });
    const before = await counts(id);
    const full = await api(t, 'POST', url, { jar: owner, body: { email: 'dee@hospital.org' } });
    expect([full.statusCode, full.json().error.code]).toEqual([409, 'SEAT_LIMIT_REACHED']);
    const cases: [unknown, number, string][] = [
      [{ email: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
      [{ email: 'x@y.org', role: 'admin' }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ email: `${'a'.repeat(250)}@x.org` }, 400, 'VALIDATION_FAILED'],
      ['{"email":', 400, 'MALFORMED_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api(t, 'POST', url, { jar: owner, body });
      expect([body, r.statusCode, r.json().error?.code]).toEqual([body, status, code]);
    }
    const theirs = await api(t, 'POST', url, { jar: other, body: { email: 'eve@clinic.org' } });
    expect(theirs.statusCode).toBe(404);
    expect(await counts(id)).toEqual(before);
  });

  it('count releases and transfers against the monthly limit, and refuse domains the license excludes', async () => {
    const { id } = await ownLicense(0);
    const base = `/api/v1/account/licenses/${id}/seats`;
    for (const email of ['ann@hospital.org', 'bob@hospital.org', 'cy@hospital.org']) {
      t.clock!.advance(1000);
      await api(t, 'POST', base, { jar: owner, body: { email } });
    }
    await t.app.modules.licensing.seats.setDomains(id, ['hospital.org'], { kind: 'cli' });

    const outside = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'ann@hospital.org', to: 'ann@gmail.com' },
    });
    expect([outside.statusCode, outside.json().error.code]).toEqual([422, 'SEAT_DOMAIN_NOT_ALLOWED']);
    const taken = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'ann@hospital.org', to: 'bob@hospital.org' },
    });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'CONFLICT']);
    const nobody = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'zed@hospital.org', to: 'dee@hospital.org' },
    });
    expect([nobody.statusCode, nobody.json().error.code]).toEqual([404, 'NOT_FOUND']);

    t.clock!.advance(1000);
    const moved = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'ann@hospital.org', to: 'dee@hospital.org' },
    });
    expect(moved.json()).toEqual({
      namedUsers: ['bob@hospital.org', 'cy@hospital.org', 'dee@hospital.org'],
      changed: true,
    });
    const released = await api(t, 'DELETE', `${base}/${encodeURIComponent('bob@hospital.org')}`, {
      jar: owner,
    });
    expect(released.json()).toEqual({ namedUsers: ['cy@hospital.org', 'dee@hospital.org'], changed: true });
    // Two transfers this month (the default policy): the third is refused until July.
    const before = await counts(id);
    const limited = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'cy@hospital.org', to: 'eve@hospital.org' },
    });
    expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'SEAT_TRANSFER_LIMIT']);
    expect(limited.json().error.message).toContain('2026-07-01');
    const release = await api(t, 'DELETE', `${base}/cy%40hospital.org`, { jar: owner });
    expect([release.statusCode, release.json().error.code]).toEqual([429, 'SEAT_TRANSFER_LIMIT']);
    expect(await counts(id)).toEqual(before);
    const detail = (await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: owner })).json();
    expect(detail.transfers).toMatchObject({ usedThisMonth: 2, remaining: 0 });
    // Someone else cannot release the owner's seats.
    expect((await api(t, 'DELETE', `${base}/cy%40hospital.org`, { jar: other })).statusCode).toBe(404);
  });
});

describe('machines over JSON', () => {
  it('mail the user a seat is given to, and the user it is taken from (a transfer mails both)', async () => {
    const { id } = await ownLicense(0);
    const base = `/api/v1/account/licenses/${id}/seats`;
    const templates = async (to: string) =>
      (
        await sql<{ template: string; text_body: string }>`
          SELECT template, text_body FROM mail_message WHERE to_address = ${to} ORDER BY created_at, id`.execute(
          t.app.ctx.db,
        )
      ).rows;
    await api(t, 'POST', base, { jar: owner, body: { email: 'mailed-ann@hospital.org' } });
    // Assigning again changes nothing and mails nothing.
    await api(t, 'POST', base, { jar: owner, body: { email: 'mailed-ann@hospital.org' } });
    const ann = await templates('mailed-ann@hospital.org');
    expect(ann.map((m) => m.template)).toEqual(['licensing.seat-assigned']);
    expect(ann[0]!.text_body).toContain('owner@hospital.org gave you a seat');
    expect(ann[0]!.text_body).not.toMatch(/FHIR(-[0-9A-Z]{4}){5}/);

    t.clock!.advance(1000);
    const moved = await api(t, 'POST', `${base}/transfer`, {
      jar: owner,
      body: { from: 'mailed-ann@hospital.org', to: 'mailed-dee@hospital.org' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await templates('mailed-ann@hospital.org')).map((m) => m.template)).toEqual([
      'licensing.seat-assigned',
      'licensing.seat-released',
    ]);
    const dee = await templates('mailed-dee@hospital.org');
    expect(dee.map((m) => m.template)).toEqual(['licensing.seat-assigned']);
    expect(dee[0]!.text_body).toContain('transferred from mailed-ann@hospital.org');
  });

  it('deactivate one machine by id, recorded on the trail; unknown or someone else’s: 404', async () => {
    const { id, machineIds } = await ownLicense(2);
    const url = (m: string) => `/api/v1/account/licenses/${id}/machines/${m}`;
    expect((await api(t, 'DELETE', url(machineIds[0]!), { jar: other })).statusCode).toBe(404);
    const r = await api(t, 'DELETE', url(machineIds[0]!), { jar: owner });
    expect(r.json()).toEqual({ machineCount: 1 });
    const again = await api(t, 'DELETE', url(machineIds[0]!), { jar: owner });
    expect([again.statusCode, again.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await api(t, 'DELETE', url('mch_bad'), { jar: owner })).statusCode).toBe(400);
    // A machine of another license is not this license's machine.
    const elsewhere = await ownLicense(1);
    expect((await api(t, 'DELETE', url(elsewhere.machineIds[0]!), { jar: owner })).statusCode).toBe(404);
    const events = await t.app.modules.licensing.licenses.events(id, { type: 'deactivated' });
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ machineId: machineIds[0], by: 'customer', userId: ownerId });
  });
});

describe('license pages', () => {
  it('list and show the owner’s license, the key only on its private page; others get 404', async () => {
    const { id, key } = await ownLicense(1);
    const list = await page('/account/licenses', owner);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/account/licenses/${id}"`);
    expect(list.body).toContain(`FHIR-****-****-****-****-${key.slice(-4)}`);
    expect(list.body).not.toContain(key);
    const one = await page(`/account/licenses/${id}`, owner);
    expect(one.statusCode).toBe(200);
    expect(one.headers['cache-control']).toBe('no-store');
    expect(one.body).toContain(`value="${key}"`);
    expect(one.body).toContain('Your software accepts this key until 2027-06-10.');
    expect(one.body).toContain('2 of 2 transfers left this month');
    expect(one.body).toContain('Laptop 0');
    expect((await page(`/account/licenses/${id}`, other)).statusCode).toBe(404);
    const anonymous = await page(`/account/licenses/${id}`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/sign-in?next=');
    const account = await page('/account', owner);
    expect(account.body).toContain('href="/account/licenses"');
  });

  it('show each usage meter of the current period as a bar, with its 80 % and 100 % state', async () => {
    const { id, key } = await ownLicense(0);
    const record = (quantity: number, n: number) =>
      t.app.modules.licensing.usage.record(
        key,
        [{ meter: 'records', quantity, idempotencyKey: `usage-page-${id}-${n}` }],
        { ip: null },
      );
    // Professional includes 100,000 records a month (block policy): nothing used yet.
    let json = (await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: owner })).json();
    expect(json.usage).toEqual({
      policy: 'block',
      meters: [
        {
          meter: 'records',
          // Monthly periods from the license's start.
          periodStart: json.validFrom,
          periodEnd: expect.stringMatching(/^2026-07-1\d/),
          included: 100_000,
          used: 0,
          remaining: 100_000,
          overage: 0,
          level: 'under',
        },
      ],
      periods: [],
    });
    await record(85_000, 1);
    json = (await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: owner })).json();
    expect(json.usage.meters[0]).toMatchObject({ used: 85_000, remaining: 15_000, level: 'warning' });
    let html = (await page(`/account/licenses/${id}`, owner)).body;
    expect(html).toContain('<h2 id="usage-heading">Usage this period</h2>');
    expect(html).toMatch(
      /<meter min="0" max="100000" low="80000" high="99999.5" optimum="0" value="85000" aria-label="Records: 85,000 of 100,000 used">/,
    );
    expect(html).toContain('85,000 of 100,000 used (85 %), 15,000 left');
    const end = json.usage.meters[0].periodEnd.slice(0, 10);
    expect(html).toContain(`period ${json.validFrom.slice(0, 10)} to ${end}`);
    expect(html).toContain('80 % of what your plan includes is used');
    // All of it: at 100 %, more is refused until the next period.
    await record(15_000, 2);
    html = (await page(`/account/licenses/${id}`, owner)).body;
    expect(html).toContain('value="100000"');
    expect(html).toContain(`100 % used: more is refused until the next period starts on ${end}.`);
    expect(
      (await api(t, 'GET', `/api/v1/account/licenses/${id}`, { jar: owner })).json().usage.meters[0].level,
    ).toBe('reached');
    // Nobody else sees it.
    expect((await page(`/account/licenses/${id}`, other)).statusCode).toBe(404);
  });

  it('assign, refuse (seat limit, domain, transfer limit) on the page, and enforce CSRF', async () => {
    const { id } = await ownLicense(0);
    const base = `/account/licenses/${id}`;
    const { token } = await csrfFrom(t, owner, base);
    const forged = await postForm(t, owner, `${base}/seats`, { email: 'ann@hospital.org' });
    expect(forged.statusCode).toBe(403);
    expect((await counts(id)).seats).toBe(0);

    for (const email of ['ann@hospital.org', 'bob@hospital.org', 'cy@hospital.org']) {
      const r = await postForm(t, owner, `${base}/seats`, { _csrf: token, email });
      expect([r.statusCode, r.headers.location]).toEqual([303, `${base}?done=assigned`]);
    }
    expect((await page(`${base}?done=assigned`, owner)).body).toContain('The seat is assigned.');
    const full = await postForm(t, owner, `${base}/seats`, { _csrf: token, email: 'dee@hospital.org' });
    expect(full.statusCode).toBe(409);
    expect(full.body).toContain('Nothing was changed');
    expect(full.body).toContain('All 3 seats are assigned.');
    expect(full.body).toContain('value="dee@hospital.org"');
    const bad = await postForm(t, owner, `${base}/seats`, { _csrf: token, email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('email: must be an email address');

    await t.app.modules.licensing.seats.setDomains(id, ['hospital.org'], { kind: 'cli' });
    const outside = await postForm(t, owner, `${base}/seats/transfer`, {
      _csrf: token,
      from: 'ann@hospital.org',
      to: 'ann@gmail.com',
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.body).toContain('This email domain may not use the license.');

    const moved = await postForm(t, owner, `${base}/seats/transfer`, {
      _csrf: token,
      from: 'ann@hospital.org',
      to: 'dee@hospital.org',
    });
    expect(moved.headers.location).toBe(`${base}?done=transferred`);
    const released = await postForm(t, owner, `${base}/seats/release`, {
      _csrf: token,
      email: 'bob@hospital.org',
    });
    expect(released.headers.location).toBe(`${base}?done=released`);
    const before = await counts(id);
    const limited = await postForm(t, owner, `${base}/seats/release`, {
      _csrf: token,
      email: 'cy@hospital.org',
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('This license allows 2 seat transfers a month');
    expect(limited.body).toContain('0 of 2 transfers left this month');
    expect(await counts(id)).toEqual(before);
    // Someone else's form post is a 404 page and changes nothing.
    const { token: theirs } = await csrfFrom(t, other, '/account/licenses');
    const foreign = await postForm(t, other, `${base}/seats`, { _csrf: theirs, email: 'x@hospital.org' });
    expect(foreign.statusCode).toBe(404);
    expect(await counts(id)).toEqual(before);
  });

  it('deactivate a machine from the page and download a certificate that verifies', async () => {
    const { id, machineIds } = await ownLicense(2);
    const base = `/account/licenses/${id}`;
    const { token, html } = await csrfFrom(t, owner, base);
    expect(html).toContain(`action="${base}/machines/${machineIds[1]}/deactivate"`);
    expect(html).toContain('aria-label="Deactivate Laptop 1"');
    const forged = await postForm(t, owner, `${base}/machines/${machineIds[1]}/deactivate`, {});
    expect(forged.statusCode).toBe(403);
    const done = await postForm(t, owner, `${base}/machines/${machineIds[1]}/deactivate`, { _csrf: token });
    expect([done.statusCode, done.headers.location]).toEqual([303, `${base}?done=deactivated`]);
    expect((await counts(id)).machines).toBe(1);
    const gone = await postForm(t, owner, `${base}/machines/${machineIds[1]}/deactivate`, { _csrf: token });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('This machine is not activated for the license.');

    const file = await page(`${base}/certificate`, owner);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="fhiriq-license-${id}.lic"`);
    expect(file.headers['cache-control']).toBe('no-store');
    const verified = verifyFile(file.body, await publishedKeys(), t.clock!.now());
    expect(verified.ok && verified.payload.license).toMatchObject({ id, status: 'ACTIVE' });
    expect((await page(`${base}/certificate`, other)).statusCode).toBe(404);
  });
});
