import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, nextIp } from '../accounts/test-support.ts';
import { call, staffJars, type Who } from './test-support.ts';

/**
 * What product pages say besides prices is catalog data, seeded and edited by staff: pages,
 * course outlines, instructors, live-workshop dates and FAQ. Each edit is audited, shows on
 * the public page at the next request, and bad input is a 400 that changes nothing.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-12-01T09:00:00Z' });
  jars = await staffJars(t, 'mkt');
});
afterAll(async () => t?.close());

const page = (url: string) => t.http.inject({ method: 'GET', url, remoteAddress: nextIp() });
const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown) =>
  call(t, method, url, { jar: jars.admin, ...(body === undefined ? {} : { body }) });
const snapshot = async () => {
  const parts: unknown[] = [];
  for (const table of [
    'catalog_product_page',
    'catalog_course_module',
    'catalog_instructor',
    'catalog_course_session',
    'catalog_faq',
  ]) {
    parts.push((await sql`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`.execute(t.app.ctx.db)).rows);
  }
  return JSON.stringify(parts);
};
const audits = async (action: string) =>
  (
    await sql<{ target_id: string }>`SELECT target_id FROM audit_event WHERE action = ${action}`.execute(
      t.app.ctx.db,
    )
  ).rows;

describe('the seed', () => {
  it('gives every product of 002 a page, the three courses their outlines, and a first schedule', async () => {
    const r = await admin('GET', '/api/v1/admin/catalog/marketing');
    expect(r.statusCode).toBe(200);
    const data = r.json();
    expect(data.pages.map((p: { productKey: string }) => p.productKey)).toEqual(
      expect.arrayContaining([
        'TL-MAPPER',
        'TL-QUALITY',
        'TL-ANALYTICS',
        'TL-BUILDER',
        'TR-FHIR101',
        'TR-USCORE',
        'TR-ADVANCED',
      ]),
    );
    const hours = (key: string) =>
      data.modules
        .filter((m: { productKey: string }) => m.productKey === key)
        .reduce((s: number, m: { hours: number }) => s + m.hours, 0);
    // 002: FHIR Fundamentals is 20 hours; the outlines add up to each course's hours.
    expect(hours('TR-FHIR101')).toBe(20);
    expect(hours('TR-USCORE')).toBe(16);
    expect(hours('TR-ADVANCED')).toBe(21);
    // Every session lies ahead of the day the catalog was seeded.
    for (const s of data.sessions) expect(s.startsOn > '2026-12-01').toBe(true);
    expect(data.faq.filter((f: { topic: string }) => f.topic === 'pricing').length).toBeGreaterThanOrEqual(7);
  });

  it('runs again without touching what exists', async () => {
    const before = await snapshot();
    await t.app.seed();
    expect(await snapshot()).toBe(before);
  });
});

describe('staff edits', () => {
  it('refuse customers and support (403) and change nothing', async () => {
    const before = await snapshot();
    for (const who of ['customer', 'support'] as const) {
      const r = await api(t, 'POST', '/api/v1/admin/catalog/sessions', { jar: jars[who], body: {} });
      expect(r.statusCode).toBe(403);
    }
    expect(await snapshot()).toBe(before);
  });

  it('replace a product page, audited, and the page shows it at once', async () => {
    const current = (await admin('GET', '/api/v1/admin/catalog/marketing'))
      .json()
      .pages.find((p: { productKey: string }) => p.productKey === 'TL-QUALITY');
    const { productKey: _key, ...body } = current;
    const r = await admin('PUT', '/api/v1/admin/catalog/products/TL-QUALITY/page', {
      ...body,
      tagline: 'Know your FHIR data is fit for exchange.',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((await page('/products/data-quality-assessments')).body).toContain(
      'Know your FHIR data is fit for exchange.',
    );
    expect((await page('/')).body).toContain('Know your FHIR data is fit for exchange.');
    expect(await audits('catalog.page.update')).toEqual([{ target_id: 'TL-QUALITY' }]);
  });

  it('refuse a page for an unknown product (404), an unknown instructor or a bad docs path (400)', async () => {
    const before = await snapshot();
    const body = {
      tagline: 'x',
      overview: ['x'],
      highlights: [],
      audience: '',
      screenshots: [],
      docsPath: null,
      instructorKey: null,
      prerequisites: '',
    };
    expect((await admin('PUT', '/api/v1/admin/catalog/products/TL-NOPE/page', body)).statusCode).toBe(404);
    const noInstructor = await admin('PUT', '/api/v1/admin/catalog/products/TR-USCORE/page', {
      ...body,
      instructorKey: 'nobody',
    });
    expect(noInstructor.statusCode).toBe(400);
    expect(noInstructor.json().error.details[0].path).toBe('/instructorKey');
    expect(
      (
        await admin('PUT', '/api/v1/admin/catalog/products/TL-MAPPER/page', {
          ...body,
          docsPath: 'https://x',
        })
      ).statusCode,
    ).toBe(400);
    expect(await snapshot()).toBe(before);
  });

  it('replace a course outline in teaching order; a tool has no outline', async () => {
    const modules = [
      { title: 'Profiles in depth', hours: 10, summary: 'All of them.', topics: ['Patient'] },
      { title: 'Testing', hours: 6, summary: 'Inferno.', topics: [] },
    ];
    const r = await admin('PUT', '/api/v1/admin/catalog/products/TR-USCORE/outline', { modules });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().modules.map((m: { position: number }) => m.position)).toEqual([1, 2]);
    const html = (await page('/products/us-core-implementation')).body;
    expect(html).toContain('2 modules, 16 hours in all.');
    expect(html).toContain('Profiles in depth');
    const before = await snapshot();
    expect(
      (await admin('PUT', '/api/v1/admin/catalog/products/TL-MAPPER/outline', { modules })).statusCode,
    ).toBe(400);
    expect(
      (
        await admin('PUT', '/api/v1/admin/catalog/products/TR-USCORE/outline', {
          modules: [{ ...modules[0], hours: 0 }],
        })
      ).statusCode,
    ).toBe(400);
    expect(await snapshot()).toBe(before);
  });

  it('schedule, fill and cancel a live workshop; the course page and its JSON-LD follow', async () => {
    const created = await admin('POST', '/api/v1/admin/catalog/sessions', {
      sku: 'TR-ADVANCED-LV-S',
      startsOn: '2027-06-15',
      endsOn: '2027-06-17',
      dailyStart: '09:00',
      dailyEnd: '16:00',
      timeZone: 'Europe/Paris',
      location: 'Online, live video',
      capacity: 12,
      instructorKey: 'tomas-lindqvist',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    let html = (await page('/products/advanced-fhir-implementation')).body;
    expect(html).toMatch(/Tue, Jun 15\s–\sThu, Jun 17, 2027/);
    expect(html).toContain('12 of 12 left');
    expect(html).toContain('"startDate":"2027-06-15T09:00:00+02:00"');

    const full = await admin('PATCH', `/api/v1/admin/catalog/sessions/${id}`, { seatsTaken: 12 });
    expect(full.statusCode, full.body).toBe(200);
    html = (await page('/products/advanced-fhir-implementation')).body;
    expect(html).toMatch(
      /Jun 15[^<]*<span[^>]*>[^<]*<\/span><\/th><td>[^<]*<span[^>]*>[^<]*<\/span><\/td><td>Tomas Lindqvist<\/td><td>Full<\/td>/,
    );

    const cancelled = await admin('PATCH', `/api/v1/admin/catalog/sessions/${id}`, { status: 'cancelled' });
    expect(cancelled.statusCode).toBe(200);
    expect((await page('/products/advanced-fhir-implementation')).body).not.toContain('Jun 15');
    expect((await audits('catalog.session.create')).map((a) => a.target_id)).toEqual([id]);
    expect(await audits('catalog.session.update')).toHaveLength(2);
  });

  it('refuse an impossible session (400) and write nothing', async () => {
    const ok = {
      sku: 'TR-FHIR101-LV-S',
      startsOn: '2027-03-02',
      endsOn: '2027-03-04',
      dailyStart: '10:00',
      dailyEnd: '17:00',
      timeZone: 'America/New_York',
      location: 'Online',
      capacity: 10,
    };
    const before = await snapshot();
    const bad: [Record<string, unknown>, string][] = [
      [{ ...ok, sku: 'TR-FHIR101-SP-P' }, '/sku'],
      [{ ...ok, endsOn: '2027-03-01' }, '/endsOn'],
      [{ ...ok, startsOn: '2027-02-30' }, '/startsOn'],
      [{ ...ok, timeZone: 'Mars/Olympus' }, '/timeZone'],
      [{ ...ok, seatsTaken: 11 }, '/seatsTaken'],
      [{ ...ok, dailyEnd: '09:00' }, '/dailyEnd'],
    ];
    for (const [body, path] of bad) {
      const r = await admin('POST', '/api/v1/admin/catalog/sessions', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(
      (await admin('PATCH', '/api/v1/admin/catalog/sessions/ses_nope', { seatsTaken: 1 })).statusCode,
    ).toBe(404);
    expect(await snapshot()).toBe(before);
  });

  it('replace the pricing questions; the page and its FAQPage data follow', async () => {
    const r = await admin('PUT', '/api/v1/admin/catalog/faq/pricing', {
      entries: [{ key: 'refunds', question: 'Can I get a refund?', answer: 'Within 30 days, in full.' }],
    });
    expect(r.statusCode, r.body).toBe(200);
    const html = (await page('/pricing')).body;
    expect(html).toContain('<summary>Can I get a refund?</summary>');
    expect(html).not.toContain('How do I cancel?');
    expect(html).toContain(
      '"@type":"FAQPage","mainEntity":[{"@type":"Question","name":"Can I get a refund?"',
    );
    const before = await snapshot();
    const clash = await admin('PUT', '/api/v1/admin/catalog/faq/pricing', {
      entries: [{ key: 'do-participants-get-a-certificate', question: 'Q', answer: 'A' }],
    });
    expect(clash.statusCode).toBe(400);
    expect(await snapshot()).toBe(before);
  });

  it('create or change an instructor', async () => {
    const r = await admin('PUT', '/api/v1/admin/catalog/instructors/ana-lopez', {
      name: 'Ana López',
      role: 'Terminology lead',
      bio: 'Ana maps local codes to LOINC and SNOMED CT.',
    });
    expect(r.statusCode).toBe(200);
    const data = (await admin('GET', '/api/v1/admin/catalog/marketing')).json();
    expect(data.instructors.map((i: { key: string }) => i.key)).toContain('ana-lopez');
  });
});
