import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, CookieJar, signedInUser } from '../accounts/test-support.ts';
import { checkoutAs, GERMAN_CONSUMER, guestWithCart, payWithCard } from '../checkout/test-support.ts';

// The guest's confirmation link carries its expiry (30 days), signed with the order id.

let t: TestApp;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-03-01T10:00:00Z' });
}, 60_000);
afterAll(async () => t?.close());

const get = (url: string, jar?: CookieJar) =>
  t.http.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', ...(jar ? { cookie: jar.header() } : {}) },
  });

describe('order confirmation link', () => {
  it('works for 30 days, then says it expired and shows nothing of the order', async () => {
    const jar = await guestWithCart(t);
    const order = await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email: 'guest-link@example.de' });
    const paid = await payWithCard(t, jar, order.payUrl, '4242424242424242');
    const link = String(paid.headers.location);
    expect(link).toMatch(new RegExp(`^/orders/${order.orderId}/confirmation\\?token=\\d+\\.[\\w-]{43}$`));
    expect((await get(link)).statusCode).toBe(200);
    t.clock!.advance(29 * DAY);
    const late = await get(link);
    expect(late.statusCode).toBe(200);
    expect(late.body).toContain('Thank you for your order');

    t.clock!.advance(2 * DAY);
    const expired = await get(link);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This link has expired');
    expect(expired.body).toContain(
      `href="/sign-in?next=${encodeURIComponent(`/account/orders/${order.orderId}`)}"`,
    );
    for (const secret of [order.orderNumber, 'Erika Mustermann', 'guest-link@example.de', 'Unter den Linden'])
      expect(expired.body).not.toContain(secret);
    // A link made now is good again.
    const fresh = t.app.modules.orders.confirmationPath(order.orderId);
    expect((await get(fresh)).statusCode).toBe(200);
  });

  it('refuses a token whose expiry or signature was changed (404, like an unknown order); an undated old link lasts 30 days from its order', async () => {
    const jar = await guestWithCart(t);
    const order = await checkoutAs(t, jar, { ...GERMAN_CONSUMER, email: 'guest-tamper@example.de' });
    const token = new URL(order.confirmationUrl, 'http://x').searchParams.get('token')!;
    const [exp, mac] = token.split('.') as [string, string];
    const base = `/orders/${order.orderId}/confirmation?token=`;
    expect((await get(`${base}${token}`)).statusCode).toBe(200);
    for (const bad of [
      `${Number(exp) + 365 * 24 * 3600}.${mac}`,
      `${exp}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${exp}.`,
      exp,
      'x',
    ])
      expect((await get(`${base}${encodeURIComponent(bad)}`)).statusCode, bad).toBe(404);
    // Another order's token does not open this one.
    const other = await checkoutAs(t, await guestWithCart(t), {
      ...GERMAN_CONSUMER,
      email: 'guest-other@example.de',
    });
    const otherToken = new URL(other.confirmationUrl, 'http://x').searchParams.get('token')!;
    expect((await get(`${base}${otherToken}`)).statusCode).toBe(404);
    // Links sent before they carried an expiry (a Checkout Session opened before the upgrade):
    // genuine, and no older than their order, so they last 30 days from the order.
    const legacy = t.app.ctx.secrets.keyedHash('order-confirmation', order.orderId);
    expect((await get(`${base}${legacy}`)).statusCode).toBe(200);
    t.clock!.advance(31 * DAY);
    expect((await get(`${base}${legacy}`)).statusCode).toBe(410);
  });

  it('the signed-in owner still sees the order through an expired link', async () => {
    const password = 'correct horse battery staple';
    const owner = await signedInUser(t, 'owner-link@example.org', password);
    expect(
      (
        await api(t, 'POST', '/api/v1/cart/items', {
          jar: owner,
          body: { sku: 'TL-MAPPER-PR-A', quantity: 1 },
        })
      ).statusCode,
    ).toBe(200);
    const order = await checkoutAs(t, owner, { ...GERMAN_CONSUMER, email: 'owner-link@example.org' });
    t.clock!.advance(31 * DAY);
    const jar = new CookieJar();
    const signIn = await api(t, 'POST', '/api/v1/auth/sign-in', {
      jar,
      body: { email: 'owner-link@example.org', password },
    });
    expect(signIn.statusCode).toBe(200);
    expect((await get(order.confirmationUrl)).statusCode).toBe(410);
    const mine = await get(order.confirmationUrl, jar);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(order.orderNumber);
  });
});
