import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { type CookieJar, csrfFrom, postForm } from '../accounts/test-support.ts';
import { call, staffJars, type Who } from '../catalog/test-support.ts';

/** Staff tax rates: who may, dated additions that never rewrite the past, audit, bad input changing nothing. */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-21T10:00:00Z' });
  jars = await staffJars(t, 'tax');
}, 60_000);
afterAll(async () => t?.close());

const URL = '/api/v1/admin/tax-rates';
const add = (body: unknown, jar = jars.admin) => call(t, 'POST', URL, { jar, body });
const list = async (query = '') => (await call(t, 'GET', `${URL}${query}`, { jar: jars.admin })).json().rates;

/** Every rate row and the audit log: what a refused change must leave exactly as it was. */
const snapshot = async () => {
  const rates = await sql`SELECT * FROM tax_rate ORDER BY id`.execute(t.app.ctx.db);
  const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(t.app.ctx.db);
  return JSON.stringify([rates.rows, audit.rows]);
};
const audits = async () =>
  (
    await sql<{
      actor_email: string;
      target_type: string;
      target_id: string;
      before: unknown;
      after: unknown;
    }>`
      SELECT actor_email, target_type, target_id, before, after FROM audit_event
      WHERE action = 'tax.rate.add' ORDER BY at, id`.execute(t.app.ctx.db)
  ).rows;
const rateOn = async (customer: object, day: string) =>
  (
    await t.app.modules.tax.quote(
      { items: [{ sku: 'TL-MAPPER-PR-A', quantity: 1 }], currency: 'USD', customer: customer as never },
      { at: new Date(`${day}T12:00:00Z`) },
    )
  ).lines[0]!;

