import fs from 'node:fs';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { type CookieJar, csrfFrom, nextIp, postForm } from '../accounts/test-support.ts';
import { staffJars, type Who } from './test-support.ts';

/**
 * The console's pages over the product pages' data (/admin/catalog/marketing): marketing staff
 * edit a page, a course outline, live workshops, the FAQ and instructors through HTML forms. Only
 * `admin.catalog.manage` opens them; each save needs the CSRF token, is audited and shows on the
 * public page at once; a refused form comes back (400) with the problem beside its field, what
 * was typed kept, and nothing saved. Every page is valid HTML whose fields all have labels.
 */

const BASE = '/admin/catalog/marketing';
let t: TestApp;
let jars: Record<Who, CookieJar>;
const validator = new HtmlValidate(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../.htmlvalidate.json'), 'utf8')),
);

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-12-01T09:00:00Z' });
  jars = await staffJars(t, 'mktpages');
});
afterAll(async () => t?.close());

const get = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
    remoteAddress: nextIp(),
  });
/** Posts a console form as the admin, with the page's CSRF token. */
async function submit(url: string, fields: Record<string, string>, from = BASE) {
  const { token } = await csrfFrom(t, jars.admin, from);
  return postForm(t, jars.admin, url, { _csrf: token, ...fields });
}
const snapshot = async () => {
  const parts: unknown[] = [];
  for (const table of [
    'catalog_product_page',
    'catalog_course_module',
    'catalog_instructor',
    'catalog_course_session',
    'catalog_faq',
  ])
    parts.push((await sql`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`.execute(t.app.ctx.db)).rows);
  return JSON.stringify(parts);
};
const audits = async (action: string) =>
  (
    await sql<{ target_id: string; actor_email: string; before: unknown; after: unknown }>`
      SELECT target_id, actor_email, before, after FROM audit_event WHERE action = ${action} ORDER BY at, id`.execute(
      t.app.ctx.db,
    )
  ).rows;

async function expectValidConsolePage(html: string, label: string) {
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((r) =>
    r.messages.map((m) => `${m.ruleId}: ${m.message} (${m.selector})`),
  );
  expect(problems, label).toEqual([]);
  expect(html.match(/<h1[\s>]/g), label).toHaveLength(1);
  // Every field has a label pointing at it.
  const ids = [...html.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"/g)].map(
    (m) => m[1],
  );
  const fields = [...html.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>/g)];
  expect(ids.length, label).toBe(fields.length);
  for (const id of ids) expect(html, `${label}: label for ${id}`).toContain(`<label for="${id}"`);
}

/** The page's fields with the value each shows (inputs, selected options, textareas). */
function fieldValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  if (input) return input[1];
  const area = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return area?.[1];
}

describe('who opens the console’s product pages', () => {
  it('admins only: support and customers get 403, anonymous visitors are sent to sign in', async () => {
    expect((await get(BASE, jars.admin)).statusCode).toBe(200);
    for (const who of ['support', 'customer'] as const) {
      expect((await get(BASE, jars[who])).statusCode, who).toBe(403);
      expect((await get(`${BASE}/products/TL-MAPPER`, jars[who])).statusCode, who).toBe(403);
    }
    const anonymous = await get(`${BASE}/faq/pricing`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in/);
  });

  it('refuses a save without the form’s CSRF token (403) and changes nothing', async () => {
    const before = await snapshot();
    const res = await postForm(t, jars.admin, `${BASE}/products/TL-MAPPER/page`, {
      tagline: 'Forged',
      overview: 'Forged.',
    });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });
});

describe('the pages are valid and accessible HTML', () => {
  it('index, a tool, a course, a FAQ and an instructor', async () => {
    const index = await get(BASE, jars.admin);
    expect(index.headers['cache-control']).toBe('no-store');
    await expectValidConsolePage(index.body, 'index');
    expect(index.body).toContain(`href="${BASE}/products/TL-MAPPER"`);
    expect(index.body).toContain(`href="${BASE}/faq/pricing"`);
    for (const url of [
      `${BASE}/products/TL-MAPPER`,
      `${BASE}/products/TR-FHIR101`,
      `${BASE}/faq/training`,
      `${BASE}/instructors/priya-raman`,
    ]) {
      const res = await get(url, jars.admin);
      expect(res.statusCode, url).toBe(200);
      await expectValidConsolePage(res.body, url);
    }
    expect((await get(`${BASE}/products/TL-NOPE`, jars.admin)).statusCode).toBe(404);
    expect((await get(`${BASE}/faq/shipping`, jars.admin)).statusCode).toBe(404);
    expect((await get(`${BASE}/instructors/nobody`, jars.admin)).statusCode).toBe(404);
  });
});

