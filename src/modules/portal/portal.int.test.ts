import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, nextIp, signedInUser } from '../accounts/test-support.ts';
import { afterPayment, buy } from '../fulfillment/test-support.ts';

/**
 * The customer's dashboard at /account: what they bought (licenses, orders, hours) and what needs
 * them, only ever their own.
 */

let t: TestApp;
let alice: CookieJar;
let bob: CookieJar;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-11-20T09:00:00Z' });
  alice = await signedInUser(t, 'alice@hospital.org', undefined, 'Alice Admin');
  bob = await signedInUser(t, 'bob@clinic.org', undefined, 'Bob Builder');
  await buy(t, alice, 'alice@hospital.org', [
    { sku: 'TL-MAPPER-PR-A', quantity: 1 },
    { sku: 'CS-BLOCKS-10-B', quantity: 1 },
  ]);
  await afterPayment(t);
});
afterAll(async () => t?.close());

const page = (jar: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url: '/account',
    headers: { accept: 'text/html', cookie: jar.header() },
    remoteAddress: nextIp(),
  });

describe('the customer dashboard', () => {
  it('shows the license, the order and the consulting hours the customer bought', async () => {
    const json = (await api(t, 'GET', '/api/v1/account/dashboard', { jar: alice })).json();
    expect(json.user).toEqual({ name: 'Alice Admin', email: 'alice@hospital.org' });
    expect(json.licenses.counts).toEqual({ ACTIVE: 1, SUSPENDED: 0, EXPIRED: 0, REVOKED: 0 });
    expect(json.licenses.active[0]).toMatchObject({ sku: 'TL-MAPPER-PR-A', status: 'ACTIVE' });
    expect(json.licenses.active[0].maskedKey).toMatch(/^FHIR-\*{4}-\*{4}-\*{4}-\*{4}-[0-9A-Z]{4}$/);
    expect(json.recentOrders).toHaveLength(1);
    expect(json.recentOrders[0].state).toBe('paid');
    expect(json.consulting).toEqual({ remainingMinutes: 600, engagements: 1 });

    const html = (await page(alice)).body;
    expect(html).toContain('<h1>Your account</h1>');
    expect(html).toContain(json.licenses.active[0].maskedKey);
    expect(html).toContain(`/account/orders/${json.recentOrders[0].id}`);
    expect(html).toContain('10 h remaining');
    // The portal's sections are one click away, the current one marked.
    expect(html).toMatch(/<a href="\/account" aria-current="page">Dashboard<\/a>/);
    expect(html).toContain('href="/account/settings"');
  });

  it("never shows another customer's purchases", async () => {
    const json = (await api(t, 'GET', '/api/v1/account/dashboard', { jar: bob })).json();
    expect(json.user.email).toBe('bob@clinic.org');
    expect(json.licenses.counts.ACTIVE).toBe(0);
    expect(json.recentOrders).toEqual([]);
    expect(json.consulting.remainingMinutes).toBe(0);
    const html = (await page(bob)).body;
    expect(html).not.toContain('alice@hospital.org');
    expect(html).toContain('No orders yet.');
  });

  it('is for signed-in customers only', async () => {
    const anonymous = await page(new CookieJar());
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Faccount');
    expect((await api(t, 'GET', '/api/v1/account/dashboard', { jar: new CookieJar() })).statusCode).toBe(401);
  });
});