describe('permissions', () => {
  it('only admins read and add rates, in JSON and on the page', async () => {
    const before = await snapshot();
    const body = { country: 'NO', kind: 'vat', rate: '25', validFrom: '2027-01-01', label: 'Norwegian VAT' };
    const expected: Record<Who, [number, number, number]> = {
      anonymous: [401, 401, 303],
      customer: [403, 403, 403],
      support: [403, 403, 403],
      admin: [200, 0, 200],
    };
    for (const who of ['anonymous', 'customer', 'support', 'admin'] as const) {
      const get = await call(t, 'GET', URL, { jar: jars[who] });
      const page = await t.http.inject({
        method: 'GET',
        url: '/admin/tax-rates',
        headers: { accept: 'text/html', cookie: jars[who].header() },
      });
      expect(get.statusCode, `${who} GET`).toBe(expected[who][0]);
      expect(page.statusCode, `${who} page`).toBe(expected[who][2]);
      if (who !== 'admin')
        expect((await add(body, jars[who])).statusCode, `${who} POST`).toBe(expected[who][1]);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('reading rates', () => {
  it('lists current and future periods by jurisdiction, the whole history on request', async () => {
    const current = await list();
    expect(current.find((r: { jurisdiction: string }) => r.jurisdiction === 'CA-QC')).toMatchObject({
      country: 'CA',
      region: 'QC',
      kind: 'qst',
      ratePercent: '9.975',
      validFrom: '2021-01-01',
      validTo: null,
      label: 'Quebec QST',
      status: 'current',
      createdBy: 'seed',
    });
    expect(current.every((r: { status: string }) => r.status !== 'past')).toBe(true);
    const finland = await list('?country=fi&scope=all');
    expect(finland.map((r: { ratePercent: string; status: string }) => [r.ratePercent, r.status])).toEqual([
      ['24', 'past'],
      ['25.5', 'current'],
    ]);
  });

  it('refuses a malformed filter', async () => {
    const r = await call(t, 'GET', `${URL}?country=Finland`, { jar: jars.admin });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('adding rates', () => {
  it('adds a future rate, ending the period in force then, audited; the past keeps its rates', async () => {
    const res = await add({
      country: 'FI',
      kind: 'vat',
      rate: 26,
      validFrom: '2027-01-01',
      label: 'Finnish VAT (ALV)',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.rate).toMatchObject({
      jurisdiction: 'FI',
      ratePercent: '26',
      validFrom: '2027-01-01',
      validTo: null,
      status: 'future',
      createdBy: expect.stringMatching(/^usr_/),
    });
    expect(body.closed).toMatchObject({
      ratePercent: '25.5',
      validFrom: '2024-09-01',
      validTo: '2027-01-01',
    });
    expect(body.resumed).toBeNull();

    const fi = { country: 'FI', business: false };
    expect((await rateOn(fi, '2024-08-31')).taxRate).toBe(2400);
    expect((await rateOn(fi, '2026-12-31')).taxRate).toBe(2550);
    expect((await rateOn(fi, '2027-01-01')).taxRate).toBe(2600);

    const [entry] = await audits();
    expect(entry).toMatchObject({
      actor_email: 'tax-admin@example.com',
      target_type: 'tax_rate',
      target_id: 'FI',
      before: { superseded: { ratePpm: 255_000, validTo: null } },
      after: {
        added: { id: body.rate.id, ratePpm: 260_000, validFrom: '2027-01-01' },
        superseded: { ratePpm: 255_000, validTo: '2027-01-01' },
      },
    });
  });

  it('adds a temporary rate inside an open period, which resumes after it', async () => {
    const res = await add({
      country: 'IE',
      kind: 'vat',
      rate: '21',
      validFrom: '2027-03-01',
      validTo: '2027-09-01',
      label: 'Irish VAT (temporary)',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().resumed).toMatchObject({ ratePercent: '23', validFrom: '2027-09-01', validTo: null });
    const ie = { country: 'IE', business: false };
    expect([
      (await rateOn(ie, '2027-02-28')).taxRate,
      (await rateOn(ie, '2027-03-01')).taxRate,
      (await rateOn(ie, '2027-08-31')).taxRate,
      (await rateOn(ie, '2027-09-01')).taxRate,
    ]).toEqual([2300, 2100, 2100, 2300]);
  });

  it('starts a new jurisdiction today, quoted at once', async () => {
    const wa = { country: 'US', region: 'WA', business: false };
    expect((await rateOn(wa, '2026-11-21')).reason).toBe('not_collected');
    const res = await add({
      country: 'us',
      region: 'wa',
      kind: 'sales',
      rate: '6.5',
      validFrom: '2026-11-21',
      label: 'Washington sales tax',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ rate: { jurisdiction: 'US-WA', status: 'current' }, closed: null });
    expect(await rateOn(wa, '2026-11-21')).toMatchObject({
      reason: 'standard',
      taxRate: 650,
      taxAmount: 6_435,
    });
  });

  it('adds a provincial rate change beside the GST', async () => {
    const res = await add({
      country: 'CA',
      region: 'SK',
      kind: 'pst',
      rate: '7',
      validFrom: '2027-04-01',
      label: 'Saskatchewan PST',
    });
    expect(res.statusCode, res.body).toBe(201);
    const sk = { country: 'CA', region: 'SK', business: false };
    expect((await rateOn(sk, '2027-03-31')).taxRatePercent).toBe('11');
    expect((await rateOn(sk, '2027-04-01')).taxRatePercent).toBe('12');
  });
});

describe('bad input: a stable code, nothing written', () => {
  const valid = {
    country: 'DE',
    kind: 'vat',
    rate: '20',
    validFrom: '2027-07-01',
    label: 'German VAT (USt)',
  };
  const cases: [string, unknown, number, string, string[]][] = [
    ['an unknown country', { ...valid, country: 'XX' }, 400, 'TAX_RATE_INVALID', ['/country']],
    ['UK instead of GB', { ...valid, country: 'UK' }, 400, 'TAX_RATE_INVALID', ['/country']],
    ['a rate above 100 %', { ...valid, rate: '100.01' }, 400, 'TAX_RATE_INVALID', ['/rate']],
    ['a negative rate', { ...valid, rate: -1 }, 400, 'TAX_RATE_INVALID', ['/rate']],
    ['a rate of 5 decimals', { ...valid, rate: 19.00001 }, 400, 'TAX_RATE_INVALID', ['/rate']],
    ['a rate in words', { ...valid, rate: 'twenty' }, 400, 'TAX_RATE_INVALID', ['/rate']],
    ['an impossible date', { ...valid, validFrom: '2027-02-30' }, 400, 'TAX_RATE_INVALID', ['/validFrom']],
    [
      'a date in another format',
      { ...valid, validFrom: '07/01/2027' },
      400,
      'TAX_RATE_INVALID',
      ['/validFrom'],
    ],
    ['a start in the past', { ...valid, validFrom: '2026-11-20' }, 400, 'TAX_RATE_INVALID', ['/validFrom']],
    ['an end before the start', { ...valid, validTo: '2027-06-30' }, 400, 'TAX_RATE_INVALID', ['/validTo']],
    ['a region for EU VAT', { ...valid, region: 'BY' }, 400, 'TAX_RATE_INVALID', ['/region']],
    ['a kind the country has not', { ...valid, kind: 'gst' }, 400, 'TAX_RATE_INVALID', ['/kind']],
    ['an empty label', { ...valid, label: ' ' }, 400, 'TAX_RATE_INVALID', ['/label']],
    // FI has a period scheduled from 2027-01-01 (added above).
    [
      'the same start as a scheduled period',
      { ...valid, country: 'FI', validFrom: '2027-01-01' },
      409,
      'TAX_RATE_OVERLAP',
      ['/validFrom'],
    ],
    [
      'an open period over a scheduled one',
      { ...valid, country: 'FI', validFrom: '2026-12-01' },
      409,
      'TAX_RATE_OVERLAP',
      ['/validFrom'],
    ],
    ['a missing field', { country: 'DE', kind: 'vat', rate: '20', label: 'x' }, 400, 'VALIDATION_FAILED', []],
    ['an unknown field', { ...valid, ratePpm: 200_000 }, 400, 'VALIDATION_FAILED', []],
    ['a rate as an object', { ...valid, rate: { value: 20 } }, 400, 'VALIDATION_FAILED', []],
    ['a body that is not an object', [valid], 400, 'VALIDATION_FAILED', []],
  ];

  it.each(cases)('refuses %s', async (_name, body, status, code, fields) => {
    const before = await snapshot();
    const res = await add(body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    if (fields.length) {
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(fields);
    }
    expect(await snapshot()).toBe(before);
  });

  it('names the period it overlaps', async () => {
    const res = await add({ ...valid, country: 'FI', validFrom: '2026-12-01' });
    expect(res.json().error.details[0].message).toMatch(
      /Overlaps Finnish VAT \(ALV\) 26 % from 2027-01-01 on/,
    );
  });

  it('refuses malformed JSON', async () => {
    const res = await call(t, 'POST', URL, { jar: jars.admin, body: '{"country": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_JSON');
  });
});

describe('the admin page', () => {
  const page = (url: string) =>
    t.http.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: jars.admin.header() } });

  it('lists rates and offers the form, in the admin navigation', async () => {
    const res = await page('/admin/tax-rates?country=ca');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/admin/tax-rates" aria-current="page">Tax rates</a>');
    expect(res.body).toMatch(/<th scope="row">CA-QC<\/th><td>Quebec QST<\/td><td>9.975 %<\/td>/);
    expect(res.body).not.toContain('German VAT');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).toContain('<label for="field-kind">Tax</label>');
    // Every admin page links the new one.
    expect((await page('/admin/quotes')).body).toContain('href="/admin/tax-rates"');
  });

  it('adds a rate from the form (CSRF), then says so', async () => {
    const jar = jars.admin;
    const { token } = await csrfFrom(t, jar, '/admin/tax-rates');
    const res = await postForm(t, jar, '/admin/tax-rates', {
      _csrf: token,
      country: 'CA',
      region: 'MB',
      kind: 'pst',
      rate: '8',
      validFrom: '2027-07-01',
      validTo: '',
      label: 'Manitoba RST',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    expect(res.headers.location).toBe('/admin/tax-rates?done=added');
    const after = await page('/admin/tax-rates?done=added&country=CA');
    expect(after.body).toContain('The rate is added.');
    expect(after.body).toMatch(/CA-MB<\/th><td>Manitoba RST<\/td><td>8 %<\/td><td>2027-07-01/);
  });

  it('shows each bad field beside itself, keeps the values, and writes nothing', async () => {
    const jar = jars.admin;
    const before = await snapshot();
    const { token } = await csrfFrom(t, jar, '/admin/tax-rates');
    const res = await postForm(t, jar, '/admin/tax-rates', {
      _csrf: token,
      country: 'CA',
      region: 'QC',
      kind: 'qst',
      rate: '150',
      validFrom: '2020-01-01',
      label: 'Quebec QST',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toMatch(/id="field-rate-error"/);
    expect(res.body).toMatch(
      /aria-invalid="true" aria-describedby="field-validFrom-hint field-validFrom-error"/,
    );
    expect(res.body).toContain('value="150"');
    expect(await snapshot()).toBe(before);
  });

  it('explains an overlap on the page (409)', async () => {
    const jar = jars.admin;
    const before = await snapshot();
    const { token } = await csrfFrom(t, jar, '/admin/tax-rates');
    const res = await postForm(t, jar, '/admin/tax-rates', {
      _csrf: token,
      country: 'FI',
      kind: 'vat',
      rate: '27',
      validFrom: '2027-01-01',
      label: 'Finnish VAT',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatch(/overlaps a period already scheduled for FI/);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a form without its CSRF token', async () => {
    const before = await snapshot();
    const res = await postForm(t, jars.admin, '/admin/tax-rates', {
      country: 'NO',
      kind: 'vat',
      rate: '25',
      validFrom: '2027-01-01',
      label: 'Norwegian VAT',
    });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });
});
