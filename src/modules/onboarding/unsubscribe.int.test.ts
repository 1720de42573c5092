import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, csrfFrom, postForm, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';
import { afterPayment, buy, runQueued } from '../fulfillment/test-support.ts';
import { ONBOARDING_JOBS } from './index.ts';

/**
 * Marketing mail carries a signed unsubscribe link and RFC 8058 headers; the link works without
 * signing in, a forged one is refused and changes nothing; the account page toggles the same
 * preference; staff see an order's sequence, others do not.
 */

const T0 = Date.parse('2026-06-01T10:00:00Z');
const HOUR = 3_600_000;
const BUYER = 'unsub-buyer@example.de';

let t: TestApp;
let jars: Record<Who, CookieJar>;
let buyer: CookieJar;
let orderId: string;

beforeAll(async () => {
  t = await createTestApp({ clockAt: new Date(T0).toISOString() });
  jars = await staffJars(t, 'unsub');
  buyer = await signedInUser(t, BUYER);
  orderId = await buy(t, buyer, BUYER, [
    { sku: 'TL-MAPPER-ST-A', quantity: 1 },
    { sku: 'TR-FHIR101-SP-P', quantity: 1 },
  ]);
  await afterPayment(t);
  await runQueued(t, ONBOARDING_JOBS.orderPaid);
}, 60_000);
afterAll(async () => t?.close());

interface Row {
  template: string;
  category: string;
  text_body: string;
  html_body: string;
  headers: Record<string, string> | null;
}
const mailOf = async (template: string): Promise<Row | undefined> =>
  (
    await sql<Row>`SELECT template, category, text_body, html_body, headers FROM mail_message
      WHERE to_address = ${BUYER} AND template = ${template}`.execute(t.app.ctx.db)
  ).rows[0];

/** Runs the sweep as the worker's cron job does. */
async function sweepAt(hours: number): Promise<void> {
  t.clock!.set(new Date(T0 + hours * HOUR));
  const job = t.app.ctx.jobs.definitions.find((d) => d.name === ONBOARDING_JOBS.sendDue)!;
  expect(job.cron).toBeTruthy();
  await job.handler({}, { id: 'test', retryCount: 0 });
}

