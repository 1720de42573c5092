import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { staffJars } from '../catalog/test-support.ts';
import { runQueued } from '../fulfillment/test-support.ts';
import { type FakeVies, startFakeVies } from '../tax/fake-vies.ts';
import { VERIFY_VAT_JOB } from '../tax/index.ts';
import { api, type CookieJar, csrfFrom, joinOrganization, postForm, signedInUser } from './test-support.ts';

/**
 * Organizations' billing details and VAT ID: who reads and who edits them (owner, admin, the
 * billing role; plain members read; outsiders are told nothing), validation that writes nothing,
 * and the VAT ID checked like checkout's: through VIES (a local server speaking its protocol),
 * pending while VIES has not answered, then what VIES said.
 */

let t: TestApp;
let vies: FakeVies;
let owner: CookieJar;
let billingJar: CookieJar;
let member: CookieJar;
let outsider: CookieJar;
let orgId: string;

const DETAILS = {
  legalName: 'Klinikum Beispiel GmbH',
  line1: 'Hauptstraße 5',
  city: 'Köln',
  postalCode: '50667',
  country: 'DE',
  email: 'Rechnungen@Klinikum.example',
  vatId: 'DE 136 695 976',
};

const saved = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM organization_billing`.execute(t.app.ctx.db))
    .rows[0]!.n;

beforeAll(async () => {
  vies = await startFakeVies({ kind: 'up', registered: new Set(['DE136695976']) });
  t = await createTestApp({ clockAt: '2026-11-15T09:00:00Z', env: { VIES_URL: vies.url } });
  owner = await signedInUser(t, 'owner@klinikum.example');
  billingJar = await signedInUser(t, 'finance@klinikum.example');
  member = await signedInUser(t, 'doctor@klinikum.example');
  outsider = await signedInUser(t, 'someone@elsewhere.example');
  const org = await api(t, 'POST', '/api/v1/orgs', { jar: owner, body: { name: 'Klinikum' } });
  orgId = org.json().id;
  await joinOrganization(t, owner, orgId, billingJar, 'finance@klinikum.example', 'billing');
  await joinOrganization(t, owner, orgId, member, 'doctor@klinikum.example', 'member');
}, 90_000);
afterAll(async () => {
  await t?.close();
  await vies?.close();
});

const billingUrl = () => `/api/v1/orgs/${orgId}/billing`;

describe('organization billing details', () => {
  it('start empty; outsiders are told the organization does not exist', async () => {
    const r = await api(t, 'GET', billingUrl(), { jar: member });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ billing: null });
    expect((await api(t, 'GET', billingUrl(), { jar: outsider })).statusCode).toBe(404);
    expect((await api(t, 'PUT', billingUrl(), { jar: outsider, body: DETAILS })).statusCode).toBe(404);
    expect((await api(t, 'GET', billingUrl())).statusCode).toBe(401);
  });

  it('refuses bad input field by field and keeps nothing', async () => {
    const r = await api(t, 'PUT', billingUrl(), {
      jar: owner,
      body: { ...DETAILS, legalName: ' ', postalCode: '50667!', country: 'D1', email: 'nope' },
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(
      r
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/country', '/email', '/legalName', '/postalCode'].sort());
    const vat = await api(t, 'PUT', billingUrl(), { jar: owner, body: { ...DETAILS, vatId: 'DE123' } });
    expect(vat.statusCode).toBe(400);
    expect(vat.json().error.code).toBe('VAT_ID_INVALID');
    const foreign = await api(t, 'PUT', billingUrl(), {
      jar: owner,
      body: { ...DETAILS, vatId: 'FR40303265045' },
    });
    expect(foreign.json().error.code).toBe('VAT_ID_INVALID');
    expect(foreign.json().error.message).toContain('not from the billing country DE');
    expect(await saved()).toBe(0);
  });

  it('plain members may not change them', async () => {
    const r = await api(t, 'PUT', billingUrl(), { jar: member, body: DETAILS });
    expect(r.statusCode).toBe(403);
    expect(await saved()).toBe(0);
  });

  it('the billing role saves them; the VAT ID is pending until VIES answers, then verified', async () => {
    const r = await api(t, 'PUT', billingUrl(), { jar: billingJar, body: DETAILS });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().billing).toMatchObject({
      legalName: 'Klinikum Beispiel GmbH',
      email: 'rechnungen@klinikum.example',
      vatId: 'DE136695976',
      vat: { id: 'DE136695976', status: 'pending' },
    });
    expect(await runQueued(t, VERIFY_VAT_JOB)).toBe(1);
    expect(vies.requests.at(-1)).toMatchObject({ countryCode: 'DE', vatNumber: '136695976' });
    const after = await api(t, 'GET', billingUrl(), { jar: member });
    expect(after.json().billing.vat).toMatchObject({ status: 'valid', source: 'vies' });
    // The billing role still manages no members.
    const invite = await api(t, 'POST', `/api/v1/orgs/${orgId}/invitations`, {
      jar: billingJar,
      body: { email: 'x@klinikum.example', role: 'member' },
    });
    expect(invite.statusCode).toBe(403);
  });

  it('a VAT ID VIES says is not registered is refused once known', async () => {
    // Known answer (VIES up, not registered): checked by the job, then refused when saved again.
    const r = await api(t, 'PUT', billingUrl(), { jar: owner, body: { ...DETAILS, vatId: 'DE129273398' } });
    expect(r.json().billing.vat.status).toBe('pending');
    await runQueued(t, VERIFY_VAT_JOB);
    const again = await api(t, 'PUT', billingUrl(), {
      jar: owner,
      body: { ...DETAILS, vatId: 'DE129273398' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('VAT_ID_INVALID');
    const restored = await api(t, 'PUT', billingUrl(), { jar: owner, body: DETAILS });
    expect(restored.json().billing.vat.status).toBe('valid');
  });

  it('the organization page shows them to members and offers the form to those who edit them', async () => {
    const page = (jar: CookieJar) =>
      t.http.inject({
        method: 'GET',
        url: `/account/organizations/${orgId}`,
        headers: { accept: 'text/html', cookie: jar.header() },
      });
    const seen = await page(member);
    expect(seen.body).toContain('Klinikum Beispiel GmbH');
    expect(seen.body).toContain('DE136695976: verified with VIES');
    expect(seen.body).not.toContain('Save billing details');
    const form = await csrfFrom(t, owner, `/account/organizations/${orgId}`);
    expect(form.html).toContain('Save billing details');
    const bad = await postForm(t, owner, `/account/organizations/${orgId}/billing`, {
      _csrf: form.token,
      ...DETAILS,
      vatId: 'DE1',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('This is not a VAT ID.');
    const ok = await postForm(t, owner, `/account/organizations/${orgId}/billing`, {
      _csrf: form.token,
      ...DETAILS,
      line2: 'Haus B',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe(`/account/organizations/${orgId}?done=billing-saved`);
    expect((await api(t, 'GET', billingUrl(), { jar: member })).json().billing.line2).toBe('Haus B');
  });

  it('never answers 5xx to random bodies, and a refusal changes nothing', async () => {
    const snapshot = async () =>
      JSON.stringify(
        (await sql`SELECT * FROM organization_billing ORDER BY organization_id`.execute(t.app.ctx.db)).rows,
      );
    const before = await snapshot();
    const text = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.constantFrom(
        '',
        ' ',
        '<script>',
        'DE',
        'XX',
        '\u0000',
        'FR40303265045',
        'DE 136 695 976',
        'a'.repeat(300),
      ),
    );
    const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
    const body = fc.oneof(
      fc.record(
        Object.fromEntries(
          Object.keys(DETAILS).map((k) => [
            k,
            k === 'country' ? fc.constantFrom('DE', 'D1', 'de', 'FR') : text,
          ]),
        ),
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await api(t, 'PUT', billingUrl(), { jar: owner, body: b });
        expect(r.statusCode, r.body).toBeLessThan(500);
        if (r.statusCode !== 200) expect(await snapshot()).toBe(before);
        else await api(t, 'PUT', billingUrl(), { jar: owner, body: { ...DETAILS, line2: 'Haus B' } });
      }),
      { numRuns: 150 },
    );
  });

  it('staff see them in the console', async () => {
    const staff = await staffJars(t, 'orgbill');
    const json = await api(t, 'GET', `/api/v1/admin/organizations/${orgId}`, { jar: staff.support });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json().billing).toMatchObject({
      legalName: 'Klinikum Beispiel GmbH',
      vatId: 'DE136695976',
      vatStatus: 'valid',
    });
    const page = await t.http.inject({
      method: 'GET',
      url: `/admin/organizations/${orgId}`,
      headers: { accept: 'text/html', cookie: staff.admin.header() },
    });
    expect(page.body).toContain('rechnungen@klinikum.example');
  });
});
