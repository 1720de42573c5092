import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, mailsTo, nextIp, postForm } from '../accounts/test-support.ts';
import { catalogCounts, staffJars, type Who } from './test-support.ts';

/** Quote requests: stored as leads, mailed to staff admins and to the sender, bounded, bot-proofed. */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T08:00:00Z' });
  jars = await staffJars(t, 'quotes');
});
afterAll(async () => t?.close());

const quotes = async () =>
  (
    await sql<{
      sku: string;
      email: string;
      organization: string | null;
      status: string;
    }>`SELECT * FROM catalog_quote_request ORDER BY created_at`.execute(t.app.ctx.db)
  ).rows;

const VALID = {
  sku: 'TL-MAPPER-EN',
  name: 'Dana Example',
  email: 'Dana@Hospital.example',
  organization: 'General Hospital',
  message: 'We need Mapper for 40 analysts.\nCan you quote <b>annual</b> terms?',
};

describe('POST /api/v1/quotes', () => {
  it('stores the lead, mails every staff admin and confirms to the sender', async () => {
    const r = await api(t, 'POST', '/api/v1/quotes', { body: VALID });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().status).toBe('accepted');
    const [q] = await quotes();
    expect(q).toMatchObject({
      sku: 'TL-MAPPER-EN',
      email: 'dana@hospital.example',
      organization: 'General Hospital',
      status: 'new',
    });

    const staff = await mailsTo(t, 'quotes-admin@example.com');
    expect(staff).toHaveLength(1);
    expect(staff[0]).toMatchObject({
      template: 'catalog.quote-staff',
      subject: 'New quote request: Mapper to FHIR Enterprise',
    });
    expect(staff[0]!.text_body).toContain('dana@hospital.example');
    expect(staff[0]!.text_body).toContain('40 analysts');
    // Free text is escaped in the HTML part.
    expect(staff[0]!.html_body).toContain('&#60;b&#62;annual&#60;/b&#62;');
    expect(staff[0]!.html_body).not.toContain('<b>annual');
    // Support staff and customers are not sent leads.
    expect(await mailsTo(t, 'quotes-support@example.com')).toHaveLength(0);
    const confirmation = await mailsTo(t, 'dana@hospital.example');
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.template).toBe('catalog.quote-confirmation');

    const list = await api(t, 'GET', '/api/v1/admin/quotes', { jar: jars.support });
    expect(list.json().quotes).toHaveLength(1);
    expect(list.json().quotes[0]).toMatchObject({
      sku: 'TL-MAPPER-EN',
      name: 'Dana Example',
      createdAt: '2026-06-01T08:00:00.000Z',
    });
    const page = await t.http.inject({
      method: 'GET',
      url: '/admin/quotes',
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(page.body).toContain('General Hospital');
    expect(page.body).toContain('&lt;b');
    expect(page.body).not.toContain('<b>annual');
  });

  it('keeps nothing when the honeypot is filled, yet answers the same', async () => {
    const before = await catalogCounts(t);
    const r = await api(t, 'POST', '/api/v1/quotes', { body: { ...VALID, website: 'http://spam.example' } });
    expect(r.statusCode).toBe(202);
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('refuses buyable SKUs, unknown ones and bad fields, writing nothing', async () => {
    const before = await catalogCounts(t);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...VALID, sku: 'TL-MAPPER-PR-A' }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, sku: 'TL-MAPPER-XX' }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, sku: 'CS-SUPPORT-C' }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, sku: 'TL-BUILDER-EN' }, 404, 'SKU_NOT_FOUND'],
      [{ ...VALID, email: 'not-an-email' }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, name: '   ' }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, message: 'x'.repeat(5001) }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, name: 'n'.repeat(101) }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ ...VALID, sku: 42 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api(t, 'POST', '/api/v1/quotes', { body });
      expect(r.statusCode, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(r.json().error.code).toBe(code);
    }
    expect(await catalogCounts(t)).toEqual(before);
  });

  it('is rate limited per client address', async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await api(t, 'POST', '/api/v1/quotes', { body: { ...VALID, website: 'bot' }, ip });
      statuses.push(r.statusCode);
      if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
  });
});

describe('the quote form on a product page', () => {
  it('posts with a CSRF token, redirects back with a thank-you, and stores the lead', async () => {
    const jar = new CookieJar();
    const { token, html } = await csrfFrom(t, jar, '/products/custom-training');
    expect(html).toContain('Request a quote');
    const before = (await quotes()).length;
    const r = await postForm(t, jar, '/quotes', {
      _csrf: token,
      sku: 'TR-CUSTOM-ORG',
      name: 'Sam Trainer',
      email: 'sam@clinic.example',
      organization: '',
      message: 'Training for 12 nurses.',
      website: '',
    });
    expect(r.statusCode, r.body.slice(0, 300)).toBe(303);
    expect(r.headers.location).toBe('/products/custom-training?term=ORG&quote=sent');
    expect((await quotes()).length).toBe(before + 1);
    const thanks = await t.http.inject({
      method: 'GET',
      url: r.headers.location as string,
      headers: { accept: 'text/html' },
    });
    expect(thanks.body).toContain('We received your request');
  });

  it('shows field errors beside the fields and keeps what was typed', async () => {
    const jar = new CookieJar();
    const { token } = await csrfFrom(t, jar, '/products/implementation-support');
    const r = await postForm(t, jar, '/quotes', {
      _csrf: token,
      sku: 'CS-IMPLEMENTATION-P',
      name: 'Kim "quotes" <script>',
      email: 'nope',
      message: '',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('Enter a valid email address.');
    expect(r.body).toContain('Tell us what you need.');
    expect(r.body).toContain('value="Kim &quot;quotes&quot; &lt;script');
    expect(r.body).not.toContain('<script>');
  });

  it('refuses a form without its CSRF token', async () => {
    const r = await postForm(t, new CookieJar(), '/quotes', {
      sku: 'TL-MAPPER-EN',
      name: 'x',
      email: 'x@y.example',
      message: 'hi',
    });
    expect(r.statusCode).toBe(403);
  });
});
