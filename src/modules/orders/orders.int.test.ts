import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, signedInUser } from '../accounts/test-support.ts';
import { checkoutAs, GERMAN_CONSUMER, payWithCard } from '../checkout/test-support.ts';

let t: TestApp;
let alice: CookieJar;
let bob: CookieJar;
let admin: CookieJar;
let aliceOrder: { orderId: string; orderNumber: string; payUrl: string };

beforeAll(async () => {
  t = await createTestApp();
  alice = await signedInUser(t, 'alice@example.org');
  bob = await signedInUser(t, 'bob@example.org');
  await t.app.modules.accounts.createAdmin({
    email: 'staff@example.org',
    password: 'staff passphrase 2026 ok',
  });
  admin = new CookieJar();
  const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
    jar: admin,
    body: { email: 'staff@example.org', password: 'staff passphrase 2026 ok' },
  });
  expect(signIn.statusCode).toBe(200);
  await api(t, 'POST', '/api/v1/cart/items', { jar: alice, body: { sku: 'TR-FHIR101-LV-S', quantity: 4 } });
  aliceOrder = await checkoutAs(t, alice, {
    ...GERMAN_CONSUMER,
    name: 'Alice Example',
    email: 'alice@example.org',
  });
}, 60_000);
afterAll(async () => t?.close());

const page = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
  });

describe('orders', () => {
  it('lists and shows a customer’s own orders with line snapshots', async () => {
    const list = await api(t, 'GET', '/api/v1/orders', { jar: alice });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((o: { id: string }) => o.id)).toEqual([aliceOrder.orderId]);
    const one = await api(t, 'GET', `/api/v1/orders/${aliceOrder.orderId}`, { jar: alice });
    expect(one.statusCode).toBe(200);
    const order = one.json();
    expect(order.number).toMatch(/^FIQ-\d{4}-\d{6}$/);
    expect(order.lines).toEqual([
      expect.objectContaining({
        sku: 'TR-FHIR101-LV-S',
        quantity: 4,
        unitAmount: 149_900,
        net: 599_600,
        taxRate: 1900,
        taxAmount: 113_924,
      }),
    ]);
    expect(order.totals).toEqual({ net: 599_600, tax: 113_924, gross: 713_524 });
    expect(order.vat).toEqual({ id: null, status: 'not_provided' });
    const html = await page(`/account/orders/${aliceOrder.orderId}`, alice);
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain(aliceOrder.orderNumber);
    expect(html.body).toContain('Pay now');
    expect((await page('/account/orders', alice)).body).toContain(aliceOrder.orderNumber);
  });

  it('hides another customer’s order (404, like an unknown id) and asks strangers to sign in', async () => {
    expect((await api(t, 'GET', `/api/v1/orders/${aliceOrder.orderId}`, { jar: bob })).statusCode).toBe(404);
    expect((await api(t, 'GET', '/api/v1/orders', { jar: bob })).json().items).toEqual([]);
    expect((await page(`/account/orders/${aliceOrder.orderId}`, bob)).statusCode).toBe(404);
    expect((await page(`/orders/${aliceOrder.orderId}/confirmation`, bob)).statusCode).toBe(404);
    expect((await api(t, 'GET', `/api/v1/orders/${aliceOrder.orderId}`)).statusCode).toBe(401);
    expect((await api(t, 'GET', '/api/v1/orders')).statusCode).toBe(401);
    const anonymous = await page('/account/orders');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in\?next=/);
    const bad = await api(t, 'GET', "/api/v1/orders/ord_'%20OR%201=1", { jar: alice });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(
      (await api(t, 'GET', '/api/v1/orders/ord_00000000000000000000000000', { jar: alice })).statusCode,
    ).toBe(404);
  });

  it('the owner sees the confirmation without a token once paid', async () => {
    const res = await payWithCard(t, alice, aliceOrder.payUrl, '4242424242424242');
    expect(res.statusCode).toBe(303);
    const mine = await page(`/orders/${aliceOrder.orderId}/confirmation`, alice);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Payment received');
    expect((await api(t, 'GET', `/api/v1/orders/${aliceOrder.orderId}`, { jar: alice })).json().state).toBe(
      'paid',
    );
  });

  it('lets staff search orders; customers may not', async () => {
    const found = await api(t, 'GET', `/api/v1/admin/orders?q=${aliceOrder.orderNumber}`, { jar: admin });
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((o: { id: string }) => o.id)).toEqual([aliceOrder.orderId]);
    const byEmail = await api(t, 'GET', '/api/v1/admin/orders?q=ALICE@', { jar: admin });
    expect(byEmail.json().items).toHaveLength(1);
    expect((await api(t, 'GET', '/api/v1/admin/orders?q=%25', { jar: admin })).json().items).toEqual([]);
    expect((await api(t, 'GET', '/api/v1/admin/orders?state=nope', { jar: admin })).statusCode).toBe(400);
    expect((await api(t, 'GET', '/api/v1/admin/orders?limit=100000', { jar: admin })).statusCode).toBe(400);
    expect((await api(t, 'GET', '/api/v1/admin/orders', { jar: alice })).statusCode).toBe(403);
    expect((await api(t, 'GET', '/api/v1/admin/orders')).statusCode).toBe(401);
    const html = await page(`/admin/orders?q=${aliceOrder.orderNumber}`, admin);
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain(aliceOrder.orderNumber);
    expect((await page('/admin/orders', alice)).statusCode).toBe(403);
  });
});