describe('editing a product page', () => {
  it('shows what the page says, saves a change (audited) and the public page shows it', async () => {
    const form = (await get(`${BASE}/products/TL-MAPPER`, jars.admin)).body;
    const tagline = fieldValue(form, 'tagline');
    expect(tagline).toBeTruthy();
    const res = await submit(
      `${BASE}/products/TL-MAPPER/page`,
      {
        tagline: 'Map any source to FHIR R4, checked as you go',
        overview: 'First paragraph\nwrapped over two lines.\n\nSecond paragraph.',
        highlights: 'Visual mapping: drag columns onto FHIR elements\nValidation: every resource checked',
        audience: 'Integration engineers.',
        screenshots:
          'images/tools/mapper-to-fhir-1.png | 1280 | 800 | The mapping editor | Mapping a CSV column',
        docsPath: '/docs/mapper-to-fhir',
        instructorKey: '',
        prerequisites: '',
      },
      `${BASE}/products/TL-MAPPER`,
    );
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/products/TL-MAPPER?done=page`);
    const saved = (await t.app.modules.catalog.marketing.data()).pages.find(
      (p) => p.productKey === 'TL-MAPPER',
    );
    expect(saved).toMatchObject({
      tagline: 'Map any source to FHIR R4, checked as you go',
      overview: ['First paragraph wrapped over two lines.', 'Second paragraph.'],
      highlights: [
        { title: 'Visual mapping', text: 'drag columns onto FHIR elements' },
        { title: 'Validation', text: 'every resource checked' },
      ],
      screenshots: [
        {
          src: 'images/tools/mapper-to-fhir-1.png',
          width: 1280,
          height: 800,
          alt: 'The mapping editor',
          caption: 'Mapping a CSV column',
        },
      ],
      docsPath: '/docs/mapper-to-fhir',
    });
    const [audit] = await audits('catalog.page.update');
    expect(audit).toMatchObject({ target_id: 'TL-MAPPER', actor_email: 'mktpages-admin@example.com' });
    const shown = await get(`${BASE}/products/TL-MAPPER?done=page`, jars.admin);
    expect(shown.body).toContain('The page is saved.');
    expect(fieldValue(shown.body, 'highlights')).toBe(
      'Visual mapping: drag columns onto FHIR elements\nValidation: every resource checked',
    );
    const pub = await get('/products/mapper-to-fhir');
    expect(pub.body).toContain('Map any source to FHIR R4, checked as you go');
    expect(pub.body).toContain('Second paragraph.');
  });

  it('refuses a bad form (400) with each problem beside its field, keeps what was typed, saves nothing', async () => {
    const before = await snapshot();
    const res = await submit(
      `${BASE}/products/TL-MAPPER/page`,
      {
        tagline: '',
        overview: 'Still here.',
        highlights: '',
        audience: '',
        screenshots: 'images/tools/shot.gif | wide | 800 | A shot',
        docsPath: 'https://elsewhere.example/docs',
        instructorKey: '',
        prerequisites: '',
      },
      `${BASE}/products/TL-MAPPER`,
    );
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toBe(before);
    for (const field of ['tagline', 'screenshots', 'docsPath'])
      expect(res.body, field).toMatch(
        new RegExp(`name="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="${field}"`),
      );
    expect(res.body).toContain('id="field-screenshots-error"');
    expect(fieldValue(res.body, 'overview')).toBe('Still here.');
    expect(fieldValue(res.body, 'docsPath')).toBe('https://elsewhere.example/docs');
    await expectValidConsolePage(res.body, 'refused page form');
  });

  it('refuses an instructor that does not exist, naming the field', async () => {
    const before = await snapshot();
    const res = await submit(
      `${BASE}/products/TR-FHIR101/page`,
      { tagline: 'A course', overview: 'About it.', instructorKey: 'nobody-here' },
      `${BASE}/products/TR-FHIR101`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('No instructor nobody-here.');
    expect(await snapshot()).toBe(before);
  });
});