const preferenceRows = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM mail_preference`.execute(t.app.ctx.db)).rows[0]!.n;
const accepts = async () => (await t.app.modules.onboarding.preferences.ofAddress(BUYER)).marketing;

describe('the mails', () => {
  it('transactional ones carry no unsubscribe; marketing ones carry the link and RFC 8058 headers', async () => {
    const welcome = (await mailOf('onboarding.welcome'))!;
    expect(welcome.category).toBe('transactional');
    expect(welcome.headers).toBeNull();
    expect(welcome.text_body).not.toContain('unsubscribe');
    expect(welcome.text_body).toContain('/account/licenses');
    expect(welcome.text_body).toContain('/account/training');
    // HTML in the design tokens (the strong brand orange for the button), everything escaped.
    expect(welcome.html_body).toContain('#C2410C');
    expect(welcome.html_body).toContain('Erika Mustermann');

    await sweepAt(2);
    expect((await mailOf('onboarding.training-access'))!.text_body).toContain('/account/training');
    await sweepAt(24);
    const activation = (await mailOf('onboarding.software-activation'))!;
    expect(activation.category).toBe('transactional');
    expect(activation.text_body).toContain('@fhiriq/license-client');
    await sweepAt(48);
    const path = (await mailOf('onboarding.learning-path'))!;
    expect(path.category).toBe('marketing');
    const footer = /\/unsubscribe\?token=([A-Za-z0-9_.-]+)/.exec(path.text_body)?.[1];
    expect(footer).toBeTruthy();
    expect(path.html_body).toContain(`/unsubscribe?token=${footer}`);
    expect(path.headers).toEqual({
      'List-Unsubscribe': `<${t.config.publicUrl}/unsubscribe/one-click?token=${footer}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('unsubscribing', () => {
  const tokenOfMail = async () =>
    /\/unsubscribe\?token=([A-Za-z0-9_.-]+)/.exec((await mailOf('onboarding.learning-path'))!.text_body)![1]!;

  it('refuses a forged, edited or missing token with 400 and writes nothing', async () => {
    const token = await tokenOfMail();
    const [, sig] = token.split('.');
    const forged = [
      `${Buffer.from('marketing:someone-else@example.de').toString('base64url')}.${sig}`,
      `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
      'not-a-token',
      '',
    ];
    const rows = await preferenceRows();
    for (const bad of forged) {
      const get = await api(t, 'GET', `/unsubscribe?token=${encodeURIComponent(bad)}`);
      expect([get.statusCode, get.json().error.code], bad).toEqual([400, 'UNSUBSCRIBE_LINK_INVALID']);
      const oneClick = await t.http.inject({
        method: 'POST',
        url: `/unsubscribe/one-click?token=${encodeURIComponent(bad)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.statusCode, bad).toBe(400);
    }
    // The confirmation form with a valid CSRF token but a forged recipient: refused too.
    const jar = new CookieJar();
    const { token: csrf } = await csrfFrom(t, jar, `/unsubscribe?token=${token}`);
    const post = await postForm(t, jar, '/unsubscribe', {
      _csrf: csrf,
      token: forged[0]!,
      choice: 'unsubscribe',
    });
    expect(post.statusCode).toBe(400);
    expect(await preferenceRows()).toBe(rows);
    expect(await accepts()).toBe(true);
  });

  it('the page form needs its CSRF token; the one-click POST needs none, and GET changes nothing', async () => {
    const token = await tokenOfMail();
    const noCsrf = await t.http.inject({
      method: 'POST',
      url: '/unsubscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, choice: 'unsubscribe' }).toString(),
    });
    expect([noCsrf.statusCode, noCsrf.json().error.code]).toEqual([403, 'CSRF_INVALID']);
    // A mail provider's link check or a preview: a page, no change.
    const preview = await t.http.inject({
      method: 'GET',
      url: `/unsubscribe/one-click?token=${token}`,
      headers: { accept: 'text/html' },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Unsubscribe');
    expect(await accepts()).toBe(true);

    // RFC 8058: the provider POSTs from its servers, no cookie, multipart or urlencoded.
    const boundary = 'x-boundary-123';
    const oneClick = await t.http.inject({
      method: 'POST',
      url: `/unsubscribe/one-click?token=${token}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(await accepts()).toBe(false);

    // Tips (72 h) and the check-in (168 h) are marketing: not sent. Nothing transactional was pending.
    await sweepAt(72);
    await sweepAt(168);
    expect(await mailOf('onboarding.software-tips')).toBeUndefined();
    expect(await mailOf('onboarding.success-checkin')).toBeUndefined();

    // The page tells the state and offers to subscribe again (with the form's CSRF token).
    const jar = new CookieJar();
    const { token: csrf, html } = await csrfFrom(t, jar, `/unsubscribe?token=${token}`);
    expect(html).toContain('Subscribe again');
    const again = await postForm(t, jar, '/unsubscribe', { _csrf: csrf, token, choice: 'subscribe' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toContain('done=subscribed');
    expect(await accepts()).toBe(true);
  });

  it('a signed-in user toggles marketing mail for their own address at /account/notifications', async () => {
    const anonymous = await t.http.inject({
      method: 'GET',
      url: '/account/notifications',
      headers: { accept: 'text/html' },
    });
    expect(anonymous.statusCode).toBe(303);
    const { token } = await csrfFrom(t, buyer, '/account/notifications');
    const off = await postForm(t, buyer, '/account/notifications', { _csrf: token, marketing: 'off' });
    expect([off.statusCode, off.headers.location]).toEqual([303, '/account/notifications?saved=1']);
    expect(await accepts()).toBe(false);
    const bad = await postForm(t, buyer, '/account/notifications', { _csrf: token });
    expect(bad.statusCode).toBe(400);
    const on = await postForm(t, buyer, '/account/notifications', { _csrf: token, marketing: 'on' });
    expect(on.statusCode).toBe(303);
    expect(await accepts()).toBe(true);
    const page = await t.http.inject({
      method: 'GET',
      url: '/account/notifications?saved=1',
      headers: { accept: 'text/html', cookie: buyer.header() },
    });
    expect(page.body).toContain(BUYER);
    expect(page.body).toMatch(/value="on" checked/);
  });
});

describe('staff', () => {
  it('see an order’s onboarding mails by id or number; customers and strangers do not', async () => {
    const number = (await t.app.modules.orders.service.get(orderId))!.row.number;
    const url = (q: string) => `/api/v1/admin/onboarding?orderId=${encodeURIComponent(q)}`;
    const byId = await api(t, 'GET', url(orderId), { jar: jars.support });
    expect(byId.statusCode, byId.body).toBe(200);
    expect(byId.json()).toMatchObject({ orderId, orderNumber: number, recipient: BUYER });
    expect(
      Object.fromEntries(
        byId.json().steps.map((s: { template: string; status: string }) => [s.template, s.status]),
      ),
    ).toEqual({
      'onboarding.welcome': 'sent',
      'onboarding.training-access': 'sent',
      'onboarding.software-activation': 'sent',
      'onboarding.learning-path': 'sent',
      'onboarding.software-tips': 'suppressed',
      'onboarding.success-checkin': 'suppressed',
    });
    expect((await api(t, 'GET', url(number), { jar: jars.admin })).json().orderId).toBe(orderId);
    expect((await api(t, 'GET', url('ord_unknown'), { jar: jars.admin })).statusCode).toBe(404);
    expect((await api(t, 'GET', url(orderId), { jar: jars.customer })).statusCode).toBe(403);
    expect((await api(t, 'GET', url(orderId), { jar: buyer })).statusCode).toBe(403);
    expect((await api(t, 'GET', url(orderId))).statusCode).toBe(401);

    const page = await t.http.inject({
      method: 'GET',
      url: `/admin/onboarding?order=${number}`,
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(number);
    expect(page.body).toContain('Not sent (unsubscribed)');
    const denied = await t.http.inject({
      method: 'GET',
      url: '/admin/onboarding',
      headers: { accept: 'text/html', cookie: jars.customer.header() },
    });
    expect(denied.statusCode).toBe(403);
  });
});
