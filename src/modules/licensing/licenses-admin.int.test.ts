import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, nextIp, postForm } from '../accounts/test-support.ts';
import { call, staffJars, type Who } from '../catalog/test-support.ts';

/**
 * The staff console for licenses: who may read and change, search by email,
 * id and full key (by its hash), the lifecycle actions through the services
 * (on the trail and in the audit log), the trail's paging, and the pages
 * with their CSRF-protected forms.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let lic: { id: string; key: string };
let other: { id: string; key: string };
let seq = 0;

async function issue(email: string, seats = 2) {
  t.clock!.advance(1000);
  const r = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email,
    source: 'staff',
    sourceRef: `staff:admin-test-${++seq}`,
    seats,
  });
  return { id: r.license.id, key: r.key };
}

const post = (path: string, body: unknown, jar = jars.admin) => api(t, 'POST', path, { jar, body });
const audits = async (action: string) =>
  (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE action = ${action}`.execute(
      t.app.ctx.db,
    )
  ).rows[0]!.n;
const eventCount = async (id: string) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM license_event WHERE license_id = ${id}`.execute(t.app.ctx.db)
  ).rows[0]!.n;
const page = (url: string, jar: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', cookie: jar.header() },
    remoteAddress: nextIp(),
  });
const validate = (body: Record<string, unknown>) =>
  t.http.inject({ method: 'POST', url: '/api/v1/licenses/validate', payload: body, remoteAddress: nextIp() });

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-10T12:00:00Z' });
  jars = await staffJars(t, 'lic');
  lic = await issue('Buyer@Hospital.org', 3);
  other = await issue('someone@clinic.org');
  await t.app.modules.licensing.seats.assign(other.id, 'named.user@clinic.org', { kind: 'cli' });
});
afterAll(async () => t?.close());

describe('permissions', () => {
  it('let support read and only admins change; customers get 403 and anonymous callers 401', async () => {
    const list = '/api/v1/admin/licenses';
    expect((await api(t, 'GET', list)).statusCode).toBe(401);
    expect((await api(t, 'GET', list, { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'GET', `${list}/${lic.id}`, { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'GET', list, { jar: jars.support })).statusCode).toBe(200);
    expect((await api(t, 'GET', `${list}/${lic.id}/events`, { jar: jars.support })).statusCode).toBe(200);
    const before = await eventCount(lic.id);
    for (const who of ['customer', 'support'] as const) {
      const r = await post(`${list}/${lic.id}/suspend`, { reason: 'fraud check' }, jars[who]);
      expect([who, r.statusCode]).toEqual([who, 403]);
      const put = await call(t, 'PUT', `${list}/${lic.id}/domains`, {
        jar: jars[who],
        body: { domains: ['x.org'] },
      });
      expect(put.statusCode).toBe(403);
    }
    expect(await eventCount(lic.id)).toBe(before);
    expect((await page('/admin/licenses', jars.customer)).statusCode).toBe(403);
    expect((await page(`/admin/licenses/${lic.id}`, jars.customer)).statusCode).toBe(403);
    // Support sees the page without the forms.
    const support = await page(`/admin/licenses/${lic.id}`, jars.support);
    expect(support.statusCode).toBe(200);
    expect(support.body).toContain('buyer@hospital.org');
    expect(support.body).not.toContain('Suspend the license');
    const admin = await page('/admin', jars.admin);
    expect(admin.body).toContain('href="/admin/licenses"');
  });
});

describe('search', () => {
  const search = async (query: string, jar = jars.support) => {
    const r = await api(t, 'GET', `/api/v1/admin/licenses?${query}`, { jar });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      items: { id: string; email: string; maskedKey: string }[];
      nextCursor: string | null;
    };
  };
  const ids = async (query: string) => (await search(query)).items.map((i) => i.id);

  it('finds by part of the owner’s or a named user’s email, by id, and by the full key only', async () => {
    expect(await ids('q=HOSPITAL.org')).toEqual([lic.id]);
    expect(await ids('q=named.user')).toEqual([other.id]);
    expect(await ids(`q=${lic.id}`)).toEqual([lic.id]);
    expect(await ids(`q=${lic.key}`)).toEqual([lic.id]);
    // Typed loosely (lower case, no dashes): still the key, found by its hash.
    expect(await ids(`q=${encodeURIComponent(lic.key.toLowerCase().replace(/-/g, ' '))}`)).toEqual([lic.id]);
    // Parts of a key match nothing: keys are never compared as text.
    for (const part of [
      lic.key.slice(0, 14),
      lic.key.slice(-4),
      `FHIR-****-****-****-****-${lic.key.slice(-4)}`,
    ])
      expect(await ids(`q=${encodeURIComponent(part)}`)).toEqual([]);
    // LIKE wildcards are searched for literally.
    expect(await ids('q=%25')).toEqual([]);
    expect(await ids('q=_')).toEqual([]);
    const found = await search(`q=${lic.key}`);
    expect(found.items[0]!.maskedKey).toBe(`FHIR-****-****-****-****-${lic.key.slice(-4)}`);
    expect(JSON.stringify(found)).not.toContain(lic.key);
  });

  it('filters by status and pages with a cursor, newest first; bad queries are 400', async () => {
    const all = await ids('limit=200');
    expect(all.slice(0, 2)).toEqual([other.id, lic.id]);
    const first = await search('limit=1');
    expect(first.items.map((i) => i.id)).toEqual([all[0]]);
    const second = await search(`limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.id)).toEqual([all[1]]);
    expect(await ids('status=REVOKED')).not.toContain(lic.id);
    for (const bad of ['status=gone', 'limit=0', 'limit=1000', 'cursor=abc', 'x=1', `q=${'a'.repeat(300)}`])
      expect((await api(t, 'GET', `/api/v1/admin/licenses?${bad}`, { jar: jars.support })).statusCode).toBe(
        400,
      );
  });

  it('answers one license with machines, users and policy, the key masked', async () => {
    const r = await api(t, 'GET', `/api/v1/admin/licenses/${other.id}`, { jar: jars.support });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      id: other.id,
      email: 'someone@clinic.org',
      namedUsers: ['named.user@clinic.org'],
      machines: [],
      source: 'staff',
      policy: { productKey: 'TL-MAPPER', machinesPerSeat: 1, transfersPerMonth: 2, signingAlg: null },
    });
    expect(r.body).not.toContain(other.key);
    const unknown = await api(t, 'GET', '/api/v1/admin/licenses/lic_01jzzzzzzzzzzzzzzzzzzzzzzz', {
      jar: jars.support,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('actions', () => {
  it('suspend, reinstate and revoke with a reason: on the trail and in the audit log; refusals write nothing', async () => {
    const base = `/api/v1/admin/licenses/${lic.id}`;
    const noReason = [{}, { reason: 'x' }, { reason: '     ' }, { reason: 'fine', extra: 1 }];
    for (const body of noReason) {
      const r = await post(`${base}/suspend`, body);
      expect([body, r.statusCode, r.json().error.code]).toEqual([body, 400, 'VALIDATION_FAILED']);
    }
    expect(await audits('license.suspended')).toBe(0);

    const suspended = await post(`${base}/suspend`, { reason: 'Chargeback under review' });
    expect(suspended.json()).toMatchObject({
      changed: true,
      license: { status: 'SUSPENDED', statusReason: 'Chargeback under review' },
    });
    expect((await post(`${base}/suspend`, { reason: 'again please' })).json().changed).toBe(false);
    expect(await audits('license.suspended')).toBe(1);
    expect((await validate({ key: lic.key })).json().code).toBe('SUSPENDED');

    const reinstated = await post(`${base}/reinstate`, { reason: 'Chargeback won' });
    expect(reinstated.json().license).toMatchObject({ status: 'ACTIVE', statusReason: null });
    const audit = await sql<{ actor_email: string; after: { status: string; reason: string } }>`
      SELECT actor_email, after FROM audit_event WHERE action = 'license.reinstated'`.execute(t.app.ctx.db);
    expect(audit.rows).toEqual([
      { actor_email: 'lic-admin@example.com', after: { status: 'ACTIVE', reason: 'Chargeback won' } },
    ]);

    const trail = await api(t, 'GET', `${base}/events?type=suspended`, { jar: jars.support });
    expect(trail.json().items).toHaveLength(1);
    expect(trail.json().items[0]).toMatchObject({
      type: 'suspended',
      detail: { by: 'staff', staff: 'lic-admin@example.com', note: 'Chargeback under review' },
    });

    const revoked = await issue('revoke-me@hospital.org');
    const rbase = `/api/v1/admin/licenses/${revoked.id}`;
    expect((await post(`${rbase}/revoke`, { reason: 'Refunded in full' })).json().license.status).toBe(
      'REVOKED',
    );
    const before = await eventCount(revoked.id);
    for (const action of ['reinstate', 'suspend']) {
      const r = await post(`${rbase}/${action}`, { reason: 'try to undo' });
      expect([r.statusCode, r.json().error.code]).toEqual([409, 'LICENSE_STATE_CONFLICT']);
    }
    const ext = await post(`${rbase}/extend`, { validUntil: null });
    expect([ext.statusCode, ext.json().error.code]).toEqual([409, 'LICENSE_STATE_CONFLICT']);
    expect(await eventCount(revoked.id)).toBe(before);
    expect(await audits('license.revoked')).toBe(1);
    const missing = await post('/api/v1/admin/licenses/lic_01jzzzzzzzzzzzzzzzzzzzzzzz/suspend', {
      reason: 'nobody',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('extend, reset activations, and restrict domains and countries', async () => {
    const l = await issue('ext@hospital.org');
    const base = `/api/v1/admin/licenses/${l.id}`;
    const extended = await post(`${base}/extend`, { validUntil: '2028-01-31T23:59:59Z', reason: 'goodwill' });
    expect(extended.json()).toMatchObject({
      changed: true,
      license: { validUntil: '2028-01-31T23:59:59.000Z' },
    });
    expect((await post(`${base}/extend`, { validUntil: null })).json().license.validUntil).toBeNull();
    expect((await post(`${base}/extend`, { validUntil: 'tomorrow' })).statusCode).toBe(400);
    expect((await post(`${base}/extend`, {})).statusCode).toBe(400);
    expect(await audits('license.extend')).toBe(2);

    const activate = await t.http.inject({
      method: 'POST',
      url: '/api/v1/licenses/activate',
      payload: { key: l.key, fingerprint: 'fp-reset-machine-1' },
      remoteAddress: nextIp(),
    });
    expect(activate.json().ok).toBe(true);
    expect((await post(`${base}/reset-activations`, { reason: 'new laptop' })).json()).toEqual({
      released: 1,
    });
    expect((await post(`${base}/reset-activations`, {})).json()).toEqual({ released: 0 });

    const domains = await call(t, 'PUT', `${base}/domains`, {
      jar: jars.admin,
      body: { domains: ['Hospital.org', 'clinic.org'] },
    });
    expect(domains.json()).toEqual({ allowedDomains: ['hospital.org', 'clinic.org'] });
    const badDomain = await call(t, 'PUT', `${base}/domains`, {
      jar: jars.admin,
      body: { domains: ['not a domain'] },
    });
    expect([badDomain.statusCode, badDomain.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const countries = await call(t, 'PUT', `${base}/countries`, {
      jar: jars.admin,
      body: { countries: ['us', 'CA'] },
    });
    expect(countries.json()).toEqual({ allowedCountries: ['US', 'CA'] });
    expect(await audits('license.allowed_domains')).toBe(1);
    expect(await audits('license.allowed_countries')).toBe(1);
  });

  it('read and change a licensed product’s policy (audited); unknown products are 404', async () => {
    const url = '/api/v1/admin/license-policies/TL-MAPPER';
    const read = await api(t, 'GET', url, { jar: jars.support });
    expect(read.json()).toEqual({
      productKey: 'TL-MAPPER',
      machinesPerSeat: 1,
      heartbeatWindowSeconds: null,
      machineFileTtlSeconds: 14 * 86_400,
      transfersPerMonth: 2,
      signingAlg: null,
    });
    expect(
      (await call(t, 'PUT', url, { jar: jars.support, body: { transfersPerMonth: 5 } })).statusCode,
    ).toBe(403);
    for (const body of [
      {},
      { transfersPerMonth: -1 },
      { machinesPerSeat: 0 },
      { signingAlg: 'md5' },
      { x: 1 },
    ])
      expect((await call(t, 'PUT', url, { jar: jars.admin, body })).statusCode).toBe(400);
    expect(await audits('license.policy')).toBe(0);
    const put = await call(t, 'PUT', url, {
      jar: jars.admin,
      body: { transfersPerMonth: 5, heartbeatWindowSeconds: 600 },
    });
    expect(put.json()).toMatchObject({
      transfersPerMonth: 5,
      heartbeatWindowSeconds: 600,
      machinesPerSeat: 1,
    });
    expect((await api(t, 'GET', url, { jar: jars.support })).json().transfersPerMonth).toBe(5);
    expect(await audits('license.policy')).toBe(1);
    // Back to the defaults for the other tests.
    await call(t, 'PUT', url, {
      jar: jars.admin,
      body: { transfersPerMonth: 2, heartbeatWindowSeconds: null },
    });
    for (const key of ['TL-NOPE', 'TR-FHIR101'])
      expect(
        (await api(t, 'GET', `/api/v1/admin/license-policies/${key}`, { jar: jars.admin })).statusCode,
      ).toBe(404);
    expect(
      (await api(t, 'GET', '/api/v1/admin/license-policies/lower-case', { jar: jars.admin })).statusCode,
    ).toBe(400);
  });
});

describe('the trail', () => {
  it('records validations with their codes (failures too) and pages older events without gaps', async () => {
    const l = await issue('trail@hospital.org');
    // Everything at one instant: paging must not depend on timestamps being distinct.
    expect((await validate({ key: l.key })).json().code).toBe('VALID');
    expect((await validate({ key: l.key, sku: 'TL-QUALITY' })).json().code).toBe('PRODUCT_MISMATCH');
    expect((await validate({ key: l.key, fingerprint: 'fp-not-activated' })).json().code).toBe('NO_MACHINE');
    await t.app.modules.licensing.licenses.setStatus(l.id, 'SUSPENDED', { kind: 'cli' }, 'hold');
    expect((await validate({ key: l.key })).json().code).toBe('SUSPENDED');
    const url = `/api/v1/admin/licenses/${l.id}/events`;
    const everything = (await api(t, 'GET', url, { jar: jars.support })).json().items as {
      id: string;
      type: string;
      code: string | null;
    }[];
    expect(everything).toHaveLength(6);
    const validations = (await api(t, 'GET', `${url}?type=validated`, { jar: jars.support })).json().items;
    expect(validations.map((e: { code: string }) => e.code).sort()).toEqual(
      ['NO_MACHINE', 'PRODUCT_MISMATCH', 'SUSPENDED', 'VALID'].sort(),
    );
    const paged: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 10; i++) {
      const query: string = before ? `?limit=2&before=${before}` : '?limit=2';
      const r = (await api(t, 'GET', `${url}${query}`, { jar: jars.support })).json();
      paged.push(...r.items.map((e: { id: string }) => e.id));
      before = r.nextBefore;
      if (!before) break;
    }
    expect(paged).toEqual(everything.map((e) => e.id));
    // An instant works too; another license's event id is refused.
    const older = await api(t, 'GET', `${url}?before=2026-01-01T00:00:00Z`, { jar: jars.support });
    expect(older.json()).toEqual({ items: [], nextBefore: null });
    const otherEvent = (await t.app.modules.licensing.licenses.events(other.id))[0]!.id;
    expect((await api(t, 'GET', `${url}?before=${otherEvent}`, { jar: jars.support })).statusCode).toBe(400);
    for (const bad of ['type=DROP%20TABLE', 'limit=0', 'before=yesterday'])
      expect((await api(t, 'GET', `${url}?${bad}`, { jar: jars.support })).statusCode).toBe(400);
  });
});

describe('staff pages', () => {
  it('search, show the trail with filter and paging, suspend with a reason; CSRF enforced', async () => {
    const l = await issue('pages@hospital.org');
    const list = await page(`/admin/licenses?q=${encodeURIComponent(l.key)}`, jars.admin);
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.body).toContain(`href="/admin/licenses/${l.id}"`);
    expect(list.body).toContain('pages@hospital.org');
    expect(list.body).not.toContain('buyer@hospital.org');
    const byEmail = await page('/admin/licenses?q=pages%40hospital&status=ACTIVE', jars.admin);
    expect(byEmail.body).toContain(`href="/admin/licenses/${l.id}"`);

    const base = `/admin/licenses/${l.id}`;
    const { token, html } = await csrfFrom(t, jars.admin, base);
    expect(html).toContain('Suspend the license');
    expect(html).not.toContain(l.key);
    const suspensions = await audits('license.suspended');
    const forged = await postForm(t, jars.admin, `${base}/suspend`, { reason: 'Payment dispute' });
    expect(forged.statusCode).toBe(403);
    const short = await postForm(t, jars.admin, `${base}/suspend`, { _csrf: token, reason: 'no' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('give a reason of at least 3 characters');
    expect(await audits('license.suspended')).toBe(suspensions);
    const { token: supportToken } = await csrfFrom(t, jars.support, base);
    const support = await postForm(t, jars.support, `${base}/suspend`, {
      _csrf: supportToken,
      reason: 'Payment dispute',
    });
    expect(support.statusCode).toBe(403);

    const done = await postForm(t, jars.admin, `${base}/suspend`, {
      _csrf: token,
      reason: 'Payment dispute',
    });
    expect([done.statusCode, done.headers.location]).toEqual([303, `${base}?done=suspended`]);
    const after = await page(done.headers.location as string, jars.admin);
    expect(after.body).toContain('The license is suspended.');
    expect(after.body).toContain('Suspended: Payment dispute');
    expect(after.body).toContain('Reinstate the license');
    expect(after.body).toContain('note: Payment dispute');
    expect(await audits('license.suspended')).toBe(suspensions + 1);

    // A move the license does not allow is shown on the page.
    await postForm(t, jars.admin, `${base}/revoke`, { _csrf: token, reason: 'Refunded' });
    const refused = await postForm(t, jars.admin, `${base}/reinstate`, { _csrf: token, reason: 'undo' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Nothing was changed');
    expect(refused.body).toContain('A revoked license cannot become active.');

    const extendLicense = await issue('extend-page@hospital.org');
    const ebase = `/admin/licenses/${extendLicense.id}`;
    const extended = await postForm(t, jars.admin, `${ebase}/extend`, {
      _csrf: token,
      validUntil: '2029-03-31',
    });
    expect(extended.headers.location).toBe(`${ebase}?done=extended`);
    expect((await t.app.modules.licensing.licenses.get(extendLicense.id))!.valid_until).toEqual(
      new Date('2029-03-31T23:59:59.999Z'),
    );
    const noDate = await postForm(t, jars.admin, `${ebase}/extend`, { _csrf: token, validUntil: '' });
    expect(noDate.statusCode).toBe(400);
    const domains = await postForm(t, jars.admin, `${ebase}/domains`, {
      _csrf: token,
      domains: 'hospital.org, clinic.org',
    });
    expect(domains.headers.location).toBe(`${ebase}?done=domains`);
    const badCountries = await postForm(t, jars.admin, `${ebase}/countries`, {
      _csrf: token,
      countries: 'USA',
    });
    expect(badCountries.statusCode).toBe(400);
    expect(badCountries.body).toContain('USA is not a country code');

    // The trail: a type filter and "older" paging (50 a page).
    for (let i = 0; i < 55; i++) await validate({ key: extendLicense.key });
    const trail = await page(ebase, jars.admin);
    const older = /href="([^"]*before=lev_[^"#]*)#trail"/.exec(trail.body)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toBeTruthy();
    const second = await page(older!, jars.admin);
    expect(second.body).toContain('Newest events');
    expect(second.body).toContain('License issued');
    const filtered = await page(`${ebase}?type=domains-changed`, jars.admin);
    expect(filtered.body).toContain('Allowed email domains changed');
    expect(filtered.body).not.toContain('<td>Validated</td>');
  });
});