describe('a course’s outline', () => {
  it('replaces the modules in form order, skipping empty rows; the course page follows', async () => {
    const res = await submit(
      `${BASE}/products/TR-FHIR101/outline`,
      {
        'm0-title': 'Resources and references',
        'm0-hours': '6',
        'm0-summary': 'What a resource is.',
        'm0-topics': 'Resource anatomy\nReferences\n',
        'm1-title': '',
        'm1-hours': '',
        'm1-summary': '',
        'm1-topics': '',
        'm2-title': 'Search and operations',
        'm2-hours': '4',
        'm2-summary': '',
        'm2-topics': 'Search parameters',
      },
      `${BASE}/products/TR-FHIR101`,
    );
    expect(res.statusCode, res.body).toBe(303);
    const modules = (await t.app.modules.catalog.marketing.data()).modules.filter(
      (m) => m.productKey === 'TR-FHIR101',
    );
    expect(modules.map((m) => [m.position, m.title, m.hours, m.topics])).toEqual([
      [1, 'Resources and references', 6, ['Resource anatomy', 'References']],
      [2, 'Search and operations', 4, ['Search parameters']],
    ]);
    expect(await audits('catalog.outline.update')).toHaveLength(1);
    expect((await get('/products/fhir-fundamentals')).body).toContain('Search and operations');
  });

  it('refuses hours that are not a number, on that module’s field, and a tool has no outline (404)', async () => {
    const before = await snapshot();
    const res = await submit(
      `${BASE}/products/TR-FHIR101/outline`,
      { 'm0-title': 'One', 'm0-hours': '3', 'm1-title': 'Two', 'm1-hours': 'many' },
      `${BASE}/products/TR-FHIR101`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="field-m1-hours-error"');
    expect(fieldValue(res.body, 'm1-hours')).toBe('many');
    expect(await snapshot()).toBe(before);
    expect(
      (await submit(`${BASE}/products/TL-MAPPER/outline`, { 'm0-title': 'X', 'm0-hours': '1' })).statusCode,
    ).toBe(404);
  });
});

describe('live workshops', () => {
  const session = {
    product: 'TR-ADVANCED',
    sku: 'TR-ADVANCED-LV-S',
    startsOn: '2027-06-15',
    endsOn: '2027-06-17',
    dailyStart: '09:00',
    dailyEnd: '16:00',
    timeZone: 'Europe/Paris',
    location: 'Online, live video',
    capacity: '12',
    seatsTaken: '0',
    instructorKey: 'tomas-lindqvist',
  };

  it('schedules one, updates its seats taken, and the course page follows', async () => {
    const created = await submit(`${BASE}/sessions`, session, `${BASE}/products/TR-ADVANCED`);
    expect(created.statusCode, created.body).toBe(303);
    expect(created.headers.location).toBe(`${BASE}/products/TR-ADVANCED?done=scheduled`);
    const [audit] = await audits('catalog.session.create');
    const id = audit!.target_id;
    expect((await get('/products/advanced-fhir-implementation')).body).toContain('12 of 12 left');

    const page = await get(`${BASE}/products/TR-ADVANCED`, jars.admin);
    expect(page.body).toContain(`action="${BASE}/sessions/${id}"`);
    const { sku: _sku, product: _product, ...fields } = session;
    const updated = await submit(
      `${BASE}/sessions/${id}`,
      { ...fields, seatsTaken: '9', status: 'scheduled' },
      `${BASE}/products/TR-ADVANCED`,
    );
    expect(updated.statusCode, updated.body).toBe(303);
    expect((await get('/products/advanced-fhir-implementation')).body).toContain('3 of 12 left');
    expect(await audits('catalog.session.update')).toHaveLength(1);
  });

  it('refuses an impossible one (400), the problems beside the fields, nothing saved', async () => {
    const before = await snapshot();
    const res = await submit(
      `${BASE}/sessions`,
      { ...session, endsOn: '2027-06-01', timeZone: 'Mars/Olympus', seatsTaken: '20' },
      `${BASE}/products/TR-ADVANCED`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="new-endsOn-error"');
    expect(res.body).toContain('id="new-timeZone-error"');
    expect(res.body).toContain('id="new-seatsTaken-error"');
    expect(await snapshot()).toBe(before);
    await expectValidConsolePage(res.body, 'refused session form');
  });
});

describe('questions and instructors', () => {
  it('replaces the pricing questions in form order, making a key from a question left without one', async () => {
    const res = await submit(
      `${BASE}/faq/pricing`,
      {
        'q0-question': 'Can I pay by invoice?',
        'q0-answer': 'Yes, for annual plans.',
        'q0-key': '',
        'q1-question': 'Do you offer discounts?',
        'q1-answer': 'For non-profits.',
        'q1-key': 'discounts',
        'q2-question': '',
        'q2-answer': '',
        'q2-key': '',
      },
      `${BASE}/faq/pricing`,
    );
    expect(res.statusCode, res.body).toBe(303);
    const faq = (await t.app.modules.catalog.marketing.data()).faq.filter((f) => f.topic === 'pricing');
    expect(faq.map((f) => [f.position, f.key])).toEqual([
      [1, 'can-i-pay-by-invoice'],
      [2, 'discounts'],
    ]);
    expect((await get('/pricing')).body).toContain('Can I pay by invoice?');
    expect(await audits('catalog.faq.update')).toHaveLength(1);
  });

  it('refuses a question without an answer and a key used twice, beside those fields', async () => {
    const before = await snapshot();
    const res = await submit(
      `${BASE}/faq/pricing`,
      {
        'q0-question': 'One?',
        'q0-answer': '',
        'q0-key': 'one',
        'q1-question': 'Two?',
        'q1-answer': 'Yes.',
        'q1-key': 'one',
      },
      `${BASE}/faq/pricing`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="field-q0-answer-error"');
    expect(await snapshot()).toBe(before);
    const twice = await submit(
      `${BASE}/faq/pricing`,
      {
        'q0-question': 'One?',
        'q0-answer': 'A.',
        'q0-key': 'one',
        'q1-question': 'Two?',
        'q1-answer': 'B.',
        'q1-key': 'one',
      },
      `${BASE}/faq/pricing`,
    );
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('id="field-q1-key-error"');
    expect(twice.body).toContain('one is listed twice');
    expect(await snapshot()).toBe(before);
  });

  it('adds an instructor, refuses a key already taken, and edits one', async () => {
    const added = await submit(`${BASE}/instructors`, {
      key: 'jane-doe',
      name: 'Jane Doe',
      role: 'FHIR trainer',
      bio: 'Teaches FHIR.',
    });
    expect(added.statusCode, added.body).toBe(303);
    expect(added.headers.location).toBe(`${BASE}/instructors/jane-doe?done=instructor`);
    const before = await snapshot();
    const taken = await submit(`${BASE}/instructors`, { key: 'jane-doe', name: 'J', role: 'R', bio: 'B' });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('jane-doe is taken');
    const badKey = await submit(`${BASE}/instructors`, { key: 'Jane Doe!', name: 'J', role: 'R', bio: 'B' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.body).toContain('id="field-key-error"');
    expect(await snapshot()).toBe(before);
    const edited = await submit(
      `${BASE}/instructors/jane-doe`,
      { name: 'Jane Doe', role: 'Lead FHIR trainer', bio: 'Teaches FHIR and US Core.' },
      `${BASE}/instructors/jane-doe`,
    );
    expect(edited.statusCode).toBe(303);
    expect(
      (await t.app.modules.catalog.marketing.data()).instructors.find((i) => i.key === 'jane-doe')?.role,
    ).toBe('Lead FHIR trainer');
    expect((await audits('catalog.instructor.update')).map((a) => a.target_id)).toEqual([
      'jane-doe',
      'jane-doe',
    ]);
  });
});
