import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, csrfFrom, postForm } from '../accounts/test-support.ts';
import { type FakeStripe, startFakeStripe } from '../payments/fake-stripe.ts';
import { TEST_STRIPE_ENV } from '../payments/stripe-test-support.ts';
import { cartOf, count, GERMAN_CONSUMER, guestWithCart } from './test-support.ts';

// Stripe unreachable while a customer checks out: the order is kept (pending, nothing charged),
// the customer is told so, and trying again continues with the same order and the same
// Checkout Session idempotency key (`checkout-session:<orderId>:<attempt>`, see stripe-provider.ts).

let t: TestApp;
let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: { ...TEST_STRIPE_ENV, STRIPE_API_URL: fake.url } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const ordersOf = async (email: string) =>
  (
    await sql<{ id: string; state: string; last_payment_error: string | null; checkout_url: string | null }>`
    SELECT o.id, o.state, o.last_payment_error, p.checkout_url FROM sales_order o JOIN payment p ON p.order_id = o.id
    WHERE o.billing->>'email' = ${email}`.execute(t.app.ctx.db)
  ).rows;
const sessionKeys = (orderId: string) =>
  fake.requests
    .filter((r) => r.path === '/v1/checkout/sessions' && r.form.client_reference_id === orderId)
    .map((r) => r.idempotencyKey);

describe('a Stripe outage during checkout', () => {
  it('JSON: 500s from Stripe leave the order pending with a clear 503; the repeat reuses the order and the session key', async () => {
    const email = 'outage-json@example.de';
    const jar = await guestWithCart(t);
    const cart = await cartOf(t, jar);
    const body = { billing: { ...GERMAN_CONSUMER, email }, cartId: cart.id, cartVersion: cart.version };
    fake.failPath = '/v1/checkout/sessions';
    fake.failNext = 1_000;
    try {
      const down = await api(t, 'POST', '/api/v1/checkout', { jar, body });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBe('30');
      const error = down.json().error;
      expect(error.code).toBe('PAYMENT_PAGE_UNAVAILABLE');
      expect(error.message).toMatch(
        /^Your order FIQ-\d{4}-\d{6} is saved, but the payment page is temporarily unavailable\./,
      );
      expect(error.message).toContain('Nothing was charged');
      const [order] = await ordersOf(email);
      expect(order).toMatchObject({ state: 'pending_payment', last_payment_error: null, checkout_url: null });
      // The SDK's own retries used the same key; a second try while still down too.
      expect((await api(t, 'POST', '/api/v1/checkout', { jar, body })).json().error.code).toBe(
        'PAYMENT_PAGE_UNAVAILABLE',
      );
      expect(sessionKeys(order!.id).length).toBeGreaterThanOrEqual(6);
      expect(new Set(sessionKeys(order!.id))).toEqual(new Set([`checkout-session:${order!.id}:1`]));
    } finally {
      fake.failNext = 0;
      fake.failPath = undefined;
    }
    const again = await api(t, 'POST', '/api/v1/checkout', { jar, body });
    expect(again.statusCode).toBe(200);
    const [order] = await ordersOf(email);
    expect(again.json()).toMatchObject({ orderId: order!.id, created: false, state: 'pending_payment' });
    expect(again.json().payUrl).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    expect(await ordersOf(email)).toHaveLength(1);
    expect(new Set(sessionKeys(order!.id))).toEqual(new Set([`checkout-session:${order!.id}:1`]));
  });

  it('form: connection refused sends the guest to the order’s page, which says so and offers the payment once Stripe answers', async () => {
    const email = 'outage-form@example.de';
    const jar = await guestWithCart(t);
    const { token } = await csrfFrom(t, jar, '/checkout');
    const cart = await cartOf(t, jar);
    const fields = {
      _csrf: token,
      customerType: 'consumer',
      name: 'Erika Mustermann',
      email,
      line1: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
      cartId: cart.id,
      cartVersion: String(cart.version),
    };
    await fake.stop();
    let confirmation: string;
    try {
      const placed = await postForm(t, jar, '/checkout/place', fields);
      expect(placed.statusCode).toBe(303);
      confirmation = String(placed.headers.location);
      const [order] = await ordersOf(email);
      expect(confirmation).toMatch(new RegExp(`^/orders/${order!.id}/confirmation\\?token=`));
      const page = await t.http.inject({
        method: 'GET',
        url: confirmation,
        headers: { accept: 'text/html' },
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('The payment page is temporarily unavailable');
      expect(page.body).toContain('nothing was charged');
      expect(page.body).not.toContain('Pay now');
      expect(order).toMatchObject({ state: 'pending_payment', checkout_url: null });
    } finally {
      await fake.resume();
    }
    const [order] = await ordersOf(email);
    const page = await t.http.inject({ method: 'GET', url: confirmation, headers: { accept: 'text/html' } });
    expect(page.body).toContain('Pay now');
    const payUrl = /href="(https:\/\/checkout\.stripe\.test\/[^"]+)"/.exec(page.body)?.[1];
    expect(payUrl).toBeDefined();
    expect(page.body).not.toContain('temporarily unavailable');
    // Submitting the same form again (back button, reload) continues with this order and its session.
    const replaced = await postForm(t, jar, '/checkout/place', fields);
    expect(replaced.statusCode).toBe(303);
    expect(replaced.headers.location).toBe(payUrl);
    expect(await ordersOf(email)).toHaveLength(1);
    expect(sessionKeys(order!.id)).toEqual([`checkout-session:${order!.id}:1`]);
    expect(
      await count(t, sql`SELECT count(*)::int AS n FROM sales_order WHERE billing->>'email' = ${email}`),
    ).toBe(1);
  });
});
